// The contract of every action, read from its public face (`<short>/action.yml`) and checked
// against its code and its README:
// (a) parseInputs reads every declared input and nothing undeclared, and a declared default means
//     exactly what an empty input means (the runner passes the default; runBundle and users who
//     write `input: ''` pass nothing);
// (b) outputsOf sets exactly the declared outputs on success (some only in some modes, listed per
//     action), and nothing undeclared at any point;
// (c) the README's input and output tables list the same names, with the declared defaults;
// (d) every action.yml validates against GitHub's action schema and is written in one style.
// A new action needs a case in CASES (its minimal good inputs and a success report).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { NoOperationTraceWriter } from '@actions/workflow-parser'
import { parseAction } from '@actions/workflow-parser/actions/action-parser'
import { ConfigurationError } from '@deploy-actions/kit'
import { simulatorKubeconfig } from '@deploy-actions/testbed'
import { parse } from 'yaml'
import * as canaryInputs from '../../actions/canary-deploy/src/inputs.ts'
import * as canaryReport from '../../actions/canary-deploy/src/report.ts'
import * as ecrInputs from '../../actions/ecr-push/src/inputs.ts'
import * as ecrReport from '../../actions/ecr-push/src/report.ts'
import * as flywayInputs from '../../actions/flyway-migrate/src/inputs.ts'
import * as flywayReport from '../../actions/flyway-migrate/src/report.ts'
import * as syncInputs from '../../actions/frontend-sync/src/inputs.ts'
import * as syncReport from '../../actions/frontend-sync/src/report.ts'
import * as guardrailsInputs from '../../actions/guardrails/src/inputs.ts'
import * as guardrailsReport from '../../actions/guardrails/src/report.ts'
import * as rdsInputs from '../../actions/rds-snapshot/src/inputs.ts'
import * as rdsReport from '../../actions/rds-snapshot/src/report.ts'
import * as releaseInputs from '../../actions/release/src/inputs.ts'
import * as releaseReport from '../../actions/release/src/report.ts'
import * as rollbackInputs from '../../actions/rollback/src/inputs.ts'
import * as rollbackReport from '../../actions/rollback/src/report.ts'
import * as smokeInputs from '../../actions/smoke-test/src/inputs.ts'
import * as smokeReport from '../../actions/smoke-test/src/report.ts'
import { actionFiles, formatActionYml, REPO_ROOT } from '../../scripts/action-yml.ts'

interface InputSpec {
  description?: string
  required?: boolean
  default?: string
}
interface ActionYml {
  name: string
  description: string
  author?: string
  branding?: { icon?: string; color?: string }
  inputs?: Record<string, InputSpec>
  outputs?: Record<string, { description?: string }>
  runs: { using: string; main?: string; post?: string }
}

type Get = (name: string) => string
type Outputs = Record<string, unknown>

interface ActionCase {
  /** Minimal good inputs, one set per mode: together they make parseInputs read every input. */
  inputSets: Record<string, string>[]
  parseInputs(get: Get, env: NodeJS.ProcessEnv): unknown
  /** outputsOf of a fresh report (what a failure before any progress reports). */
  initialOutputs(): Outputs
  /** outputsOf of a successful run, per mode: together they set every declared output. */
  successOutputs(): Record<string, Outputs>
}

const workspace = mkdtempSync(join(tmpdir(), 'contract-'))
mkdirSync(join(workspace, 'out'))
writeFileSync(join(workspace, 'Dockerfile'), 'FROM busybox\n')
const ENV: NodeJS.ProcessEnv = {
  GITHUB_REF: 'refs/tags/v2.1.0',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/webshop',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_WORKSPACE: workspace,
  RUNNER_TEMP: workspace,
  AWS_REGION: 'eu-west-1',
}
const getterOf =
  (values: Record<string, string>): Get =>
  (name) =>
    values[name] ?? ''

const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
const DIGEST = `sha256:${'a'.repeat(64)}`

