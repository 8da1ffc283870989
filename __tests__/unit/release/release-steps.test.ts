// The release runner with a recording step runner: the runbooks' order and gates, the first
// failure stopping the release, the canary aborted when it stopped without a verdict, `always`
// steps, the inputs each action gets (all declared by its action.yml), the next steps printed.

import type { ActionName } from '../../../packages/release/src/bundles.ts'
import { actionFace, repositoryRoot } from '../../../packages/release/src/bundles.ts'
import { nextSteps, restoreTarget, timelineLines } from '../../../packages/release/src/next-steps.ts'
import { parsePlan } from '../../../packages/release/src/plan-file.ts'
import { insertStep, type ReleaseContext, type ReleaseStep, runRelease } from '../../../packages/release/src/release.ts'
import { type StepRun, type StepRunner, stepEnvironment } from '../../../packages/release/src/run-step.ts'
import { translateLine } from '../../../packages/release/src/step-log.ts'
import { RELEASE_STEPS } from '../../../packages/release/src/steps.ts'

const PLAN = `
image: { repository: shop, context: . }
database: { instance: webshop, url: postgres://db/shop, migrations: . }
kubernetes: { deployment: shop, steps: [10, 100], step-duration: 1s, checks: [{ name: e, provider: prometheus, query: up, max: 1 }] }
smoke: { urls: [http://a/health, http://b/health] }
frontends: [{ source: ., bucket: web }, { source: ., bucket: admin, prefix: app }]
`

type Answer = Partial<StepRun> & { outputs?: Record<string, string> }
function recorder(answers: (action: ActionName, inputs: Record<string, string>) => Answer) {
  const calls: Array<{ action: ActionName; inputs: Record<string, string>; env: Record<string, string> }> = []
  const runner: StepRunner = {
    async run(action, inputs, env = {}) {
      calls.push({ action, inputs, env })
      const a = answers(action, inputs)
      return { action, code: 0, outputs: {}, summary: '', log: [], cancelled: false, ...a }
    },
  }
  return { runner, calls }
}

const OK: Record<string, Record<string, string>> = {
  'ecr-push': { image: 'r/shop:v1', digest: 'sha256:abc', 'image-ref': 'r/shop@sha256:abc' },
  'rds-snapshot': { 'snapshot-identifier': 'webshop-pre-v1', status: 'available' },
  'flyway-migrate': { applied: '2', 'schema-version': '2' },
  canary: { result: 'promoted', revision: '3', 'previous-image': 'r/shop:v0' },
  'smoke-test': { passed: '2', result: 'success' },
  'frontend-sync': { uploaded: '3', deleted: '0' },
}

function context(runner: StepRunner, text = PLAN): ReleaseContext {
  const plan = parsePlan(text, 'release.yaml', { given: 'v1', fallback: 'x' })
  return {
    plan,
    planFile: 'release.yaml',
    dir: process.cwd(),
    version: 'v1',
    env: { DB_PASSWORD: 's3cret' },
    steps: runner,
    state: { frontends: [] },
    log: () => {},
    signal: new AbortController().signal,
    timeline: [],
  }
}

test('a good release runs every step in the runbooks’ order, each action with the plan’s inputs', async () => {
  const { runner, calls } = recorder((action) => ({ outputs: OK[action] }))
  const result = await runRelease(context(runner), RELEASE_STEPS)
  expect(result.ok).toBe(true)
  expect(result.timeline.map((e) => [e.step, e.outcome])).toEqual([
    ['preflight', 'success'],
    ['image', 'success'],
    ['snapshot', 'success'],
    ['migrate', 'success'],
    ['canary', 'success'],
    ['smoke', 'success'],
    ['frontends', 'success'],
    ['record', 'success'],
  ])
  expect(calls.map((c) => c.action)).toEqual([
    'flyway-migrate',
    'ecr-push',
    'rds-snapshot',
    'flyway-migrate',
    'canary',
    'smoke-test',
    'frontend-sync',
    'frontend-sync',
  ])
  // The preflight's read of the pending migrations: info on a read-only session; then migrate.
  expect(calls[0]!.inputs).toEqual({
    command: 'info',
    url: 'postgres://db/shop',
    locations: '.',
    'init-sql': 'SET default_transaction_read_only = on',
  })
  expect(calls[3]!.inputs.command).toBe('migrate')
  const canary = calls.find((c) => c.action === 'canary')!.inputs
  // The pushed image, readable by tag and pinned by digest.
  expect(canary.image).toBe('r/shop:v1@sha256:abc')
  expect(canary.steps).toBe('10,100')
  expect(canary.metrics).toContain('provider: prometheus')
  expect(calls.find((c) => c.action === 'smoke-test')!.inputs.urls).toBe('http://a/health\nhttp://b/health')
  expect(calls.find((c) => c.action === 'ecr-push')!.inputs.tags).toBe('v1')
  expect(result.state.snapshot).toEqual({ identifier: 'webshop-pre-v1', database: 'webshop' })
})

