// Runs a bundled action exactly as the runner does: INPUT_* variables, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY and GITHUB_STATE files, then (optionally) the post step with the saved state.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseCommandFile } from '@deploy-actions/kit'
import { tempDir } from './process.ts'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

export interface BundleRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  state: Record<string, string>
  /** The environment the run had (for a following post step). */
  env: Record<string, string>
  /** With `cancelWhen`: the signals sent, in order, as the runner sends them to a cancelled step. */
  signalsSent: NodeJS.Signals[]
}

export interface RunBundleOptions {
  inputs?: Record<string, string | number | boolean>
  env?: Record<string, string | undefined>
  cwd?: string
  /** Run as the post step, with the state a previous run saved. */
  postOf?: BundleRun
  timeoutMs?: number
  /**
   * Cancel the step as GitHub does once stdout so far satisfies this: SIGINT, SIGTERM 7.5 s later
   * if it still runs, SIGKILL 2.5 s after that.
   */
  cancelWhen?: (stdout: string) => boolean
}

/** The runner's cancellation timing (SIGINT, then SIGTERM, then kill). */
export const CANCEL_SIGTERM_AFTER_MS = 7500
export const CANCEL_KILL_AFTER_MS = 2500

/** The runner's file-command format, read as kit reads it (re-exported for the tests that import it from here). */
export { parseCommandFile }

export async function runBundle(action: string, options: RunBundleOptions = {}): Promise<BundleRun> {
  const bundle = join(REPO_ROOT, 'dist', action, 'index.js')
  if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run npm run bundle first`)
  const dir = tempDir(`run-${action}`)
  const files = { output: join(dir, 'output'), summary: join(dir, 'summary'), state: join(dir, 'state') }
  for (const f of Object.values(files)) writeFileSync(f, '')

  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    // A clean runner-like environment: no inherited inputs or jest/NODE_OPTIONS flags.
    if (v !== undefined && !k.startsWith('INPUT_') && !k.startsWith('STATE_') && k !== 'NODE_OPTIONS') env[k] = v
  }
  if (options.postOf) {
    Object.assign(env, options.postOf.env)
    for (const [k, v] of Object.entries(options.postOf.state)) env[`STATE_${k}`] = v
  }
  for (const [k, v] of Object.entries(options.inputs ?? {}))
    env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = String(v)
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  env.GITHUB_OUTPUT = files.output
  env.GITHUB_STEP_SUMMARY = files.summary
  env.GITHUB_STATE = files.state
  env.RUNNER_TEMP ??= dir

  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bundle], {
      env,
      cwd: options.cwd ?? REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    const signalsSent: NodeJS.Signals[] = []
    const timers: NodeJS.Timeout[] = []
    let exited = false
    const send = (signal: NodeJS.Signals) => {
      if (exited) return
      signalsSent.push(signal)
      child.kill(signal)
    }
    child.stdout.on('data', (d) => {
      stdout += d
      if (options.cancelWhen && signalsSent.length === 0 && options.cancelWhen(stdout)) {
        send('SIGINT')
        timers.push(
          setTimeout(() => {
            send('SIGTERM')
            timers.push(setTimeout(() => send('SIGKILL'), CANCEL_KILL_AFTER_MS))
          }, CANCEL_SIGTERM_AFTER_MS),
        )
      }
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
    child.on('error', reject)
    child.on('exit', () => {
      exited = true
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      for (const t of timers) clearTimeout(t)
      resolvePromise({
        code: code ?? -1,
        stdout,
        stderr,
        outputs: parseCommandFile(readFileSync(files.output, 'utf8')),
        summary: readFileSync(files.summary, 'utf8'),
        state: parseCommandFile(readFileSync(files.state, 'utf8')),
        env,
        signalsSent,
      })
    })
  })
}