const CASES: Record<string, ActionCase> = {
  canary: {
    inputSets: [
      { deployment: 'backend', image: `${REGISTRY}/backend@${DIGEST}`, 'eks-cluster': 'shop' },
      {
        deployment: 'backend',
        image: `${REGISTRY}/backend:v2.1.0`,
        'traffic-router': 'gateway-api',
        'http-route': 'backend',
        'canary-header': 'X-Canary: always',
        'prometheus-url': 'http://prometheus.monitoring:9090',
        kubeconfig: simulatorKubeconfig('http://127.0.0.1:6443'),
      },
      { action: 'promote', deployment: 'backend', namespace: 'shop', manifests: 'deploy/k8s', 'eks-cluster': 'shop' },
    ],
    parseInputs: (get, env) => canaryInputs.parseInputs(get, env),
    initialOutputs: () => canaryReport.outputsOf(canaryReport.newReport(canaryCase(0), 0)),
    // A promoted canary has no `reason`; a paused one (waiting for a later promote or abort, the
    // step succeeds) says why, as an aborted one does on failure.
    successOutputs: () => {
      const promoted = {
        ...canaryReport.newReport(canaryCase(0), 0),
        result: 'promoted' as const,
        weight: 0,
        revision: 7,
        previousImage: `${REGISTRY}/backend:v2.0.3`,
      }
      const paused = {
        ...promoted,
        result: 'paused' as const,
        weight: 50,
        reason: 'step 2/3 reached: waiting for promote',
      }
      return { promoted: canaryReport.outputsOf(promoted), paused: canaryReport.outputsOf(paused) }
    },
  },
  'ecr-push': {
    inputSets: [
      { repository: 'ecommerce-backend' },
      { repository: 'ecommerce-backend', image: 'app:dev' },
      { repository: 'ecommerce-backend', 'promote-from': 'v2.1.0', tags: 'v2.1.0-prod' },
    ],
    parseInputs: (get, env) => ecrInputs.parseInputs(get, env),
    initialOutputs: () => ecrReport.outputsOf(ecrReport.newReport(ecrCase(0))),
    successOutputs: () => {
      const pushed = ecrReport.newReport(ecrCase(0))
      pushed.registry = REGISTRY
      pushed.digest = DIGEST
      const promoted = ecrReport.newReport(ecrCase(2))
      promoted.registry = REGISTRY
      promoted.digest = DIGEST
      return { build: ecrReport.outputsOf(pushed), promote: ecrReport.outputsOf(promoted) }
    },
  },
  'flyway-migrate': {
    inputSets: [
      { url: 'jdbc:postgresql://db.example.com:5432/app?sslmode=require', user: 'app_migrator', password: 's3cret' },
      { command: 'info', url: 'postgres://app_migrator:s3cret@db.example.com:5432/app', target: '2.1' },
      {
        via: 'kubernetes',
        'password-secret-id': 'prod/database/password',
        kubeconfig: simulatorKubeconfig('http://127.0.0.1:6443'),
        'tunnel-namespace': 'db-access',
        'tunnel-pod-spec': 'nodeSelector: {pool: system}',
      },
    ],
    parseInputs: (get, env) => flywayInputs.parseInputs(get, env),
    initialOutputs: () => flywayReport.outputsOf(flywayReport.newReport(flywayCase(0))),
    // Every output is known on success and on failure alike (counts, the version reached, the
    // JSON report once written).
    successOutputs: () => {
      const report = flywayReport.newReport(flywayCase(0))
      report.applied.push({
        version: '2',
        description: 'add orders',
        script: 'V2__add_orders.sql',
        file: 'db/migration/V2__add_orders.sql',
        executionTimeMs: 12,
        transactional: true,
      })
      report.schemaVersion = '2'
      report.outcome = 'succeeded'
      report.reportFile = join(workspace, 'flyway-migrate-report.json')
      return { migrate: flywayReport.outputsOf(report) }
    },
  },
  'rds-snapshot': {
    inputSets: [
      { 'db-instance-identifier': 'webshop-prod' },
      { mode: 'restore', 'db-instance-identifier': 'webshop-prod', 'target-identifier': 'webshop-restored' },
      { mode: 'prune', 'db-cluster-identifier': 'webshop-aurora', retain: '3', 'dry-run': 'true' },
    ],
    parseInputs: (get, env) => rdsInputs.parseInputs(get, env),
    initialOutputs: () => rdsReport.outputsOf(rdsReport.newReport(rdsCase(0))),
    // create: the snapshot; with `retain` it also prunes, so `deleted` too. restore: the restored
    // DB's status and endpoint. prune: `deleted` only.
    successOutputs: () => {
      const snapshot = {
        snapshotId: 'webshop-prod-pre-v2-1-0',
        snapshotArn: 'arn:aws:rds:eu-west-1:123456789012:snapshot:webshop-prod-pre-v2-1-0',
      }
      const create = { ...rdsReport.newReport(rdsCase(0)), ...snapshot, status: 'available' }
      const restore = {
        ...rdsReport.newReport(rdsCase(1)),
        ...snapshot,
        status: 'available',
        endpoint: 'webshop-restored.abc.eu-west-1.rds.amazonaws.com',
        port: 5432,
      }
      const prune = { ...rdsReport.newReport(rdsCase(2)), deleted: ['webshop-aurora-pre-v1-0-0'] }
      return {
        create: rdsReport.outputsOf(create),
        'create with retain': rdsReport.outputsOf({ ...create, deleted: ['webshop-prod-pre-v1-0-0'] }),
        restore: rdsReport.outputsOf(restore),
        prune: rdsReport.outputsOf(prune),
      }
    },
  },
  'frontend-sync': {
    inputSets: [{ source: 'out', bucket: 'cmc-frontend-production', 'distribution-id': 'E2QWRUHAPOMQZL' }],
    parseInputs: (get, env) => syncInputs.parseInputs(get, env),
    initialOutputs: () => syncReport.outputsOf(syncReport.newReport(syncCase(0))),
    successOutputs: () => {
      const report = syncReport.newReport(syncCase(0))
      Object.assign(report, { uploaded: 3, bytesUploaded: 2048, unchanged: 500, deleted: 1 })
      report.paths = ['/index.html', '/']
      report.invalidationId = 'I2J0I21PCUYOIK'
      return { sync: syncReport.outputsOf(report) }
    },
  },
  'smoke-test': {
    inputSets: [
      {
        urls: 'https://shop.example.com/\nhttps://api.example.com/actuator/info',
        headers: 'Authorization: Bearer t0k3n',
      },
      { checks: '- url: https://api.example.com/actuator/health\n  expect: {status: 200, json: {$.status: UP}}' },
    ],
    parseInputs: (get, env) => smokeInputs.parseInputs(get, env),
    // `result` is known from the start (failure until every check passed); `report` once the
    // JSON file is written, which a successful run always does.
    initialOutputs: () => smokeReport.outputsOf(smokeReport.newReport(smokeCase(0))),
    successOutputs: () => {
      const report = smokeReport.newReport(smokeCase(0))
      report.outcomes = report.checks.map((check) => ({
        check,
        passed: true,
        attempts: 1,
        latencyMs: 20,
        status: 200,
        reason: 'HTTP 200',
        elapsedMs: 25,
      }))
      report.written = true
      return { checks: smokeReport.outputsOf(report) }
    },
  },
  guardrails: {
    inputSets: [
      { window: 'Sun 02:00-04:00 Europe/Berlin' },
      {
        window: 'Sun 02:00-04:00 Europe/Berlin\nfirst Sun 02:00-06:00 Europe/Berlin',
        freeze: '2026-12-20..2027-01-04 Europe/Berlin',
        'break-glass': 'hotfix for INC-42',
        'aws-account': '123456789012',
        alarms: 'shop-5xx\nshop-latency',
        namespace: 'shop',
        deployment: 'backend',
        'ecr-repository': 'ecommerce-backend',
        'image-tag': 'v2.1.0-prod',
        'aws-region': 'eu-west-1',
        'eks-cluster': 'shop',
        version: 'v2.1.0',
      },
      { deployment: 'backend', kubeconfig: simulatorKubeconfig('http://127.0.0.1:6443') },
      {
        mode: 'notify',
        event: 'failure',
        'slack-webhook': 'https://hooks.slack.com/services/T000/B000/secret',
        'teams-webhook': 'https://prod.westeurope.logic.azure.com/workflows/abc',
        service: 'webshop',
        environment: 'staging',
        'environment-url': 'https://staging.shop.example.com',
        outcome: 'failed in: verify',
      },
    ],
    parseInputs: (get, env) => guardrailsInputs.parseInputs(get, env),
    initialOutputs: () => guardrailsReport.outputsOf(guardrailsReport.newReport(guardrailsCase(0))),
    successOutputs: () => {
      const schedule = { allowed: true, reason: 'inside the deployment window Sun 02:00-04:00 Europe/Berlin' }
      const passed = { ...guardrailsReport.newReport(guardrailsCase(1)), result: 'passed' as const, schedule }
      const overridden = {
        ...passed,
        schedule: { allowed: true, reason: 'break-glass: freeze …; overridden: hotfix' },
        override: 'freeze 2026-12-20..2027-01-04 Europe/Berlin is in effect; reason: hotfix',
      }
      const sent = { ...guardrailsReport.newReport(guardrailsCase(3)), result: 'sent' as const }
      return {
        check: guardrailsReport.outputsOf(passed),
        'check with break-glass': guardrailsReport.outputsOf(overridden),
        notify: guardrailsReport.outputsOf(sent),
      }
    },
  },
  rollback: {
    inputSets: [
      { deployment: 'backend' },
      { deployment: 'backend', namespace: 'shop', 'to-revision': '3', wait: 'false', 'eks-cluster': 'production' },
      { deployment: 'backend', image: 'backend:v2.0.3', 'abort-canary': 'true', timeout: '5m' },
    ],
    parseInputs: (get, env) => rollbackInputs.parseInputs(get, env),
    initialOutputs: () => rollbackReport.outputsOf(rollbackReport.newReport(rollbackCase(0))),
    successOutputs: () => {
      const report = rollbackReport.newReport(rollbackCase(0))
      Object.assign(report, { revision: 4, images: ['app=backend:v2.0.3'], previousImages: ['app=backend:v2.1.0'] })
      return { undo: rollbackReport.outputsOf(report) }
    },
  },
}