test('every input the release gives an action is one its action.yml declares', async () => {
  const { runner, calls } = recorder((action) => ({ outputs: OK[action] }))
  await runRelease(context(runner), RELEASE_STEPS)
  const root = repositoryRoot()
  for (const c of calls) expect(() => stepEnvironment(actionFace(c.action, root), c.inputs, {})).not.toThrow()
  expect(() => stepEnvironment(actionFace('canary', root), { bogus: '1' }, {})).toThrow(/canary has no input bogus/)
})

test('the database password reaches the migration in its environment, never as an input', async () => {
  const { runner, calls } = recorder((action) => ({ outputs: OK[action] }))
  await runRelease(
    context(runner, `${PLAN}\n`.replace('migrations: .', 'migrations: ., password-env: DB_PASSWORD')),
    RELEASE_STEPS,
  )
  const runs = calls.filter((c) => c.action === 'flyway-migrate')
  expect(runs.map((c) => c.inputs.command)).toEqual(['info', 'migrate'])
  for (const run of runs) {
    expect(run.env).toEqual({ FLYWAY_PASSWORD: 's3cret' })
    expect(Object.values(run.inputs)).not.toContain('s3cret')
  }
})

test('a failed snapshot stops the release before any migration; record still runs', async () => {
  const { runner, calls } = recorder((action) =>
    action === 'rds-snapshot'
      ? { code: 1, log: ['  error: DB instance webshop is not available'] }
      : { outputs: OK[action] },
  )
  const result = await runRelease(context(runner), RELEASE_STEPS)
  expect(result.failure).toEqual({
    step: 'snapshot',
    reason: 'rds-snapshot failed (no migration ran): DB instance webshop is not available',
  })
  // Only the preflight's read-only info reached the database.
  expect(calls.map((c) => `${c.action}${c.inputs.command ? ` ${c.inputs.command}` : ''}`)).toEqual([
    'flyway-migrate info',
    'ecr-push',
    'rds-snapshot',
  ])
  expect(result.timeline.map((e) => e.outcome)).toEqual([
    'success',
    'success',
    'failure',
    'skipped',
    'skipped',
    'skipped',
    'skipped',
    'success',
  ])
})

test('an aborted canary stops the release; the stable keeps serving; the restore is printed, not run', async () => {
  const { runner, calls } = recorder((action) =>
    action === 'canary'
      ? {
          code: 1,
          outputs: { result: 'aborted', reason: 'check e: 0.2 > max 0.05', weight: '0', 'previous-image': 'r/shop:v0' },
        }
      : { outputs: OK[action] },
  )
  const ctx = context(runner)
  const result = await runRelease(ctx, RELEASE_STEPS)
  expect(result.failure?.reason).toBe('canary aborted: check e: 0.2 > max 0.05 (weight 0, stable untouched)')
  expect(calls.filter((c) => c.action === 'canary')).toHaveLength(1)
  expect(calls.map((c) => c.action)).not.toContain('smoke-test')
  expect(calls.map((c) => c.action)).not.toContain('rollback')
  const next = nextSteps(ctx.plan, 'release.yaml', result)
  expect(next[0]).toBe('Application: the canary was aborted; shop still serves r/shop:v0. Nothing to roll back.')
  expect(next).toContain(
    '  npx deploy-actions restore --plan release.yaml --snapshot webshop-pre-v1 --target webshop-restored-v1',
  )
})

test('a canary that stopped without a verdict is aborted so the stable serves all traffic', async () => {
  const { runner, calls } = recorder((action, inputs) =>
    action === 'canary' && inputs.action === 'deploy'
      ? { code: 1, outputs: { weight: '50' } }
      : { outputs: OK[action] },
  )
  const result = await runRelease(context(runner), RELEASE_STEPS)
  expect(result.failure?.step).toBe('canary')
  expect(calls.filter((c) => c.action === 'canary').map((c) => c.inputs.action)).toEqual(['deploy', 'abort'])
  expect(result.state.rollout?.result).toBe('aborted')
})

