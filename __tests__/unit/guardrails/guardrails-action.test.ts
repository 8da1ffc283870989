// The guardrails action (actions/guardrails): its inputs by table (good and bad, each mistake
// naming its input), and its check mode run with a pinned clock and fake preflight ports: the
// window on Berlin's wall clock, a freeze, break-glass with its reason, a failed check that
// break-glass does not override (an alarm, a rollout in progress, a running canary), the
// outputs and the summary of each.
import { ConfigurationError, recordInputGetter } from '@deploy-actions/kit'
import { check } from '../../../actions/guardrails/src/check.ts'
import { type CheckInputs, parseInputs } from '../../../actions/guardrails/src/inputs.ts'
import type { Deps } from '../../../actions/guardrails/src/ports.ts'
import { newReport, outputsOf, renderSummary } from '../../../actions/guardrails/src/report.ts'
import type { LiveDeployment, PreflightPorts } from '../../../packages/release/src/guardrails/preflight.ts'
import { pausedCanary, rolledOut, rollingOut } from './live-deployments.ts'

const ENV = { GITHUB_REF: 'refs/tags/v2.1.0', GITHUB_REPOSITORY: 'acme/webshop', AWS_REGION: 'eu-west-1' }
const parse = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = ENV) =>
  parseInputs(recordInputGetter(inputs), env)
const errorOf = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = ENV) => {
  try {
    parse(inputs, env)
  } catch (error) {
    if (error instanceof ConfigurationError) return { input: error.input, message: error.message }
    throw error
  }
  return undefined
}

