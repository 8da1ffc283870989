import { ConfigurationError, describeError } from './errors.ts'
import type { Logger } from './log.ts'
import * as runner from './runner.ts'

export { getInput, getState, saveState, setOutput } from './runner.ts'

/** The logger on a runner: groups, annotations with file and line, debug only when enabled. */
export const coreLogger: Logger = {
  info: runner.info,
  warning: runner.warning,
  error: runner.error,
  debug: runner.debug,
  group: runner.group,
}

/** Registers a secret with the runner before anything can print it. */
export function maskSecret(value: string | undefined): void {
  if (value) runner.setSecret(value)
}

export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) runner.setOutput(name, String(value))
  }
}

/** Appends markdown to the job summary; a no-op off a runner (no GITHUB_STEP_SUMMARY). */
export async function writeSummary(markdown: string): Promise<void> {
  runner.appendSummary(markdown)
}

const POST_STATE = 'deploy-actions-post'

/**
 * The single error boundary of every action. Runs `main`, or `post` when the runner invokes the
 * same bundle again as the post step (the main step leaves a state flag behind, as GitHub's own
 * actions do). Any error becomes a failed step with a one-line cause.
 */
export async function runAction(main: () => Promise<void>, post?: () => Promise<void>): Promise<void> {
  const isPost = runner.getState(POST_STATE) === 'true'
  try {
    if (isPost) {
      if (post) await post()
      return
    }
    if (post) runner.saveState(POST_STATE, 'true')
    await main()
  } catch (error) {
    if (error instanceof ConfigurationError) runner.setFailed(`Invalid input ${describeError(error)}`)
    else runner.setFailed(describeError(error))
    if (error instanceof Error && error.stack && !(error instanceof ConfigurationError)) runner.debug(error.stack)
  }
}
