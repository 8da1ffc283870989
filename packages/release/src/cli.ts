#!/usr/bin/env node
// `npx deploy-actions <command> --plan release.yaml`: the release from a laptop (or any shell),
// running the same steps as the root action and the reusable workflow.
import { writeFileSync } from 'node:fs'
import { ConfigurationError, describeError } from '@deploy-actions/kit'
import { openSession, planFromPlan, releaseFromPlan, restoreFromPlan, rollbackFromPlan } from './session.ts'
import { RELEASE_STEPS } from './steps.ts'

const USAGE = `usage: deploy-actions <command> [--plan release.yaml] [options]

commands:
  release    run the release the plan describes (image, snapshot, migrations, canary, smoke test, frontends)
  plan       print what a release would do, without doing it, as markdown (for a PR comment)
  validate   check the plan file and say what it would run
  restore    restore a snapshot of the plan's database into a NEW instance (--snapshot ID [--target NEW_ID])
  rollback   return the plan's Deployment to its previous revision (an unfinished canary is aborted first)

options:
  --plan FILE      the release plan (default release.yaml)
  --version V      the release's version (default: the plan's version:, else the tag of GITHUB_REF)
  --out FILE       plan: also write the markdown to FILE
  --record FILE    release: also write the outcome (timeline, state, next steps) to FILE as JSON
  --snapshot ID    restore: the snapshot to restore
  --target ID      restore: the new instance (default <db>-restored-<version>)

Exit status: 0 done, 1 the release (or command) failed, 2 a mistake in the command or the plan.`

interface Args {
  command: string
  plan: string
  version?: string
  out?: string
  record?: string
  snapshot?: string
  target?: string
}

export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') throw new UsageError('')
  if (!['release', 'plan', 'validate', 'restore', 'rollback'].includes(command)) {
    throw new UsageError(`unknown command ${command}`)
  }
  const args: Args = { command, plan: 'release.yaml' }
  const names: Record<string, keyof Args> = {
    '--plan': 'plan',
    '--version': 'version',
    '--out': 'out',
    '--record': 'record',
    '--snapshot': 'snapshot',
    '--target': 'target',
  }
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i]!.split(/=(.*)/s, 2) as [string, string | undefined]
    const key = names[flag]
    if (!key) throw new UsageError(`unknown option ${flag}`)
    const value = inline ?? rest[++i]
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`)
    args[key] = value
  }
  if (command === 'restore' && !args.snapshot) throw new UsageError('restore needs --snapshot ID')
  return args
}

class UsageError extends Error {}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: Args
  try {
    args = parseArgs(argv)
  } catch (error) {
    console.error(error instanceof UsageError && error.message ? `deploy-actions: ${error.message}\n\n${USAGE}` : USAGE)
    return error instanceof UsageError && error.message ? 2 : 0
  }
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) console.log(`received ${signal}: stopping after the running step has stopped`)
    controller.abort(new Error(signal))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  let session: ReturnType<typeof openSession> | undefined
  try {
    // plan: stdout is the markdown alone (to pipe into a PR comment); the steps' logs go to stderr.
    const sink = args.command === 'plan' ? (line: string) => console.error(line) : undefined
    session = openSession({ planFile: args.plan, version: args.version, env, signal: controller.signal, sink })
    switch (args.command) {
      case 'validate':
        console.log(`${args.plan}: a valid release plan for ${session.version}`)
        return 0
      case 'plan': {
        const markdown = await planFromPlan(session)
        if (args.out) writeFileSync(args.out, markdown)
        console.log(markdown)
        return 0
      }
      case 'restore':
        return (await restoreFromPlan(session, args.snapshot!, args.target)).code === 0 ? 0 : 1
      case 'rollback':
        return (await rollbackFromPlan(session)).code === 0 ? 0 : 1
      default: {
        // The release with its guardrails (window and freezes, preflight checks, GitHub deployment,
        // maintenance mode, notifications), each applying when the plan asks for it.
        const { defaultGuardrailDeps, withGuardrails } = await import('./guardrails/steps.ts')
        const steps = withGuardrails(
          RELEASE_STEPS,
          defaultGuardrailDeps((line) => console.log(`warning: ${line}`)),
        )
        const outcome = await releaseFromPlan(session, steps)
        if (args.record)
          writeFileSync(args.record, `${JSON.stringify({ version: session.version, ...outcome }, null, 2)}\n`)
        return outcome.result.ok ? 0 : 1
      }
    }
  } catch (error) {
    console.error(`deploy-actions: ${error instanceof ConfigurationError ? error.message : describeError(error)}`)
    return error instanceof ConfigurationError ? 2 : 1
  } finally {
    session?.close()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2))
