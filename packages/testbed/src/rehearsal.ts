// Workflow rehearsal: runs one job of a real workflow file the way the runner would, against the
// testbed, to prove the file's wiring (a test harness, not a product). `if:` and every `${{ }}` are
// evaluated by GitHub's expression engine against the job's contexts; each `uses: $/<short>` step
// runs that action's bundle exactly as the runner does (runBundle: INPUT_* from `with:` over the
// action.yml defaults, the file commands, and its post step at the end of the job); `run:` steps
// run in bash (`bash --noprofile --norc -eo pipefail`, the runner's default); GITHUB_OUTPUT and
// GITHUB_ENV are read back between steps; job outputs are evaluated at the end. Actions that are
// not ours (actions/checkout, aws-actions/configure-aws-credentials, …) need a stand-in from the
// caller, so nothing silently pretends to have run.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { tempDir } from './process.ts'
import { type BundleRun, parseCommandFile, REPO_ROOT, runBundle } from './run-bundle.ts'
import { type Contexts, condition, mappingValue, type Status } from './workflow-expressions.ts'

export type JobResult = 'success' | 'failure' | 'skipped' | 'cancelled'

export interface NeededJob {
  result: JobResult
  outputs: Record<string, string>
}

/** What a stand-in for a third-party action does: outputs, and variables it exports (GITHUB_ENV). */
export interface StandInResult {
  outputs?: Record<string, string>
  env?: Record<string, string>
}
export type StandIn = (inputs: Record<string, string>) => StandInResult | Promise<StandInResult>

export interface RehearsalOptions {
  /** Workflow path from the repository root, e.g. `.github/workflows/release.yml`. */
  workflow: string
  job: string
  /** The caller's `with:` (workflow_call inputs; defaults from the file fill the rest). */
  inputs?: Record<string, string | number | boolean>
  secrets?: Record<string, string>
  needs?: Record<string, NeededJob>
  /** One matrix combination, for a job with a strategy. */
  matrix?: Record<string, unknown>
  /** The github context: ref, sha, repository, … (event_name and workspace are filled in). */
  github?: Record<string, unknown>
  /** Environment every step sees (endpoints of the testbed services, credentials, PATH). */
  env?: Record<string, string | undefined>
  /** The checked-out repository the job works in. */
  workspace: string
  /** By `uses:` without its `@ref`: `actions/checkout`, `aws-actions/configure-aws-credentials`. */
  standIns?: Record<string, StandIn>
  timeoutMs?: number
}

export interface StepRehearsal {
  name: string
  id?: string
  conclusion: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  /** What the step printed (bundles: stdout; bash: stdout and stderr). */
  log: string
  /** The bundle run, for steps that are our actions. */
  bundle?: BundleRun
}

export interface JobRehearsal {
  result: JobResult
  outputs: Record<string, string>
  steps: StepRehearsal[]
  /** Everything the steps wrote to the job summary. */
  summary: string
}

interface Step {
  id?: string
  name?: string
  if?: string | boolean
  uses?: string
  run?: string
  shell?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
  'working-directory'?: string
}
interface Job {
  if?: string | boolean
  needs?: string | string[]
  env?: Record<string, unknown>
  outputs?: Record<string, string>
  steps?: Step[]
}
interface WorkflowFile {
  on: { workflow_call?: { inputs?: Record<string, { type: string; default?: unknown }> } }
  env?: Record<string, unknown>
  jobs: Record<string, Job>
}
interface ActionFile {
  inputs?: Record<string, { default?: unknown }>
  runs: { main?: string; post?: string; 'post-if'?: string }
}

/** workflow_call inputs as typed values: the caller's over the file's defaults. */
function callInputs(workflow: WorkflowFile, given: RehearsalOptions['inputs'] = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(workflow.on.workflow_call?.inputs ?? {})) {
    const raw = name in given ? given[name] : spec.default
    out[name] =
      raw === undefined
        ? spec.type === 'boolean'
          ? false
          : spec.type === 'number'
            ? 0
            : ''
        : spec.type === 'boolean'
          ? raw === true || raw === 'true'
          : spec.type === 'number'
            ? Number(raw)
            : String(raw)
  }
  for (const name of Object.keys(given)) if (!(name in out)) throw new Error(`${name} is not an input of the workflow`)
  return out
}