test('a failed smoke test after promotion prints the rollback and the restore, and runs neither', async () => {
  const { runner, calls } = recorder((action) =>
    action === 'smoke-test' ? { code: 1, outputs: { failed: '1', result: 'failure' } } : { outputs: OK[action] },
  )
  const ctx = context(runner)
  const result = await runRelease(ctx, RELEASE_STEPS)
  expect(result.failure?.step).toBe('smoke')
  expect(calls.map((c) => c.action)).not.toContain('frontend-sync')
  const next = nextSteps(ctx.plan, 'release.yaml', result).join('\n')
  expect(next).toContain('npx deploy-actions rollback --plan release.yaml')
  expect(next).toContain('NOT restored (a restore is never automatic)')
})

test('steps can be inserted (preflight checks, guardrails); an `always` step runs after a failure', async () => {
  const seen: string[] = []
  const guard: ReleaseStep = {
    id: 'window',
    title: 'Deployment window',
    applies: (plan) => plan.window !== undefined,
    run: async () => {
      seen.push('window')
      throw new Error('outside the window Sun 02:00-04:00')
    },
  }
  const undo: ReleaseStep = {
    id: 'maintenance-off',
    title: 'Maintenance page off',
    applies: () => true,
    always: true,
    run: async (ctx) => {
      seen.push(`off after ${ctx.failure?.step}`)
      return 'done'
    },
  }
  const steps = insertStep(insertStep(RELEASE_STEPS, { after: 'preflight' }, guard), { before: 'record' }, undo)
  const { runner, calls } = recorder((action) => ({ outputs: OK[action] }))
  const result = await runRelease(context(runner, `${PLAN}window: Sun 02:00-04:00 Europe/Berlin\n`), steps)
  expect(result.failure).toEqual({ step: 'window', reason: 'outside the window Sun 02:00-04:00' })
  expect(seen).toEqual(['window', 'off after window'])
  // Nothing but the preflight's read-only look at the pending migrations.
  expect(calls.map((c) => `${c.action} ${c.inputs.command}`)).toEqual(['flyway-migrate info'])
})

test('a cancelled release starts no further step', async () => {
  const controller = new AbortController()
  const { runner, calls } = recorder((action) => {
    if (action === 'rds-snapshot') controller.abort()
    return { outputs: OK[action] }
  })
  const ctx = { ...context(runner), signal: controller.signal }
  const result = await runRelease(ctx, RELEASE_STEPS)
  expect(result.cancelled).toBe(true)
  expect(calls.map((c) => c.action)).toEqual(['flyway-migrate', 'ecr-push', 'rds-snapshot'])
  expect(result.timeline.find((e) => e.step === 'migrate')?.detail).toBe('cancelled before it started')
})

test('the timeline reads as lines', () => {
  const lines = timelineLines([
    { step: 'image', title: 'Image', outcome: 'success', startedAt: 0, endedAt: 2500, detail: 'r/shop:v1' },
    { step: 'canary', title: 'Canary', outcome: 'failure', startedAt: 2500, endedAt: 14_000, detail: 'canary aborted' },
  ])
  expect(lines).toEqual(['    +0ms    2.5s  ✔ image      r/shop:v1', '   +2.5s   11.5s  ✘ canary     canary aborted'])
})

test('restore targets are new instance names derived from the snapshot', () => {
  expect(restoreTarget('webshop-prod', 'webshop-prod-pre-v1-1-0')).toBe('webshop-prod-restored-v1-1-0')
  expect(restoreTarget('db', 'manual-2026')).toBe('db-restored-manual-2026')
})

test.each([
  ['::group::Push', false, '  ▸ Push'],
  ['::endgroup::', false, undefined],
  ['::debug::x', false, undefined],
  ['::error file=a.sql,line=3::bad%0Aline', false, '  error: bad\nline'],
  ['pushed 3 layers', false, '    pushed 3 layers'],
  ['::error::boom', true, '::error::boom'],
  ['::group::Push', true, '  ▸ Push'],
  ['::group::step 1/3: 10%25', false, '  ▸ step 1/3: 10%'],
])('step log line %j (passthrough %s)', (line, passthrough, expected) => {
  expect(translateLine(line, [], passthrough)).toBe(expected)
})

test('values a step masked are hidden from the readable log', () => {
  const masks: string[] = []
  expect(translateLine('::add-mask::hunter2', masks, false)).toBeUndefined()
  expect(translateLine('password hunter2 used', masks, false)).toBe('    password *** used')
})
