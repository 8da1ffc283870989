// Runs one action as the runner runs a `uses:` step: its bundle under node with every declared
// input as INPUT_<NAME> (declared defaults for the ones not given), fresh GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY and GITHUB_STATE files, then its post step with the saved state as
// STATE_<name>. Cancellation follows the runner too: SIGINT, SIGTERM 7.5 s later.
// Why bundles and not the actions' `run()` imported: packages never import from actions/, each
// step keeps its own process (its signal handling, its exit code, its masking) exactly as in a
// workflow, and the root action's bundle stays small.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCommandFile } from '@deploy-actions/kit'
import { signalChildren } from '@deploy-actions/kit/runtime'
import { type ActionFace, type ActionName, actionFace } from './bundles.ts'
import { type LineSink, translateLine } from './step-log.ts'

export interface StepRun {
  action: ActionName
  code: number
  outputs: Record<string, string>
  summary: string
  /** The step's log lines as shown (workflow commands folded into readable lines in console mode). */
  log: string[]
  cancelled: boolean
}

export interface StepRunner {
  run(action: ActionName, inputs: Record<string, string>, env?: Record<string, string>): Promise<StepRun>
}

export interface StepRunnerOptions {
  root: string
  distDir?: string
  cwd: string
  /** The environment every step starts from (AWS, KUBECONFIG, GITHUB_* …). */
  env: Record<string, string>
  /** Where each shown line goes. */
  sink: LineSink
  /** On a runner, workflow commands pass through (annotations, masks); elsewhere they are made readable. */
  passthrough: boolean
  signal?: AbortSignal
}

/** The runner's timing for a cancelled step. */
const SIGTERM_AFTER_MS = 7500

/** INPUT_<NAME> as the runner names it: spaces to underscores, upper case (hyphens kept). */
export const inputVariable = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

/** The step's environment: declared defaults, then the given inputs; an undeclared input is refused. */
export function stepEnvironment(
  face: ActionFace,
  inputs: Record<string, string>,
  base: Record<string, string>,
): Record<string, string> {
  const undeclared = Object.keys(inputs).filter((name) => !(name in face.inputs))
  if (undeclared.length) {
    throw new Error(
      `${face.short} has no input ${undeclared.join(', ')} (it declares ${Object.keys(face.inputs).join(', ')})`,
    )
  }
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('INPUT_') && !k.startsWith('STATE_')) env[k] = v
  for (const [name, spec] of Object.entries(face.inputs)) env[inputVariable(name)] = inputs[name] ?? spec.default ?? ''
  return env
}

export function stepRunner(options: StepRunnerOptions): StepRunner {
  return {
    async run(action, inputs, extraEnv = {}) {
      const face = actionFace(action, options.root, options.distDir)
      const env = stepEnvironment(face, inputs, { ...options.env, ...extraEnv })
      const dir = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), `release-${action}-`))
      try {
        const masks: string[] = []
        const log: string[] = []
        const show = (line: string) => {
          const shown = translateLine(line, masks, options.passthrough)
          if (shown === undefined) return
          log.push(shown)
          options.sink(shown)
        }
        const main = await runOnce(face, env, dir, 'main', show, options)
        let code = main.code
        if (face.post) {
          const state = parseCommandFile(readFileSync(join(dir, 'state-main'), 'utf8'))
          const postEnv = { ...env }
          for (const [k, v] of Object.entries(state)) postEnv[`STATE_${k}`] = v
          const post = await runOnce(face, postEnv, dir, 'post', show, { ...options, signal: undefined })
          if (code === 0 && post.code !== 0) code = post.code
        }
        return {
          action,
          code,
          outputs: parseCommandFile(readFileSync(join(dir, 'output-main'), 'utf8')),
          summary: ['main', 'post'].map((phase) => readIfThere(join(dir, `summary-${phase}`))).join(''),
          log,
          cancelled: main.cancelled,
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

const readIfThere = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '')

async function runOnce(
  face: ActionFace,
  baseEnv: Record<string, string>,
  dir: string,
  phase: 'main' | 'post',
  show: (line: string) => void,
  options: StepRunnerOptions,
): Promise<{ code: number; cancelled: boolean }> {
  const files = {
    output: join(dir, `output-${phase}`),
    summary: join(dir, `summary-${phase}`),
    state: join(dir, `state-${phase}`),
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const env = { ...baseEnv, GITHUB_OUTPUT: files.output, GITHUB_STEP_SUMMARY: files.summary, GITHUB_STATE: files.state }
  const { exec } = await import('@actions/exec')
  let cancelled = false
  let term: NodeJS.Timeout | undefined
  // @actions/exec gives no handle on the child: the runner's signals reach it through /proc.
  const onAbort = () => {
    cancelled = true
    signalChildren('node', 'SIGINT')
    term = setTimeout(() => signalChildren('node', 'SIGTERM'), SIGTERM_AFTER_MS)
    term.unref()
  }
  if (options.signal?.aborted) return { code: 1, cancelled: true }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const code = await exec(process.execPath, [face.main], {
      env,
      cwd: options.cwd,
      silent: true,
      ignoreReturnCode: true,
      listeners: { stdline: show, errline: show },
    })
    return { code, cancelled }
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    if (term) clearTimeout(term)
  }
}
