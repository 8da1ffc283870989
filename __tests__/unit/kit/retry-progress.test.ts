import {
  backoffDelay,
  errorCode,
  isTransientNetworkError,
  progressReporter,
  retry,
  steppingClock,
  WaitTimeoutError,
  waitUntil,
} from '@deploy-actions/kit'

test.each([
  [1, 0, 250],
  [1, 1, 500],
  [2, 1, 1000],
  [3, 0.5, 1500],
  [10, 1, 30_000],
])('backoff attempt %d with random %s is %d ms (base 500, max 30 s)', (attempt, r, ms) => {
  expect(backoffDelay(attempt, 500, 30_000, () => r)).toBe(ms)
})

test('retry retries retryable errors with growing delays, then succeeds', async () => {
  const clock = steppingClock()
  let calls = 0
  const result = await retry(
    async () => {
      calls++
      if (calls < 3) throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })
      return 'ok'
    },
    { clock, random: () => 1, retryable: isTransientNetworkError },
  )
  expect(result).toBe('ok')
  expect(clock.slept).toEqual([500, 1000])
})

test('retry stops at once on a non-retryable error', async () => {
  const clock = steppingClock()
  await expect(
    retry(
      async () => {
        throw new Error('bad request')
      },
      { clock, retryable: isTransientNetworkError },
    ),
  ).rejects.toThrow('bad request')
  expect(clock.slept).toEqual([])
})

test('retry gives up after the attempts and never sleeps past the deadline', async () => {
  const clock = steppingClock()
  let calls = 0
  await expect(
    retry(
      async () => {
        calls++
        throw new Error('still failing')
      },
      { clock, attempts: 10, random: () => 1, deadline: 2000 },
    ),
  ).rejects.toThrow('still failing')
  expect(clock.slept).toEqual([500, 1000, 500])
  expect(calls).toBe(4)
})

test('errorCode looks through the cause chain', () => {
  const e = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })
  expect(errorCode(e)).toBe('ECONNRESET')
  expect(isTransientNetworkError(e)).toBe(true)
  expect(isTransientNetworkError(new Error('plain'))).toBe(false)
})

test('progressReporter prints at most once per interval, with elapsed time and detail', () => {
  const clock = steppingClock()
  const lines: string[] = []
  const p = progressReporter('snapshot db-pre-v1', (l) => lines.push(l), clock, 20_000)
  p.tick('creating 10%')
  void clock.sleep(19_000)
  p.tick('creating 40%')
  void clock.sleep(2000)
  p.tick('creating 60%')
  expect(lines).toEqual(['waiting for snapshot db-pre-v1: 21.0s so far (creating 60%)'])
})

test('waitUntil polls until done and prints progress at least every 20 s', async () => {
  const clock = steppingClock()
  const lines: string[] = []
  let polls = 0
  const value = await waitUntil(async () => (++polls >= 10 ? { done: 'available' } : { detail: `poll ${polls}` }), {
    what: 'db to be available',
    timeoutMs: 600_000,
    intervalMs: 5000,
    log: (l) => lines.push(l),
    clock,
  })
  expect(value).toBe('available')
  expect(polls).toBe(10)
  expect(lines).toEqual([
    'waiting for db to be available: 20.0s so far (poll 5)',
    'waiting for db to be available: 40.0s so far (poll 9)',
  ])
})

test('waitUntil times out with what it waited for and the last state seen', async () => {
  const clock = steppingClock()
  const attempt = waitUntil(async () => ({ detail: 'status modifying' }), {
    what: 'db to be available',
    timeoutMs: 3000,
    intervalMs: 1000,
    log: () => {},
    clock,
  })
  await expect(attempt).rejects.toThrow(WaitTimeoutError)
  await expect(
    waitUntil(async () => ({ detail: 'status modifying' }), {
      what: 'db to be available',
      timeoutMs: 3000,
      intervalMs: 1000,
      log: () => {},
      clock,
    }),
  ).rejects.toThrow('timed out after 3.0s waiting for db to be available (last seen: status modifying)')
})
