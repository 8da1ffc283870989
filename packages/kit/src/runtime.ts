import * as core from '@actions/core'
import { ConfigurationError, describeError } from './errors.ts'
import type { Logger } from './log.ts'

/** The logger on a runner: groups, annotations with file and line, debug only when enabled. */
export const coreLogger: Logger = {
  info: (m) => core.info(m),
  warning: (m, where) => core.warning(m, where ?? {}),
  error: (m, where) => core.error(m, where ?? {}),
  debug: (m) => core.debug(m),
  group: (title, fn) => core.group(title, fn),
}

/** Registers a secret with the runner before anything can print it. */
export function maskSecret(value: string | undefined): void {
  if (value) core.setSecret(value)
}

export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, String(value))
  }
}

/** Appends markdown to the job summary; a no-op off a runner (no GITHUB_STEP_SUMMARY). */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown, true).write()
}

const POST_STATE = 'deploy-actions-post'

/**
 * The single error boundary of every action. Runs `main`, or `post` when the runner invokes the
 * same bundle again as the post step (the main step leaves a state flag behind, as GitHub's own
 * actions do). Any error becomes `setFailed` with a one-line cause.
 */
export async function runAction(main: () => Promise<void>, post?: () => Promise<void>): Promise<void> {
  const isPost = core.getState(POST_STATE) === 'true'
  try {
    if (isPost) {
      if (post) await post()
      return
    }
    if (post) core.saveState(POST_STATE, 'true')
    await main()
  } catch (error) {
    if (error instanceof ConfigurationError) core.setFailed(`Invalid input ${describeError(error)}`)
    else core.setFailed(describeError(error))
    if (error instanceof Error && error.stack && !(error instanceof ConfigurationError)) core.debug(error.stack)
  }
}
