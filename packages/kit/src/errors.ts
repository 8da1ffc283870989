/** A mistake in the action's inputs: the user's to fix, reported before any side effect. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError'
  readonly input: string
  constructor(input: string, expected: string, got?: string) {
    super(got === undefined ? `${input}: ${expected}` : `${input}: expected ${expected}, got "${got}"`)
    this.input = input
  }
}

/**
 * A failure after side effects began. `leftState` says, in words, where the system was left
 * ("canary deleted, stable untouched at image X"), so the operator knows what to do next.
 */
export class DeployError extends Error {
  override name = 'DeployError'
  readonly leftState: string | undefined
  constructor(message: string, options: { leftState?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.leftState = options.leftState
  }
}

/** One line describing an error and, where known, the state it left behind. */
export function describeError(error: unknown): string {
  if (error instanceof DeployError && error.leftState) return `${oneLine(error.message)} (left: ${error.leftState})`
  if (error instanceof Error) return oneLine(error.message || error.name)
  return oneLine(String(error))
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}
