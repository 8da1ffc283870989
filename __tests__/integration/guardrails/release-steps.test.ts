// The guardrails as steps of a release (withGuardrails around the runner's own steps), against
// real local parts: moto (preflight identity), the Kubernetes simulator (the Deployment, an
// HTTPRoute switched to the maintenance page and always back), the local GitHub REST API (the
// deployment and its statuses through @actions/github) and a Slack webhook. The actions themselves
// are answered by a recording step runner: what is under test is the guardrails' wiring.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createObjectsApi, type KubeObject, loadKubeConfig, type ObjectsApi } from '@deploy-actions/kube'
import {
  type GitHubApi,
  type KubeSimulator,
  type Moto,
  startGitHubApi,
  startKubeSimulator,
  startMoto,
} from '@deploy-actions/testbed'
import { SAVED_SPEC } from '../../../packages/release/src/guardrails/maintenance.ts'
import { defaultGuardrailDeps, withGuardrails } from '../../../packages/release/src/guardrails/steps.ts'
import { parsePlan } from '../../../packages/release/src/plan-file.ts'
import { type ReleaseContext, runRelease } from '../../../packages/release/src/release.ts'
import type { StepRunner } from '../../../packages/release/src/run-step.ts'
import { RELEASE_STEPS } from '../../../packages/release/src/steps.ts'
import { rolledOut, shopDeployment } from './shop-deployment.ts'
import { startWebhook, type WebhookServer } from './webhook-server.ts'

let moto: Moto
let sim: KubeSimulator
let github: GitHubApi
let slack: WebhookServer
let objects: ObjectsApi
let dir: string
const saved = { ...process.env }