describe('inputs', () => {
  test('check: windows and freezes one a line, the preflight from the inputs, the tag the first line', () => {
    const inputs = parse({
      window: 'Sat,Sun 22:00-02:00 Europe/Berlin\nfirst Sun 02:00-06:00 Europe/Berlin',
      freeze: '2026-12-20..2027-01-04 Europe/Berlin',
      alarms: 'shop-5xx\nshop-latency',
      deployment: 'backend',
      namespace: 'shop',
      'ecr-repository': 'team/backend',
      'image-tag': 'v2.1.0-prod\nlatest',
      'break-glass': '  INC-42:\n payments down ',
    }) as CheckInputs
    expect(inputs.schedule.windows.map((w) => w.text)).toEqual([
      'Sat,Sun 22:00-02:00 Europe/Berlin',
      'first Sun 02:00-06:00 Europe/Berlin',
    ])
    expect(inputs.schedule.freezes).toHaveLength(1)
    expect(inputs.breakGlass).toBe('INC-42: payments down')
    expect(inputs.region).toBe('eu-west-1')
    expect(inputs.preflight).toEqual({
      alarms: ['shop-5xx', 'shop-latency'],
      deployment: { namespace: 'shop', name: 'backend' },
      image: { repository: 'team/backend', tag: 'v2.1.0-prod' },
      stagingUrls: [],
    })
  })

  test('check: the tag defaults to the version, from the ref', () => {
    const inputs = parse({ 'ecr-repository': 'backend' }) as CheckInputs
    expect(inputs.preflight?.image).toEqual({ repository: 'backend', tag: 'v2.1.0' })
  })

  test('notify: the webhooks as targets read from their own variables, the service from the repository', () => {
    const inputs = parse({
      mode: 'notify',
      event: 'rollback',
      'slack-webhook': 'https://hooks.slack.com/services/T/B/x',
    })
    expect(inputs).toMatchObject({
      mode: 'notify',
      event: 'rollback',
      service: 'webshop',
      environment: 'production',
      outcome: 'release v2.1.0 rolled back',
      targets: [{ type: 'slack', webhookEnv: 'SLACK_WEBHOOK_URL' }],
      webhooks: { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' },
    })
  })

  test.each([
    [{}, 'window', /something to check/],
    [{ window: 'Sun 02:00-04:00 +01:00' }, 'window', /IANA|zone/],
    [{ window: 'Sunday at two' }, 'window', /HH:MM-HH:MM/],
    [{ window: 'Sun 02:00-04:00 Europe/Berlin\nMon 25:00-26:00 UTC' }, 'window[1]', /HH:MM/],
    [{ freeze: '2026-13-40 Europe/Berlin' }, 'freeze', /YYYY-MM-DD/],
    [{ mode: 'verify' }, 'mode', /one of check, notify/],
    [{ 'aws-account': '1234', alarms: 'x' }, 'aws-account', /12-digit/],
    [{ deployment: 'Backend_1' }, 'deployment', /Deployment name/],
    [{ namespace: 'Shop', deployment: 'b' }, 'namespace', /namespace name/],
    [{ 'ecr-repository': 'Team/Backend' }, 'ecr-repository', /ECR repository/],
    [{ 'ecr-repository': 'b', 'image-tag': 'v1 two' }, 'image-tag', /image tag/],
    [{ 'eks-cluster': 'shop', window: 'Sun 02:00-04:00 UTC' }, 'deployment', /eks-cluster/],
    [{ mode: 'notify' }, 'event', /required with mode notify/],
    [{ mode: 'notify', event: 'done' }, 'event', /one of start, success, failure, rollback/],
    [{ mode: 'notify', event: 'start', 'environment-url': 'shop' }, 'environment-url', /URL/],
    [{ window: 'Sun 02:00-04:00 UTC', version: 'v1 beta' }, 'version', /version like/],
  ])('%j is refused, naming %s', (inputs, input, message) => {
    const error = errorOf(inputs)
    expect(error?.input).toBe(input)
    expect(error?.message).toMatch(message)
  })

  test('a preflight check needs a region', () => {
    expect(errorOf({ alarms: 'shop-5xx' }, { GITHUB_REF: 'refs/tags/v1' })?.input).toBe('aws-region')
  })

  test('a bad webhook URL is refused without showing it (it is a secret)', () => {
    const error = errorOf({ mode: 'notify', event: 'start', 'teams-webhook': 'not a url with s3cr3t' })
    expect(error?.input).toBe('teams-webhook')
    expect(error?.message).not.toContain('s3cr3t')
  })
})

describe('check', () => {
  // Sunday 2026-03-29 is the spring-forward Sunday in Berlin: 01:30 UTC is 03:30 CEST.
  const SUNDAY_0330_BERLIN = Date.parse('2026-03-29T01:30:00Z')
  const TUESDAY = Date.parse('2026-03-31T10:00:00Z')
  const settled: LiveDeployment = { deployment: rolledOut('backend', 'r/backend:v2.0.0'), canary: undefined }
  const ports = (firing: string[] = [], live = settled): PreflightPorts => ({
    identity: async () => ({ account: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/release/gh' }),
    alarmsInAlarm: async (names) => firing.filter((n) => names.includes(n)).map((name) => ({ name, reason: 'high' })),
    liveDeployment: async () => live,
    tagDigest: async () => undefined,
    httpStatus: async () => 200,
  })
  function harness(now: number, firing: string[] = [], live = settled) {
    const lines: string[] = []
    const warnings: string[] = []
    const deps: Deps = {
      now: () => now,
      log: (l) => lines.push(l),
      warn: (l) => warnings.push(l),
      preflight: async () => ports(firing, live),
      env: {},
    }
    return { deps, lines, warnings }
  }
  const WINDOW = { window: 'Sun 02:00-04:00 Europe/Berlin', freeze: '2026-12-20..2027-01-04 Europe/Berlin' }

  async function checked(inputs: Record<string, string>, now: number, firing: string[] = [], live = settled) {
    const parsed = parse(inputs) as CheckInputs
    const h = harness(now, firing, live)
    const report = newReport(parsed)
    const error = await check(parsed, h.deps, report).then(
      () => undefined,
      (e: Error) => e,
    )
    return { ...h, report, error, outputs: outputsOf(report), summary: renderSummary(report) }
  }

  test('inside the window on the DST Sunday (03:30 CEST): passes, the checks each say their line', async () => {
    const r = await checked({ ...WINDOW, deployment: 'backend', alarms: 'shop-5xx' }, SUNDAY_0330_BERLIN)
    expect(r.error).toBeUndefined()
    expect(r.outputs).toEqual({
      result: 'passed',
      reason: 'inside the deployment window Sun 02:00-04:00 Europe/Berlin; 4 preflight checks passed',
      override: undefined,
    })
    expect(r.lines).toEqual([
      '✔ schedule: inside the deployment window Sun 02:00-04:00 Europe/Berlin',
      '✔ aws identity: arn:aws:sts::123456789012:assumed-role/release/gh',
      '✔ alarms: none in ALARM of shop-5xx',
      '✔ deployment: default/backend runs r/backend:v2.0.0',
      '✔ nothing deploying: no rollout in progress (deployment "backend" successfully rolled out), no canary running',
    ])
    expect(r.summary).toContain('## Release v2.1.0 guardrails: ✅ may start')
  })

  test('outside the window: blocked, with the next opening on the Berlin clock', async () => {
    const r = await checked(WINDOW, TUESDAY)
    expect(r.error?.message).toMatch(/^release v2\.1\.0 blocked: outside the deployment windows/)
    expect(r.outputs.result).toBe('blocked')
    expect(r.outputs.reason).toContain('the next opens Sun 2026-04-05 02:00')
    expect(r.summary).toContain('❌ blocked')
  })

  test('break-glass lets it through with a warning naming what it overrode and why', async () => {
    const r = await checked({ ...WINDOW, 'break-glass': 'INC-42 payments down' }, TUESDAY)
    expect(r.error).toBeUndefined()
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^break-glass release of v2\.1\.0: outside the deployment windows .*; reason: INC-42 payments down$/,
      ),
    ])
    expect(r.outputs.result).toBe('passed')
    expect(r.outputs.override).toMatch(/reason: INC-42 payments down$/)
    expect(r.summary).toContain('**Break-glass:** outside the deployment windows')
  })

  test('a freeze blocks inside the window too', async () => {
    const christmasSunday = Date.parse('2026-12-27T02:00:00Z') // 03:00 CET
    const r = await checked(WINDOW, christmasSunday)
    expect(r.error?.message).toMatch(/freeze 2026-12-20\.\.2027-01-04 Europe\/Berlin is in effect/)
  })

  test('an alarm in ALARM blocks, break-glass or not; every check still ran', async () => {
    const r = await checked(
      { ...WINDOW, 'break-glass': 'sure', alarms: 'shop-5xx\nshop-latency', deployment: 'backend' },
      SUNDAY_0330_BERLIN,
      ['shop-5xx'],
    )
    expect(r.error?.message).toBe('release v2.1.0 blocked: alarms: in ALARM: shop-5xx (high)')
    expect(r.outputs.result).toBe('blocked')
    expect(r.lines.filter((l) => l.startsWith('✔'))).toHaveLength(4)
    expect(r.summary).toMatch(/\| alarms \| ❌ \| in ALARM: shop-5xx \(high\) \|/)
  })

  test('a rollout in progress blocks, break-glass or not, saying what to wait for', async () => {
    const r = await checked({ ...WINDOW, 'break-glass': 'INC-42', deployment: 'backend' }, TUESDAY, [], {
      deployment: rollingOut('backend', 'r/backend:v2.0.1'),
      canary: undefined,
    })
    expect(r.error?.message).toBe(
      'release v2.1.0 blocked: nothing deploying: default/backend is still rolling out (Waiting for deployment "backend" rollout to finish: 1 of 3 updated replicas are available...): wait until it has rolled out (kubectl rollout status deployment/backend -n default)',
    )
    // The window was overridden (and says so); the rollout was not.
    expect(r.warnings).toHaveLength(1)
    expect(r.outputs.result).toBe('blocked')
    expect(r.summary).toMatch(/\| nothing deploying \| ❌ \| default\/backend is still rolling out/)
  })

  test('a running canary blocks, break-glass or not: wait for its promotion or abort it', async () => {
    const r = await checked({ ...WINDOW, 'break-glass': 'INC-42', deployment: 'backend' }, TUESDAY, [], {
      ...settled,
      canary: pausedCanary('backend', 'r/backend:v2.1.0-rc1', 20),
    })
    expect(r.error?.message).toBe(
      'release v2.1.0 blocked: nothing deploying: a canary of default/backend is running: canary backend-canary (image r/backend:v2.1.0-rc1, 20%, paused, router replicas, started by https://github.com/acme/webshop/actions/runs/7); wait until it is promoted, or abort it with the canary action (action: abort)',
    )
    expect(r.outputs.reason).toContain('a canary of default/backend is running')
  })
})
