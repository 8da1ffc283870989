import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Probe } from '@deploy-actions/http-check'
import { limiter, recordInputGetter, recordingLogger } from '@deploy-actions/kit'
import { parseInputs } from '../../../actions/smoke-test/src/inputs.ts'
import { run } from '../../../actions/smoke-test/src/main.ts'
import { writeReportFile } from '../../../actions/smoke-test/src/ports.ts'
import { newReport, outputsOf, renderSummary } from '../../../actions/smoke-test/src/report.ts'
import { virtualClock } from './virtual-clock.ts'

const TOKEN = 'Bearer tok-0123456789'
let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'smoke-main-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('report, summary and log: outcomes for every check, and never a secret value', async () => {
  const inputs = parseInputs(
    recordInputGetter({
      urls: 'http://svc/ok',
      checks: '- name: echo\n  url: http://user:pa55word@svc/echo\n  expect: {json: {$.status: UP}}',
      headers: `Authorization: ${TOKEN}`,
      timeout: '10s',
      interval: '1s',
    }),
    { RUNNER_TEMP: dir, GITHUB_ACTION: 'smoke' },
  )
  expect(inputs.secrets).toEqual(expect.arrayContaining([TOKEN, 'pa55word']))
  const v = virtualClock()
  // The echo endpoint reflects the request headers into its body, as httpbin does.
  const probe: Probe = async (check) => {
    await v.clock.sleep(7)
    return check.name === 'echo'
      ? {
          ok: false,
          kind: 'json',
          reason: `body is not JSON: Authorization=${check.headers.Authorization}`,
          status: 200,
          latencyMs: 7,
        }
      : { ok: true, status: 200, latencyMs: 7 }
  }
  const log = recordingLogger()
  const r = newReport(inputs)
  await expect(
    v.drive(run(inputs, { log, probe, clock: v.clock, random: () => 0.5, writeFile: writeReportFile }, r)),
  ).rejects.toThrow('1 of 2 smoke checks failed (first: echo: deadline of 10.0s reached')
  const result = { ...outputsOf(r), summary: renderSummary(r) }

  expect(result).toMatchObject({
    result: 'failure',
    passed: '1',
    failed: '1',
    report: join(dir, 'smoke-test-report-smoke.json'),
  })
  const reportText = readFileSync(outputsOf(r).report ?? '', 'utf8')
  const report = JSON.parse(reportText)
  expect(report).toMatchObject({ result: 'failure', passed: 1, failed: 1, total: 2 })
  expect(report.checks[0]).toMatchObject({
    name: 'GET http://svc/ok',
    result: 'passed',
    attempts: 1,
    status: 200,
    latencyMs: 7,
  })
  expect(report.checks[1]).toMatchObject({
    name: 'echo',
    result: 'failed',
    failure: 'json',
    url: 'http://user:***@svc/echo',
  })
  expect(report.checks[1].reason).toContain('deadline of 10.0s reached')
  expect(report.checks[1].headers).toEqual({ Authorization: '***' })

  expect(result.summary).toContain('| Check | Result | Attempts | Latency | Reason |')
  expect(result.summary).toContain('❌ Smoke test failed: 1 of 2 checks failed')
  expect(result.summary).toMatch(
    /\| echo<br>`GET http:\/\/user:\*\*\*@svc\/echo` \| ❌ failed \| \d+ \| 7ms \| deadline of 10\.0s reached/,
  )

  for (const text of [reportText, result.summary, log.lines.join('\n')]) {
    expect(text).not.toContain('tok-0123456789')
    expect(text).not.toContain('pa55word')
  }
  expect(log.lines.some((l) => l.includes('Authorization=***'))).toBe(true)
})

test('all passing gives success', async () => {
  const inputs = parseInputs(recordInputGetter({ urls: 'http://svc/a\nhttp://svc/b' }), { RUNNER_TEMP: dir })
  const v = virtualClock()
  const r = newReport(inputs)
  await v.drive(
    run(
      inputs,
      {
        log: recordingLogger(),
        clock: v.clock,
        probe: async () => ({ ok: true, status: 204, latencyMs: 1 }),
        writeFile: writeReportFile,
      },
      r,
    ),
  )
  expect(outputsOf(r)).toMatchObject({ result: 'success', passed: '2', failed: '0' })
  expect(renderSummary(r)).toContain('✅ Smoke test passed: 2 of 2 checks')
})

test('limiter: at most max at once, FIFO, errors release the slot', async () => {
  const limit = limiter(2)
  const order: string[] = []
  let active = 0
  let peak = 0
  const task = (name: string, fail = false) =>
    limit(async () => {
      active++
      peak = Math.max(peak, active)
      order.push(name)
      await new Promise((r) => setTimeout(r, 5))
      active--
      if (fail) throw new Error(name)
      return name
    })
  const results = await Promise.allSettled([task('a', true), task('b'), task('c'), task('d')])
  expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled'])
  expect(order).toEqual(['a', 'b', 'c', 'd'])
  expect(peak).toBe(2)
  expect(() => limiter(0)).toThrow('limiter: max must be a positive integer')
})
