// Cancellation: GitHub sends SIGINT when a job is cancelled, SIGTERM 7.5 s later, then kills.
// runAction (kit/runtime) turns the signals into an AbortSignal; this is the reason it carries.

/** The job was cancelled: the step stopped at the signal, and says what it left. */
export class CancelledError extends Error {
  override name = 'CancelledError'
  readonly signal: string
  constructor(signal: string) {
    super(`cancelled (${signal})`)
    this.signal = signal
  }
}

/** The CancelledError behind `signal`, when it was aborted by a cancellation. */
export function cancellationOf(signal: AbortSignal | undefined): CancelledError | undefined {
  return signal?.aborted && signal.reason instanceof CancelledError ? signal.reason : undefined
}
