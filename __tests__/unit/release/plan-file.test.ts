// The release plan's schema: good plans parse to typed values with ${version} resolved; every
// mistake is reported at once, each with its line and field.
import { ConfigurationError } from '@deploy-actions/kit'
import { PlanError, parsePlan } from '../../../packages/release/src/plan-file.ts'

const parse = (text: string, given?: string) => parsePlan(text, 'release.yaml', { given, fallback: 'v9.9.9' })
const problemsOf = (text: string): string[] => {
  try {
    parse(text)
  } catch (error) {
    if (error instanceof PlanError) return error.problems
    throw error
  }
  return []
}

const FULL = `
service: shop
environment: production
aws-region: eu-west-1
image:
  repository: shop/backend
  tags: ["\${version}", latest]
  context: app
  build-args: { VERSION: "\${version}", DEBUG: false }
database:
  instance: webshop-prod
  retain: 5
  url-env: DATABASE_URL
  migrations: [db/migration, db/seed]
kubernetes:
  deployment: backend
  router: gateway-api
  http-route: backend
  steps: [10, 50, 100]
  step-duration: 5m
  checks:
    - name: error-rate
      provider: prometheus
      query: sum(rate(x[1m]))
      max: 0.01
smoke:
  urls: https://shop.example.com/actuator/health
frontends:
  - source: out
    bucket: shop-web
    distribution-id: E2QWRUHAPOMQZL
window: Sun 02:00-04:00 Europe/Berlin
freeze: [2026-12-24, 2026-12-31]
notifications: { slack: { webhook-env: SLACK_WEBHOOK } }
maintenance: { http-route: backend, backend: maintenance }
`

test('a full plan parses; ${version} resolves everywhere; guardrail sections are kept as written', () => {
  const plan = parse(FULL, 'v2.1.0')
  expect(plan.version).toBe('v2.1.0')
  expect(plan.image?.tags).toEqual(['v2.1.0', 'latest'])
  expect(plan.image?.['build-args']).toEqual({ VERSION: 'v2.1.0', DEBUG: false })
  expect(plan.kubernetes?.steps).toEqual([10, 50, 100])
  expect(plan.kubernetes?.checks).toEqual([
    { name: 'error-rate', provider: 'prometheus', query: 'sum(rate(x[1m]))', max: 0.01 },
  ])
  expect(plan.window).toBe('Sun 02:00-04:00 Europe/Berlin')
  expect(plan.notifications).toEqual({ slack: { 'webhook-env': 'SLACK_WEBHOOK' } })
})

test.each([
  ['--version wins over the plan', 'version: v1.0.0\nsmoke: { urls: http://x }', 'v3.0.0', 'v3.0.0'],
  ['the plan wins over the ref', 'version: v1.0.0\nsmoke: { urls: http://x }', undefined, 'v1.0.0'],
  ['the ref last', 'smoke: { urls: http://x }', undefined, 'v9.9.9'],
])('version: %s', (_name, text, given, expected) => {
  expect(parse(text, given).version).toBe(expected)
})

test.each([
  [
    'unknown field, with a suggestion',
    'image:\n  repository: a\n  tag: v1\n',
    'release.yaml:3: image.tag: unknown field (did you mean tags?)',
  ],
  [
    'a required field',
    'kubernetes:\n  namespace: shop\n  image: a:1\n',
    'release.yaml:2: kubernetes.deployment: required field missing',
  ],
  [
    'a wrong scalar',
    'database:\n  instance: db\n  retain: many\n',
    'release.yaml:3: database.retain: expected an integer 0 or more, got "many"',
  ],
  [
    'an enum',
    'kubernetes:\n  deployment: a\n  image: a:1\n  router: istio\n',
    'release.yaml:4: kubernetes.router: expected one of replicas, gateway-api, alb, nginx, got "istio"',
  ],
  [
    'a list item',
    'kubernetes:\n  deployment: a\n  image: a:1\n  steps:\n    - 10\n    - half\n    - 100\n',
    'release.yaml:6: kubernetes.steps[1]: expected an integer 1-100, got "half"',
  ],
  [
    'a duration',
    'smoke:\n  urls: http://x\n  timeout: soon\n',
    'release.yaml:3: smoke.timeout: expected a duration like 30s, 5m or 1h, got "soon"',
  ],
  [
    'a map value',
    'image:\n  repository: a\n  build-args:\n    A: [1]\n',
    'release.yaml:4: image.build-args.A: expected a string, number or boolean, got a list',
  ],
  ['a frontend', 'frontends:\n  - source: out\n', 'release.yaml:2: frontends[0].bucket: required field missing'],
  [
    'an env variable name',
    'database:\n  url-env: $DATABASE_URL\n',
    'release.yaml:2: database.url-env: expected an environment variable name, got "$DATABASE_URL"',
  ],
  ['the top level', '- image\n', 'release.yaml:1: (top level): expected a map, got a list'],
  [
    'YAML syntax',
    'image:\n  repository: [a\n',
    'release.yaml:1: Flow sequence in block collection must be sufficiently indented',
  ],
  ['a duplicate key', 'smoke: { urls: a }\nsmoke: { urls: b }\n', 'release.yaml:1: Map keys must be unique'],
])('%s', (_name, text, expected) => {
  expect(problemsOf(text).join('\n')).toContain(expected)
})

test.each([
  [
    'gateway-api without an HTTPRoute',
    'kubernetes:\n  deployment: a\n  image: a:1\n  router: gateway-api\n',
    'release.yaml:4: kubernetes.http-route: required with router gateway-api',
  ],
  [
    'steps not ending at 100',
    'kubernetes:\n  deployment: a\n  image: a:1\n  steps: [10, 50]\n',
    'kubernetes.steps: the last step must be 100',
  ],
  [
    'steps not increasing',
    'kubernetes:\n  deployment: a\n  image: a:1\n  steps: [50, 10, 100]\n',
    'kubernetes.steps: expected increasing weights',
  ],
  [
    'nothing to roll out',
    'kubernetes:\n  deployment: a\n',
    'release.yaml:2: kubernetes.image: required when the plan has no image section',
  ],
  ['a database that names nothing', 'database:\n  retain: 3\n', 'release.yaml:2: database: names neither'],
  [
    'instance and cluster',
    'database:\n  instance: a\n  cluster: b\n',
    'release.yaml:3: database.cluster: give instance or cluster, not both',
  ],
  ['an empty plan', 'service: shop\n', 'the plan does nothing'],
])('across fields: %s', (_name, text, expected) => {
  expect(problemsOf(text).join('\n')).toContain(expected)
})

test('every mistake at once, and the error is a ConfigurationError of the plan input', () => {
  let error: unknown
  try {
    parse('image:\n  repositry: a\nkubernetes:\n  deployment: 7\n  bake: later\n')
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(ConfigurationError)
  expect((error as ConfigurationError).input).toBe('plan')
  expect((error as PlanError).problems).toEqual([
    expect.stringMatching(/^release.yaml:2: image.repositry: unknown field/),
    'release.yaml:2: image.repository: required field missing',
    'release.yaml:5: kubernetes.bake: expected a duration like 30s, 5m or 1h, got "later"',
  ])
})