function smokeCase(i: number) {
  return smokeInputs.parseInputs(getterOf(CASES['smoke-test']!.inputSets[i]!), ENV)
}
function guardrailsCase(i: number) {
  return guardrailsInputs.parseInputs(getterOf(CASES.guardrails!.inputSets[i]!), ENV)
}
function rollbackCase(i: number) {
  return rollbackInputs.parseInputs(getterOf(CASES.rollback!.inputSets[i]!), ENV)
}
function canaryCase(i: number) {
  return canaryInputs.parseInputs(getterOf(CASES.canary!.inputSets[i]!), ENV)
}
function ecrCase(i: number) {
  return ecrInputs.parseInputs(getterOf(CASES['ecr-push']!.inputSets[i]!), ENV)
}
function flywayCase(i: number) {
  return flywayInputs.parseInputs(getterOf(CASES['flyway-migrate']!.inputSets[i]!), ENV)
}
function rdsCase(i: number) {
  return rdsInputs.parseInputs(getterOf(CASES['rds-snapshot']!.inputSets[i]!), ENV)
}
function syncCase(i: number) {
  return syncInputs.parseInputs(getterOf(CASES['frontend-sync']!.inputSets[i]!), ENV)
}

// ---- reading the public face -------------------------------------------------------------

const files = actionFiles()
const folders = files.filter((f) => dirname(f) !== REPO_ROOT).map((f) => basename(dirname(f)))
const yml = (folder: string): ActionYml =>
  parse(readFileSync(join(REPO_ROOT, folder, 'action.yml'), 'utf8')) as ActionYml