function ourAction(uses: string): { short: string; action: ActionFile; bundle: string } | undefined {
  const short = /^\$\/([a-z0-9-]+)$/.exec(uses)?.[1]
  if (!short) return undefined
  const file = join(REPO_ROOT, short, 'action.yml')
  if (!existsSync(file)) throw new Error(`uses: ${uses}: ${short}/action.yml does not exist`)
  const action = parse(readFileSync(file, 'utf8')) as ActionFile
  const bundle = /^\.\.\/dist\/([a-z0-9-]+)\/index\.js$/.exec(action.runs.main ?? '')?.[1]
  if (!bundle) throw new Error(`${short}/action.yml: runs.main is not ../dist/<name>/index.js`)
  return { short, action, bundle }
}

const stepName = (step: Step, i: number) => step.name ?? step.id ?? step.uses ?? `run ${i + 1}`

export async function rehearseJob(options: RehearsalOptions): Promise<JobRehearsal> {
  const workflow = parse(readFileSync(join(REPO_ROOT, options.workflow), 'utf8')) as WorkflowFile
  const job = workflow.jobs[options.job]
  if (!job) throw new Error(`${options.workflow} has no job ${options.job}`)
  const needs = options.needs ?? {}
  const needed = job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]
  for (const n of needed) if (!needs[n]) throw new Error(`job ${options.job} needs ${n}: give its result and outputs`)

  const temp = tempDir(`rehearsal-${options.job}`)
  const github = {
    event_name: 'workflow_call',
    workspace: options.workspace,
    repository: 'acme/webshop',
    ref: 'refs/tags/v1.0.0',
    ref_name: 'v1.0.0',
    sha: '0123456789abcdef0123456789abcdef01234567',
    run_id: '1',
    run_attempt: '1',
    server_url: 'https://github.com',
    ...options.github,
  }
  const contexts: Contexts = {
    github,
    inputs: callInputs(workflow, options.inputs),
    secrets: options.secrets ?? {},
    needs,
    matrix: options.matrix ?? {},
    strategy: {},
    vars: {},
    job: {},
    runner: { os: 'Linux', arch: 'X64', temp },
    steps: {},
    env: {},
  }
  const jobStatus: Status = { failed: needed.some((n) => needs[n]!.result === 'failure'), cancelled: false }
  // A job whose condition names no status function runs only when every needed job succeeded.
  const ifText = job.if === undefined ? '' : String(job.if)
  const plain = !/\b(success|failure|always|cancelled)\s*\(/.test(ifText)
  if ((plain && needed.some((n) => needs[n]!.result !== 'success')) || !condition(job.if, contexts, jobStatus)) {
    return { result: 'skipped', outputs: {}, steps: [], summary: '' }
  }

  // The runner's environment: GITHUB_* from the github context, then workflow and job env.
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REF: String(github.ref),
    GITHUB_REF_NAME: String(github.ref_name),
    GITHUB_SHA: String(github.sha),
    GITHUB_REPOSITORY: String(github.repository),
    GITHUB_RUN_ID: String(github.run_id),
    GITHUB_RUN_ATTEMPT: String(github.run_attempt),
    GITHUB_SERVER_URL: String(github.server_url),
    GITHUB_EVENT_NAME: String(github.event_name),
    RUNNER_TEMP: temp,
  })
  const stepStatus: Status = { failed: false, cancelled: false }
  for (const scope of [workflow.env, job.env])
    for (const [k, v] of Object.entries(scope ?? {})) env[k] = mappingValue(v, { ...contexts, env }, stepStatus)
  contexts.env = env

  const steps: StepRehearsal[] = []
  const posts: Array<{ name: string; run: BundleRun; bundle: string; postIf: string }> = []
  let summary = ''
  const stepsContext = contexts.steps as Record<
    string,
    { outputs: Record<string, string>; outcome: string; conclusion: string }
  >

  for (const [i, step] of (job.steps ?? []).entries()) {
    const name = stepName(step, i)
    const record = (
      conclusion: StepRehearsal['conclusion'],
      outputs: Record<string, string>,
      log: string,
      bundle?: BundleRun,
    ) => {
      steps.push({ name, ...(step.id ? { id: step.id } : {}), conclusion, outputs, log, ...(bundle ? { bundle } : {}) })
      if (step.id) stepsContext[step.id] = { outputs, outcome: conclusion, conclusion }
      if (conclusion === 'failure') stepStatus.failed = true
    }
    if (!condition(step.if, contexts, stepStatus)) {
      record('skipped', {}, '')
      continue
    }
    const stepEnv = { ...env }
    for (const [k, v] of Object.entries(step.env ?? {}))
      stepEnv[k] = mappingValue(v, { ...contexts, env: stepEnv }, stepStatus)
    const given = Object.fromEntries(
      Object.entries(step.with ?? {}).map(([k, v]) => [k, mappingValue(v, contexts, stepStatus)]),
    )

    if (step.uses) {
      const ours = ourAction(step.uses)
      if (ours) {
        const inputs: Record<string, string> = {}
        for (const [n, spec] of Object.entries(ours.action.inputs ?? {}))
          if (spec.default !== undefined) inputs[n] = mappingValue(spec.default, contexts, stepStatus)
        Object.assign(inputs, given)
        const run = await runBundle(ours.bundle, {
          inputs,
          env: { ...stepEnv, GITHUB_ACTION: step.id ?? `__${ours.short}` },
          cwd: options.workspace,
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        })
        summary += run.summary
        if (ours.action.runs.post)
          posts.push({ name, run, bundle: ours.bundle, postIf: ours.action.runs['post-if'] ?? 'always()' })
        record(run.code === 0 ? 'success' : 'failure', run.outputs, run.stdout + run.stderr, run)
        continue
      }
      const key = step.uses.replace(/@.*$/, '')
      const standIn = options.standIns?.[key]
      if (!standIn) throw new Error(`step "${name}" uses ${step.uses}: give a stand-in for ${key}`)
      try {
        const result = await standIn(given)
        Object.assign(env, result.env ?? {})
        record('success', result.outputs ?? {}, '')
      } catch (error) {
        record('failure', {}, String(error))
      }
      continue
    }

    if (step.run !== undefined) {
      const files = { GITHUB_OUTPUT: 'output', GITHUB_ENV: 'env', GITHUB_STEP_SUMMARY: 'summary', GITHUB_PATH: 'path' }
      const dir = join(temp, `step-${i}`)
      mkdirSync(dir)
      for (const [k, f] of Object.entries(files)) {
        writeFileSync(join(dir, f), '')
        stepEnv[k] = join(dir, f)
      }
      const script = join(dir, 'script.sh')
      writeFileSync(script, mappingValue(step.run, { ...contexts, env: stepEnv }, stepStatus))
      const shell = step.shell ?? 'bash'
      if (shell !== 'bash') throw new Error(`step "${name}": only bash steps are rehearsed, not ${shell}`)
      const cwd = step['working-directory']
        ? join(options.workspace, mappingValue(step['working-directory'], contexts, stepStatus))
        : options.workspace
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
        cwd,
        env: stepEnv,
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 120_000,
      })
      summary += readFileSync(join(dir, 'summary'), 'utf8')
      Object.assign(env, parseCommandFile(readFileSync(join(dir, 'env'), 'utf8')))
      record(
        r.status === 0 ? 'success' : 'failure',
        parseCommandFile(readFileSync(join(dir, 'output'), 'utf8')),
        r.stdout + r.stderr,
      )
      continue
    }
    throw new Error(`step "${name}" has neither uses nor run`)
  }

  // Post steps run last, in reverse order, under their post-if (always() by default).
  for (const post of posts.reverse()) {
    if (!condition(post.postIf, contexts, stepStatus)) continue
    const run = await runBundle(post.bundle, { postOf: post.run, cwd: options.workspace })
    summary += run.summary
    steps.push({
      name: `Post ${post.name}`,
      conclusion: run.code === 0 ? 'success' : 'failure',
      outputs: {},
      log: run.stdout,
      bundle: run,
    })
    if (run.code !== 0) stepStatus.failed = true
  }

  const outputs: Record<string, string> = {}
  for (const [name, expr] of Object.entries(job.outputs ?? {})) outputs[name] = mappingValue(expr, contexts, stepStatus)
  return { result: stepStatus.failed ? 'failure' : 'success', outputs, steps, summary }
}
