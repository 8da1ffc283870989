import type { Attempt, Check, Probe } from '@deploy-actions/http-check'
import { parseStatusSet } from '@deploy-actions/kit'
import { checksFromUrls } from '../../../actions/smoke-test/src/checks.ts'
import { runChecks, type ScheduleOptions } from '../../../actions/smoke-test/src/schedule.ts'
import { virtualClock } from './virtual-clock.ts'

const defaults = { status: parseStatusSet('x', ''), headers: {} }
const checks = (n: number) =>
  checksFromUrls(Array.from({ length: n }, (_, i) => `http://svc/${i}`).join('\n'), defaults)

const ok = (latencyMs = 10): Attempt => ({ ok: true, status: 200, latencyMs })
const refused: Attempt = { ok: false, kind: 'network', reason: 'connection refused' }
const unavailable: Attempt = {
  ok: false,
  kind: 'status',
  reason: 'HTTP 503 (expected 200-299)',
  status: 503,
  latencyMs: 3,
}

/** A probe answering from a script per check (the last entry repeats), taking `latencyMs` of virtual time. */
function scripted(clock: ReturnType<typeof virtualClock>['clock'], script: Attempt[], latencyMs = 10) {
  const calls: Array<{ name: string; at: number; timeoutMs: number }> = []
  const count = new Map<string, number>()
  const probe: Probe = async (check: Check, timeoutMs: number) => {
    calls.push({ name: check.name, at: clock.now(), timeoutMs })
    const i = count.get(check.name) ?? 0
    count.set(check.name, i + 1)
    const answer = script[Math.min(i, script.length - 1)]!
    await clock.sleep(answer.ok ? Math.min(latencyMs, timeoutMs) : Math.min(latencyMs, timeoutMs))
    return answer
  }
  return { probe, calls }
}

function setup(over: Partial<ScheduleOptions> = {}) {
  const v = virtualClock()
  const lines: string[] = []
  const options: ScheduleOptions = {
    timeoutMs: 60_000,
    intervalMs: 1000,
    requestTimeoutMs: 5000,
    consecutiveSuccesses: 1,
    concurrency: 10,
    clock: v.clock,
    random: () => 0, // backoff = half of each exponential step: 500, 1000, 2000, …
    log: (l) => void lines.push(l),
    ...over,
  }
  return { v, lines, options }
}

test('a healthy check passes on the first attempt', async () => {
  const { v, lines, options } = setup()
  const { probe } = scripted(v.clock, [ok(12)])
  const [outcome] = await v.drive(runChecks(checks(1), probe, options))
  expect(outcome).toMatchObject({ passed: true, attempts: 1, status: 200, latencyMs: 12, reason: 'HTTP 200' })
  expect(lines).toEqual(['✓ GET http://svc/0: HTTP 200 in 12ms'])
})

test('failures back off exponentially (with jitter from the injected random) until a success', async () => {
  const { v, lines, options } = setup()
  const { probe, calls } = scripted(v.clock, [refused, refused, unavailable, unavailable, ok()], 0)
  const [outcome] = await v.drive(runChecks(checks(1), probe, options))
  expect(outcome).toMatchObject({ passed: true, attempts: 5 })
  expect(calls.map((c) => c.at - calls[0]!.at)).toEqual([0, 500, 1500, 3500, 7500])
  expect(lines.slice(0, 2)).toEqual([
    '✗ GET http://svc/0: attempt 1: connection refused; retrying in 500ms',
    '✗ GET http://svc/0: attempt 2: connection refused; retrying in 1.0s',
  ])
})

test('jitter: a random of 1 gives the full exponential step, capped by maxDelayMs', async () => {
  const { v, options } = setup({ random: () => 1, maxDelayMs: 3000 })
  const { probe, calls } = scripted(v.clock, [refused, refused, refused, refused, ok()], 0)
  await v.drive(runChecks(checks(1), probe, options))
  expect(calls.map((c) => c.at - calls[0]!.at)).toEqual([0, 1000, 3000, 6000, 9000])
})

