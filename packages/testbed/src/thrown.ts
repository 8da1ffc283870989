// For tests that inspect an error's fields (a ConfigurationError's `input`, a message's start)
// rather than only its message, which `expect(...).toThrow` cannot.

/** What `fn` throws, or undefined when it returns. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}
