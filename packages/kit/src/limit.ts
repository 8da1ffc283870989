/**
 * A bounded pool: at most `max` calls of the returned function run at once; the rest wait in
 * FIFO order. Wrap only the work that must be bounded (a request), not the waits between tries,
 * so a task that is backing off never holds a slot.
 */
export function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter: max must be a positive integer, got ${max}`)
  let active = 0
  const waiting: Array<() => void> = []
  const release = () => {
    active--
    const next = waiting.shift()
    if (next) {
      active++
      next()
    }
  }
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active < max) active++
    else await new Promise<void>((resolve) => waiting.push(resolve))
    try {
      return await fn()
    } finally {
      release()
    }
  }
}

/** Maps `items` through `fn` with at most `max` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], max: number, fn: (item: T, index: number) => Promise<R>) {
  const limit = limiter(max)
  return Promise.all(items.map((item, i) => limit(() => fn(item, i))))
}
