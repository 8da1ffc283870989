// The plan's preflight section and what the rest of the plan implies: the Deployment to find, the
// image tag that must not be running yet; mistakes named by field.
import { preflightSpec } from '../../../packages/release/src/guardrails/steps.ts'
import { parsePlan } from '../../../packages/release/src/plan-file.ts'

const plan = (extra: string) =>
  parsePlan(
    `service: shop\nimage:\n  repository: shop\n  tags: [v2.0.0, latest]\nkubernetes:\n  deployment: shop\n  namespace: web\n${extra}`,
    'release.yaml',
    { given: 'v2.0.0', fallback: 'x' },
  )

test('alarms, account and staging URLs from the section; Deployment and tag from the plan', () => {
  expect(
    preflightSpec(
      plan(
        'preflight:\n  account: "123456789012"\n  alarms: [shop-5xx, shop-latency]\n  staging-urls: https://staging.example.com/health\n',
      ),
    ),
  ).toEqual({
    account: '123456789012',
    alarms: ['shop-5xx', 'shop-latency'],
    deployment: { namespace: 'web', name: 'shop' },
    image: { repository: 'shop', tag: 'v2.0.0' },
    stagingUrls: ['https://staging.example.com/health'],
  })
  expect(preflightSpec(plan(''))).toEqual({
    alarms: [],
    deployment: { namespace: 'web', name: 'shop' },
    image: { repository: 'shop', tag: 'v2.0.0' },
    stagingUrls: [],
  })
})

test.each([
  ['preflight:\n  alarm: x\n', /preflight\.alarm: expected \{ account/],
  ['preflight:\n  account: "12"\n', /preflight\.account: expected a 12-digit AWS account id, got "12"/],
  ['preflight:\n  alarms: [1, 2]\n', /preflight\.alarms: expected a list of strings/],
  ['preflight: [a]\n', /preflight: expected/],
])('refused: %j', (extra, message) => {
  expect(() => preflightSpec(plan(extra))).toThrow(message)
})