beforeAll(async () => {
  ;[moto, sim, github, slack] = await Promise.all([
    startMoto(),
    startKubeSimulator({ podReadyDelayMs: 20, controllerTickMs: 20 }),
    startGitHubApi(),
    startWebhook({ status: 200, body: 'ok' }),
  ])
  Object.assign(process.env, moto.env)
  objects = await createObjectsApi((await loadKubeConfig({ kubeconfig: sim.kubeconfig })).kubeConfig)
  dir = mkdtempSync(join(tmpdir(), 'guardrails-'))
  writeFileSync(join(dir, 'kubeconfig.yaml'), sim.kubeconfig)
  await objects.create(shopDeployment('shop:v1.0.0'))
  await objects.create({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'shop', namespace: 'default' },
    spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'shop', port: 80 }] }] },
  })
  // Rolled out before any release looks at it (the preflight blocks one in progress).
  await rolledOut(sim.kubeconfig)
}, 90_000)
afterAll(async () => {
  process.env = saved
  await Promise.all([moto?.stop(), sim?.stop(), github?.stop(), slack?.stop()])
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const PLAN = `
service: shop
environment: production
aws-region: us-east-1
kubernetes:
  deployment: shop
  image: shop:v1.1.0
  kubeconfig: kubeconfig.yaml
window: Sun 02:00-04:00 Europe/Berlin
notifications:
  - type: slack
    webhook-env: SLACK_WEBHOOK
    name: '#releases'
maintenance:
  route: shop
  service: maintenance-page
  port: 8080
`

const route = () =>
  objects.get<KubeObject & { spec: { rules: Array<{ backendRefs: Array<{ name: string }> }> } }>({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    name: 'shop',
    namespace: 'default',
  })

function release(
  canary: { code: number; outputs: Record<string, string> },
  now: number,
  env: Record<string, string> = {},
  controller = new AbortController(),
) {
  const seenDuringCanary: string[][] = []
  const runner: StepRunner = {
    async run(action) {
      // The route as the canary step sees it: the maintenance page must be serving.
      seenDuringCanary.push((await route()).spec.rules.flatMap((r) => r.backendRefs.map((b) => b.name)))
      if (canary.code === 130) controller.abort(new Error('SIGINT'))
      return { action, code: canary.code, outputs: canary.outputs, summary: '', log: [], cancelled: false }
    },
  }
  const warnings: string[] = []
  const log: string[] = []
  const ctx: ReleaseContext = {
    plan: parsePlan(PLAN, 'release.yaml', { given: 'v1.1.0', fallback: 'x' }),
    planFile: 'release.yaml',
    dir,
    version: 'v1.1.0',
    env: {
      GITHUB_TOKEN: 'ghs_test',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '77',
      GITHUB_SHA: 'c0ffee',
      SLACK_WEBHOOK: slack.url,
      ENVIRONMENT_URL: 'https://shop.example.com',
      ...env,
    },
    steps: runner,
    state: { frontends: [] },
    log: (l) => log.push(l),
    signal: controller.signal,
    timeline: [],
  }
  const deps = { ...defaultGuardrailDeps((w) => warnings.push(w)), now: () => now }
  return { run: runRelease(ctx, withGuardrails(RELEASE_STEPS, deps)), seenDuringCanary, warnings, log }
}

const SUNDAY_0230_BERLIN = Date.parse('2026-11-08T01:30:00Z')
const TUESDAY = Date.parse('2026-11-10T10:00:00Z')

test('a good release inside the window: maintenance on during the rollout and back after, deployment success with lead time, Slack told', async () => {
  github.commits.set('c0ffee', '2026-11-07T23:30:00Z')
  const before = (await route()).spec
  const r = release({ code: 0, outputs: { result: 'promoted', revision: '2' } }, SUNDAY_0230_BERLIN)
  const result = await r.run
  expect(result.timeline.map((e) => [e.step, e.outcome])).toEqual([
    ['schedule', 'success'],
    ['preflight', 'success'],
    ['checks', 'success'],
    ['announce', 'success'],
    ['maintenance-on', 'success'],
    ['image', 'skipped'],
    ['snapshot', 'skipped'],
    ['migrate', 'skipped'],
    ['canary', 'success'],
    ['maintenance-off', 'success'],
    ['smoke', 'skipped'],
    ['frontends', 'skipped'],
    ['conclude', 'success'],
    ['record', 'success'],
  ])
  expect(r.seenDuringCanary).toEqual([['maintenance-page']])
  const after = await route()
  expect(after.spec).toEqual(before)
  expect(after.metadata?.annotations?.[SAVED_SPEC]).toBeUndefined()
  const byStep = Object.fromEntries(result.timeline.map((e) => [e.step, e.detail]))
  expect(byStep.schedule).toBe('inside the deployment window Sun 02:00-04:00 Europe/Berlin')
  expect(byStep.conclude).toMatch(/^deployment \d+ success; lead time 2h00m; success notified: slack #releases$/)
  const d = github.deployments.at(-1)!
  expect(d.statuses.map((s) => s.state)).toEqual(['queued', 'in_progress', 'success'])
  expect(d.statuses[2]).toMatchObject({
    environment_url: 'https://shop.example.com',
    log_url: 'https://github.com/acme/shop/actions/runs/77',
  })
  expect(slack.bodies.map((b) => b.text)).toEqual([
    ':rocket: Releasing shop v1.1.0 to production: release v1.1.0 started',
    ':white_check_mark: shop v1.1.0 released to production: released v1.1.0',
  ])
  expect(r.warnings).toEqual([])
})

test('an aborted canary: maintenance still switched back, deployment failure, a rollback notification', async () => {
  slack.bodies.length = 0
  const before = (await route()).spec
  const r = release(
    { code: 1, outputs: { result: 'aborted', reason: 'error rate 12% > 5%', weight: '0' } },
    SUNDAY_0230_BERLIN,
  )
  const result = await r.run
  expect(result.ok).toBe(false)
  expect(result.failure?.step).toBe('canary')
  const outcome = Object.fromEntries(result.timeline.map((e) => [e.step, e.outcome]))
  expect(outcome['maintenance-off']).toBe('success')
  expect(outcome.conclude).toBe('success')
  expect((await route()).spec).toEqual(before)
  expect(github.deployments.at(-1)!.statuses.map((s) => s.state)).toEqual(['queued', 'in_progress', 'failure'])
  expect(slack.bodies.at(-1)?.text).toMatch(
    /^:leftwards_arrow_with_hook: shop v1\.1\.0 rolled back in production: failed at canary: canary aborted: error rate 12% > 5%/,
  )
})

test('outside the window nothing starts; break-glass goes through with a logged warning naming the reason', async () => {
  const deployments = github.deployments.length
  const blocked = await release({ code: 0, outputs: { result: 'promoted' } }, TUESDAY).run
  expect(blocked.failure).toEqual({
    step: 'schedule',
    reason: expect.stringMatching(
      /^outside the deployment windows \(Sun 02:00-04:00 Europe\/Berlin\): it is Tue 2026-11-10 11:00 Europe\/Berlin; the next opens Sun 2026-11-15 02:00 Europe\/Berlin; set break-glass/,
    ),
  })
  expect(blocked.timeline.find((e) => e.step === 'preflight')?.outcome).toBe('skipped') // nothing read
  expect(blocked.timeline.find((e) => e.step === 'canary')?.outcome).toBe('skipped')
  expect(blocked.timeline.find((e) => e.step === 'maintenance-off')?.detail).toBe('was not switched on')
  expect(github.deployments.length).toBe(deployments)

  const forced = release({ code: 0, outputs: { result: 'promoted' } }, TUESDAY, {
    BREAK_GLASS: 'INC-4521 checkout down',
  })
  const result = await forced.run
  expect(result.ok).toBe(true)
  expect(forced.warnings).toEqual([
    expect.stringMatching(
      /^break-glass release of v1\.1\.0: outside the deployment windows .*; reason: INC-4521 checkout down$/,
    ),
  ])
})

test('Slack answering 500 is a warning naming it; the release still succeeds', async () => {
  slack.answer = { status: 500, body: 'internal_error' }
  try {
    const r = release({ code: 0, outputs: { result: 'promoted' } }, SUNDAY_0230_BERLIN)
    const result = await r.run
    expect(result.ok).toBe(true)
    expect(r.warnings).toEqual([
      'notification to slack #releases (start) answered 500 Internal Server Error: internal_error',
      'notification to slack #releases (success) answered 500 Internal Server Error: internal_error',
    ])
    expect(result.timeline.find((e) => e.step === 'conclude')?.detail).toMatch(/not delivered: slack #releases$/)
  } finally {
    slack.answer = { status: 200, body: 'ok' }
  }
})

test('a release cancelled during the rollout still switches maintenance off and marks the deployment failed', async () => {
  const before = (await route()).spec
  const r = release({ code: 130, outputs: {} }, SUNDAY_0230_BERLIN)
  const result = await r.run
  expect(result.cancelled).toBe(true)
  expect(r.seenDuringCanary[0]).toEqual(['maintenance-page'])
  const outcome = Object.fromEntries(result.timeline.map((e) => [e.step, e.outcome]))
  expect([outcome.canary, outcome['maintenance-off'], outcome.smoke, outcome.conclude]).toEqual([
    'cancelled',
    'success',
    'skipped',
    'success',
  ])
  expect((await route()).spec).toEqual(before)
  expect(github.deployments.at(-1)!.statuses.map((s) => s.state)).toEqual(['queued', 'in_progress', 'failure'])
})