const declaredInputs = (a: ActionYml) => Object.keys(a.inputs ?? {}).sort()
const declaredOutputs = (a: ActionYml) => Object.keys(a.outputs ?? {}).sort()

/** `runs.main: ../dist/<name>/index.js` → the code folder actions/<name>. */
function codeName(a: ActionYml): string | undefined {
  return /^\.\.\/dist\/([a-z0-9-]+)\/index\.js$/.exec(a.runs.main ?? '')?.[1]
}

/** Runs parseInputs with a getter that records what it is asked for. */
function recordedParse(c: ActionCase, values: Record<string, string>) {
  const read = new Set<string>()
  const result = c.parseInputs((name) => {
    read.add(name)
    return values[name] ?? ''
  }, ENV)
  return { result, read }
}

const set = (outputs: Outputs) =>
  Object.entries(outputs)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k)
    .sort()

test('the repository has actions to check', () => {
  expect(folders).toEqual(expect.arrayContaining(['ecr-push', 'rds-snapshot', 'frontend-sync']))
})

describe.each(folders)('%s', (folder) => {
  const action = yml(folder)
  const c = CASES[folder]

  describe('(a) inputs', () => {
    test('has a contract case (its minimal good inputs and a success report)', () => {
      expect(c ? folder : `no case for ${folder} in __tests__/unit/contract.test.ts`).toBe(folder)
    })
    if (!c) return
    const inputs = action.inputs ?? {}
    const defaults = Object.fromEntries(
      Object.entries(inputs)
        .filter(([, spec]) => spec.default !== undefined)
        .map(([name, spec]) => [name, String(spec.default)]),
    )

    test.each(c.inputSets.map((values, i) => [i, values] as const))(
      'set %i: reads only declared inputs, and a declared default means what an empty input means',
      (_i, values) => {
        const withDefaults = recordedParse(c, { ...defaults, ...values })
        const withoutDefaults = recordedParse(c, values)
        expect([...withDefaults.read].filter((n) => !(n in inputs))).toEqual([])
        expect(withDefaults.result).toEqual(withoutDefaults.result)
      },
    )

    test('the input sets together read every declared input', () => {
      const read = new Set<string>()
      for (const values of c.inputSets) for (const n of recordedParse(c, { ...defaults, ...values }).read) read.add(n)
      expect(declaredInputs(action).filter((n) => !read.has(n))).toEqual([])
    })

    test('a missing required input is a ConfigurationError naming it', () => {
      for (const name of Object.keys(inputs).filter((n) => inputs[n]!.required)) {
        let error: unknown
        try {
          c.parseInputs(getterOf({ ...c.inputSets[0]!, [name]: '' }), ENV)
        } catch (e) {
          error = e
        }
        expect({ name, error: error instanceof ConfigurationError ? error.input : String(error) }).toEqual({
          name,
          error: name,
        })
      }
    })
  })

  describe('(b) outputs', () => {
    if (!c) return
    test('a fresh report (a failure before any progress) sets no undeclared output', () => {
      expect(set(c.initialOutputs()).filter((n) => !declaredOutputs(action).includes(n))).toEqual([])
    })
    test('successful runs set exactly the declared outputs', () => {
      const all = new Set<string>()
      for (const [mode, outputs] of Object.entries(c.successOutputs())) {
        expect({ mode, undeclared: set(outputs).filter((n) => !declaredOutputs(action).includes(n)) }).toEqual({
          mode,
          undeclared: [],
        })
        for (const n of set(outputs)) all.add(n)
      }
      expect([...all].sort()).toEqual(declaredOutputs(action))
    })
  })

  describe('(c) README', () => {
    const path = join(REPO_ROOT, folder, 'README.md')
    const readme = existsSync(path) ? readFileSync(path, 'utf8') : ''

    test('exists beside action.yml', () => {
      expect(existsSync(path)).toBe(true)
    })
    const inputRows = tableRows(readme, 'Inputs')
    const outputRows = tableRows(readme, 'Outputs')

    test('the input table lists the declared inputs', () => {
      expect([...inputRows.keys()].sort()).toEqual(declaredInputs(action))
    })
    test('the input table gives the declared defaults', () => {
      const wrong: string[] = []
      for (const [name, spec] of Object.entries(action.inputs ?? {})) {
        const cell = inputRows.get(name)?.[0]
        if (cell === undefined) continue
        const expected = spec.required
          ? '(required)'
          : spec.default !== undefined && spec.default !== ''
            ? `\`${spec.default}\``
            : undefined
        // Without a declared default, the cell says in words (or with a <placeholder>) what the
        // action falls back to; a lone literal would read as a default action.yml does not have.
        const ok = expected !== undefined ? cell === expected : cell !== '(required)' && !/^`[^`<]*`$/.test(cell)
        if (!ok) wrong.push(`${name}: README says ${JSON.stringify(cell)}, action.yml ${expected ?? 'no default'}`)
      }
      expect(wrong).toEqual([])
    })
    test('the output table lists the declared outputs', () => {
      expect([...outputRows.keys()].sort()).toEqual(declaredOutputs(action))
    })
    test('its uses: lines reference actions of this repository by short name', () => {
      const uses = [...readme.matchAll(/uses:\s*(org\/deploy-actions\S*)/g)].map((m) => m[1]!)
      expect(uses.length).toBeGreaterThan(0)
      for (const ref of uses) {
        const short = /^org\/deploy-actions(?:\/([a-z0-9-]+))?@v1$/.exec(ref)
        expect({ ref, ok: short !== null }).toEqual({ ref, ok: true })
        if (short?.[1]) expect(existsSync(join(REPO_ROOT, short[1], 'action.yml'))).toBe(true)
      }
      expect(uses).toContain(`org/deploy-actions/${folder}@v1`)
    })
  })

  describe('(d) action.yml', () => {
    test('names the action by its folder, in the one style, on node24 with its bundle', () => {
      expect(action.name).toBe(folder)
      expect(action.author).toBe('deploy-actions')
      expect(action.runs.using).toBe('node24')
      const name = codeName(action)
      expect(name && existsSync(join(REPO_ROOT, 'actions', name, 'src', 'index.ts'))).toBe(true)
      // post.ts exists exactly when there is a post step, which runs the same bundle.
      expect(existsSync(join(REPO_ROOT, 'actions', name!, 'src', 'post.ts'))).toBe(action.runs.post !== undefined)
      if (action.runs.post !== undefined) expect(action.runs.post).toBe(action.runs.main)
      for (const [input, spec] of Object.entries(action.inputs ?? {})) {
        expect({ input, described: Boolean(spec.description), required: typeof spec.required }).toEqual({
          input,
          described: true,
          required: 'boolean',
        })
      }
      for (const [output, spec] of Object.entries(action.outputs ?? {})) {
        expect({ output, described: Boolean(spec.description) }).toEqual({ output, described: true })
      }
    })
  })
})

describe.each(files.map((f) => [f.slice(REPO_ROOT.length + 1), f]))('(d) %s', (_rel, file) => {
  const text = readFileSync(file, 'utf8')
  test("validates against GitHub's action schema (branding icon and color included)", () => {
    const result = parseAction({ name: 'action.yml', content: text }, new NoOperationTraceWriter())
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([])
  })
  test('is written in the one style (node scripts/action-yml.ts --write)', () => {
    expect(text).toBe(formatActionYml(text))
    const a = parse(text) as ActionYml
    expect(a.description.length).toBeGreaterThan(0)
    expect(a.branding?.icon && a.branding.color).toBeTruthy()
  })
})

// The root action (uses: org/deploy-actions@v1): the whole release from a plan file. Its code is
// actions/release/src (bundled to dist/release/index.js), its README packages/release/README.md.
describe('the root action.yml', () => {
  const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionYml
  const inputSets: Record<string, string>[] = [{}, { plan: 'deploy/release.yaml', command: 'plan', version: 'v2.1.0' }]
  const defaults = Object.fromEntries(
    Object.entries(action.inputs ?? {})
      .filter(([, spec]) => spec.default !== undefined)
      .map(([name, spec]) => [name, String(spec.default)]),
  )
  const parseRecorded = (values: Record<string, string>) => {
    const read = new Set<string>()
    const result = releaseInputs.parseInputs((name) => {
      read.add(name)
      return values[name] ?? ''
    }, ENV)
    return { result, read }
  }

  test('runs node24 with dist/release/index.js, its code in actions/release/src', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/release/index.js' })
    expect(existsSync(join(REPO_ROOT, 'actions/release/src/index.ts'))).toBe(true)
  })
  test.each(inputSets.map((values, i) => [i, values] as const))(
    'set %i: reads only declared inputs, and a declared default means what an empty input means',
    (_i, values) => {
      const withDefaults = parseRecorded({ ...defaults, ...values })
      expect([...withDefaults.read].filter((n) => !(n in (action.inputs ?? {})))).toEqual([])
      expect(withDefaults.result).toEqual(parseRecorded(values).result)
    },
  )
  test('the input sets together read every declared input', () => {
    const read = new Set<string>()
    for (const values of inputSets) for (const n of parseRecorded(values).read) read.add(n)
    expect(declaredInputs(action).filter((n) => !read.has(n))).toEqual([])
  })
  test('a bad input is a ConfigurationError naming it', () => {
    expect(() => releaseInputs.parseInputs(getterOf({ plan: 'release.json' }), ENV)).toThrow(ConfigurationError)
    expect(() => releaseInputs.parseInputs(getterOf({ command: 'deploy' }), ENV)).toThrow(/command/)
  })
  test('a release and a plan together set exactly the declared outputs; a fresh report none undeclared', () => {
    const released = releaseReport.outputsOf({
      version: 'v2.1.0',
      outcome: {
        nextSteps: [],
        result: {
          ok: false,
          cancelled: false,
          failure: { step: 'smoke', reason: 'smoke test failed' },
          timeline: [],
          state: {
            image: { image: `${REGISTRY}/backend:v2.1.0`, imageRef: `${REGISTRY}/backend@${DIGEST}`, digest: DIGEST },
            snapshot: { identifier: 'webshop-pre-v2-1-0', database: 'webshop' },
            migrated: { schemaVersion: '7' },
            rollout: { image: `${REGISTRY}/backend:v2.1.0@${DIGEST}`, result: 'promoted' },
            frontends: [],
          },
        },
      },
    })
    const planned = releaseReport.outputsOf({ version: 'v2.1.0', planMarkdown: '## Release plan' })
    expect(set(releaseReport.outputsOf({})).filter((n) => !declaredOutputs(action).includes(n))).toEqual([])
    expect([...new Set([...set(released), ...set(planned)])].sort()).toEqual(declaredOutputs(action))
  })
  test('packages/release/README.md lists the declared inputs and outputs', () => {
    const readme = readFileSync(join(REPO_ROOT, 'packages/release/README.md'), 'utf8')
    expect([...tableRows(readme, 'Inputs').keys()].sort()).toEqual(declaredInputs(action))
    expect([...tableRows(readme, 'Outputs').keys()].sort()).toEqual(declaredOutputs(action))
    expect(readme).toContain('uses: org/deploy-actions@v1')
  })
})

/** The rows of the first table under `## <heading>`: name (in backticks) → the other cells. */
function tableRows(markdown: string, heading: string): Map<string, string[]> {
  const lines = markdown.split('\n')
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`)
  const rows = new Map<string, string[]>()
  if (start < 0) return rows
  let inTable = false
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break
    if (!line.startsWith('|')) {
      if (inTable) break
      continue
    }
    inTable = true
    const cells = splitRow(line)
    const name = /^`([^`]+)`$/.exec(cells[0] ?? '')?.[1]
    if (name) rows.set(name, cells.slice(1))
  }
  return rows
}

/** Splits a markdown table row on the pipes outside code spans (`a|b` stays one cell). */
function splitRow(line: string): string[] {
  const cells: string[] = []
  let cell = ''
  let code = false
  for (let i = 1; i < line.length; i++) {
    const ch = line[i]!
    if (ch === '`') code = !code
    if (ch === '|' && !code && line[i - 1] !== '\\') {
      cells.push(cell.trim())
      cell = ''
    } else cell += ch
  }
  return cells
}
