// A clock whose time moves only when every task is waiting on it: sleeps resolve in time order,
// instantly in real time. drive(promise) runs the timers until the promise settles.
import type { Clock } from '@deploy-actions/kit'

interface Timer {
  at: number
  seq: number
  resolve: () => void
}

export function virtualClock(start = 1_000_000) {
  let t = start
  let seq = 0
  const timers: Timer[] = []
  const sleeps: number[] = []
  const clock: Clock = {
    now: () => t,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason)
        const timer: Timer = { at: t + ms, seq: seq++, resolve }
        timers.push(timer)
        sleeps.push(ms)
        signal?.addEventListener(
          'abort',
          () => {
            const i = timers.indexOf(timer)
            if (i >= 0) timers.splice(i, 1)
            reject(signal.reason)
          },
          { once: true },
        )
      }),
  }
  async function drive<T>(promise: Promise<T>): Promise<T> {
    let settled = false
    promise.then(
      () => {
        settled = true
      },
      () => {
        settled = true
      },
    )
    for (;;) {
      for (let i = 0; i < 10 && !settled; i++) await new Promise((r) => setImmediate(r))
      if (settled) return promise
      if (timers.length === 0) throw new Error('virtual clock: nothing is scheduled and the promise is still pending')
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
      const next = timers.shift()!
      t = Math.max(t, next.at)
      next.resolve()
    }
  }
  return { clock, drive, sleeps, elapsed: () => t - start }
}