test('consecutive successes: a failure resets the streak; successes are spaced by the interval', async () => {
  const { v, options } = setup({ consecutiveSuccesses: 3 })
  const { probe, calls } = scripted(v.clock, [ok(), ok(), unavailable, ok(), ok(), ok()], 0)
  const [outcome] = await v.drive(runChecks(checks(1), probe, options))
  expect(outcome).toMatchObject({ passed: true, attempts: 6, reason: 'HTTP 200, 3 in a row' })
  expect(calls.map((c) => c.at - calls[0]!.at)).toEqual([0, 1000, 2000, 2500, 3500, 4500])
})

test('never healthy: fails by the deadline with the last reason', async () => {
  const { v, options } = setup({ timeoutMs: 20_000 })
  const { probe, calls } = scripted(v.clock, [unavailable])
  const [outcome] = await v.drive(runChecks(checks(1), probe, options))
  expect(outcome!.passed).toBe(false)
  expect(outcome!.kind).toBe('status')
  expect(outcome!.reason).toMatch(
    /^deadline of 20\.0s reached after \d+ attempts; last: HTTP 503 \(expected 200-299\)$/,
  )
  expect(outcome!.attempts).toBe(calls.length)
  // it gives up no later than the deadline, and not long before it
  expect(v.elapsed()).toBeLessThanOrEqual(20_000)
  expect(v.elapsed()).toBeGreaterThanOrEqual(18_000)
})

test('a request never gets more time than is left before the deadline', async () => {
  const { v, options } = setup({ timeoutMs: 12_000, requestTimeoutMs: 5000, intervalMs: 100 })
  const timeout: Attempt = { ok: false, kind: 'timeout', reason: 'no answer within 5.0s' }
  const { probe, calls } = scripted(v.clock, [timeout], 5000)
  const [outcome] = await v.drive(runChecks(checks(1), probe, options))
  expect(outcome!.passed).toBe(false)
  const started = calls[0]!.at
  for (const c of calls) expect(c.at - started + c.timeoutMs).toBeLessThanOrEqual(12_000)
  expect(calls.at(-1)!.timeoutMs).toBeLessThan(5000)
})

test('only a streak short of consecutive-successes by the deadline is a failure that says so', async () => {
  const { v, options } = setup({ timeoutMs: 3500, consecutiveSuccesses: 5, intervalMs: 1000 })
  const { probe } = scripted(v.clock, [ok()], 0)
  const [outcome] = await v.drive(runChecks(checks(1), probe, options))
  expect(outcome!.passed).toBe(false)
  expect(outcome!.reason).toMatch(
    /^deadline of 3\.5s reached after 4 attempts, 4 of 5 consecutive successes; last: HTTP 200$/,
  )
})

test('concurrency bounds the requests in flight, not the checks waiting to retry', async () => {
  const { v, options } = setup({ concurrency: 3 })
  let inFlight = 0
  let peak = 0
  const seen = new Map<string, number>()
  const probe: Probe = async (check) => {
    inFlight++
    peak = Math.max(peak, inFlight)
    await v.clock.sleep(50)
    inFlight--
    const n = (seen.get(check.name) ?? 0) + 1
    seen.set(check.name, n)
    return n < 3 ? unavailable : ok()
  }
  const outcomes = await v.drive(runChecks(checks(20), probe, options))
  expect(outcomes.every((o) => o.passed && o.attempts === 3)).toBe(true)
  expect(peak).toBe(3)
})

test('progress lines while checks are pending, naming what is awaited', async () => {
  const { v, lines, options } = setup({ timeoutMs: 90_000, progressEveryMs: 20_000, intervalMs: 5000 })
  const { probe } = scripted(v.clock, [unavailable, unavailable, unavailable, unavailable, unavailable, ok()])
  await v.drive(runChecks(checks(2), probe, options))
  const progress = lines.filter((l) => l.startsWith('waiting for smoke checks'))
  expect(progress.length).toBeGreaterThanOrEqual(2)
  expect(progress[0]).toMatch(
    /^waiting for smoke checks: 20\.0s so far \(2 of 2 pending, GET http:\/\/svc\/0: HTTP 503 \(expected 200-299\) \(attempt \d\)/,
  )
})

test('outcomes keep the order of the checks', async () => {
  const { v, options } = setup()
  const list = checks(5)
  const probe: Probe = async (check) => {
    await v.clock.sleep(100 - Number(check.url.at(-1)) * 10)
    return ok()
  }
  const outcomes = await v.drive(runChecks(list, probe, options))
  expect(outcomes.map((o) => o.check.name)).toEqual(list.map((c) => c.name))
})
