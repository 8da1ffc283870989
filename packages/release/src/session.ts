// One use of a plan file: read and check it, then release, plan, restore or roll back. Shared by
// the CLI (a laptop: readable lines) and the root action (a runner: workflow commands pass through).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname } from 'node:path'
import { ConfigurationError, versionFromRef } from '@deploy-actions/kit'
import { repositoryRoot } from './bundles.ts'
import { nextSteps, restoreTarget, timelineLines } from './next-steps.ts'
import { planMarkdown } from './plan-command.ts'
import { parsePlan } from './plan-file.ts'
import { readPlanFile } from './plan-path.ts'
import { failureOf, type ReleaseResult, type ReleaseStep, runRelease } from './release.ts'
import { type StepRun, stepRunner } from './run-step.ts'
import { restoreInputs, rollbackInputs } from './step-inputs.ts'
import type { LineSink } from './step-log.ts'
import { kubeconfigOf, RELEASE_STEPS } from './steps.ts'
import type { Plan } from './types.ts'

export interface SessionOptions {
  /** The plan file, as the user named it. */
  planFile: string
  /** Overrides the plan's version and the runner's ref. */
  version?: string
  env?: NodeJS.ProcessEnv
  /** On a runner: workflow commands of the steps pass through. */
  passthrough?: boolean
  sink?: LineSink
  signal?: AbortSignal
  /** Where the actions' bundles are (default: DEPLOY_ACTIONS_DIST, else the repository's dist/). */
  distDir?: string
}

export interface Session {
  plan: Plan
  planFile: string
  dir: string
  version: string
  env: Record<string, string>
  log: LineSink
  /** On a runner: workflow commands pass through, steps are log groups. */
  passthrough: boolean
  signal: AbortSignal
  run: ReturnType<typeof stepRunner>
  close(): void
}

export function openSession(options: SessionOptions): Session {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(options.env ?? process.env)) if (v !== undefined) env[k] = v
  const { path, text } = readPlanFile(options.planFile, env)
  const plan = parsePlan(text, options.planFile, { given: options.version, fallback: versionFromRef(env) })
  const dir = dirname(path)
  const temp = env.RUNNER_TEMP ? undefined : mkdtempSync(`${tmpdir()}/deploy-actions-`)
  // The steps see the release's version as the runner's tag ref (their default tags and
  // snapshot names come from it), the plan's folder as the workspace when not on a runner.
  const stepEnv: Record<string, string> = {
    ...env,
    GITHUB_REF: `refs/tags/${plan.version}`,
    GITHUB_WORKSPACE: env.GITHUB_WORKSPACE ?? dir,
    RUNNER_TEMP: env.RUNNER_TEMP ?? temp!,
  }
  const log = options.sink ?? ((line: string) => console.log(line))
  const signal = options.signal ?? new AbortController().signal
  const run = stepRunner({
    root: repositoryRoot(env),
    // DEPLOY_ACTIONS_DIST: bundles built elsewhere (tests build their own while dist/ is rebuilt).
    ...(options.distDir || env.DEPLOY_ACTIONS_DIST ? { distDir: options.distDir ?? env.DEPLOY_ACTIONS_DIST } : {}),
    cwd: dir,
    env: stepEnv,
    sink: log,
    passthrough: options.passthrough ?? false,
    signal,
  })
  return {
    plan,
    planFile: options.planFile,
    dir,
    version: plan.version,
    env: stepEnv,
    log,
    passthrough: options.passthrough ?? false,
    signal,
    run,
    close: () => {
      if (temp) rmSync(temp, { recursive: true, force: true })
    },
  }
}

export interface ReleaseOutcome {
  result: ReleaseResult
  /** The exact commands left to a human (restore, rollback): printed, never run. */
  nextSteps: string[]
}

export async function releaseFromPlan(
  s: Session,
  steps: readonly ReleaseStep[] = RELEASE_STEPS,
): Promise<ReleaseOutcome> {
  const result = await runRelease(
    {
      plan: s.plan,
      planFile: s.planFile,
      dir: s.dir,
      version: s.version,
      env: s.env,
      steps: s.run,
      state: { frontends: [] },
      log: s.log,
      groups: s.passthrough,
      signal: s.signal,
      timeline: [],
    },
    steps,
  )
  const next = nextSteps(s.plan, s.planFile, result)
  s.log(
    `\n━━ Release ${s.version}: ${result.ok ? 'done' : result.cancelled ? 'cancelled' : `stopped at ${result.failure?.step}`}`,
  )
  for (const line of timelineLines(result.timeline)) s.log(line)
  if (next.length) {
    s.log('\nLeft to a human (nothing below was run):')
    for (const line of next) s.log(`  ${line}`)
  }
  return { result, nextSteps: next }
}

export function planFromPlan(s: Session): Promise<string> {
  return planMarkdown({ plan: s.plan, dir: s.dir, version: s.version, env: s.env, steps: s.run })
}

/** Restores a snapshot of the plan's database into a new instance; the source is left as it is. */
export async function restoreFromPlan(s: Session, snapshot: string, target?: string): Promise<StepRun> {
  const db = s.plan.database
  const source = db?.instance ?? db?.cluster
  if (!db || !source) throw new ConfigurationError('plan', 'a database section with instance or cluster, to restore')
  const into = target ?? restoreTarget(source, snapshot)
  s.log(`━━ Restore ${snapshot} into a new instance ${into} (${source} is left as it is)`)
  const run = await s.run.run('rds-snapshot', restoreInputs(db, s.plan, snapshot, into))
  if (run.code === 0) {
    s.log(`  ✔ restored: ${into} at ${run.outputs.endpoint ?? '(endpoint pending)'} (${run.outputs.status ?? ''})`)
    s.log(
      `  Next (by a human): point the application at ${run.outputs.endpoint ?? into}, then retire or keep ${source}.`,
    )
  }
  return run
}

/** Returns the plan's Deployment to its previous revision (aborting an unfinished canary first). */
export async function rollbackFromPlan(s: Session): Promise<StepRun> {
  const k = s.plan.kubernetes
  if (!k) throw new ConfigurationError('plan', 'a kubernetes section, to roll back')
  const name = `${k.namespace ?? 'default'}/${k.deployment}`
  s.log(`━━ Roll ${name} back to its previous revision`)
  const run = await s.run.run('rollback', rollbackInputs(k, kubeconfigOf(s)))
  const o = run.outputs
  if (run.code === 0)
    s.log(
      `  ✔ rolled back: ${name} runs ${o.image ?? '?'} at revision ${o.revision ?? '?'}${o['previous-image'] ? ` (was ${o['previous-image']})` : ''}`,
    )
  else s.log(`  ✘ rollback of ${name} failed: ${failureOf(run, 'rollback').message.replace(/^rollback: /, '')}`)
  return run
}
