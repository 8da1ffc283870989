// The bundled action (dist/smoke-test/index.js), run as the runner runs it, against real
// node:http servers on 127.0.0.1 random ports.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { type BundleRun, freePort, removeDir, runBundle, tempDir } from '@deploy-actions/testbed'

const TOKEN = 'Bearer smoke-secret-7f3a9c1e'

interface Seen {
  path: string
  headers: IncomingMessage['headers']
}

let server: Server
let base: string
const seen: Seen[] = []
const counters = new Map<string, number>()
const lateServers: Server[] = []
let workDir: string

function count(key: string): number {
  const n = (counters.get(key) ?? 0) + 1
  counters.set(key, n)
  return n
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function handle(req: IncomingMessage, res: ServerResponse) {
  const path = req.url ?? '/'
  seen.push({ path, headers: req.headers })
  const [, route, id = ''] = new URL(path, base).pathname.split('/')
  switch (route) {
    case 'ok':
      res.end('ok')
      return
    case 'flaky': // 503 twice, then 200
      if (count(path) <= 2) json(res, 503, { status: 'DOWN' })
      else json(res, 200, { status: 'UP' })
      return
    case 'health': // DOWN once, then UP (Spring /actuator/health shape)
      json(res, 200, {
        status: count(path) <= 1 ? 'DOWN' : 'UP',
        components: { db: { status: 'UP', details: { database: 'PostgreSQL' } } },
      })
      return
    case 'hang-once': // the first request never gets an answer; later ones do
      if (count(path) <= 1) return
      res.end('ok')
      return
    case 'hang':
      return
    case 'down':
      json(res, 503, { status: 'DOWN', id })
      return
    case 'moved':
      res.writeHead(301, { location: '/ok' })
      res.end()
      return
    case 'echo': // reflects the Authorization header back, as httpbin does
      res.end(`you sent authorization=${req.headers.authorization ?? ''}`)
      return
    default:
      res.writeHead(404)
      res.end('not found')
  }
}

beforeAll(async () => {
  workDir = tempDir('smoke-it')
  server = createServer(handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const s of [server, ...lateServers]) {
    s.closeAllConnections()
    await new Promise((resolve) => s.close(resolve))
  }
  removeDir(workDir)
})

function report(run: BundleRun) {
  expect(run.outputs.report).toBeTruthy()
  return JSON.parse(readFileSync(run.outputs.report!, 'utf8'))
}

function smoke(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runBundle('smoke-test', { inputs: { interval: '200ms', timeout: '20s', ...inputs }, env, timeoutMs: 60_000 })
}

test('a healthy endpoint passes at once, with all outputs, a summary table and a report', async () => {
  const run = await smoke({ urls: `${base}/ok` })
  expect(run.code).toBe(0)
  expect(run.outputs).toMatchObject({ result: 'success', passed: '1', failed: '0' })
  expect(run.outputs.report).toMatch(/smoke-test-report-.*\.json$/)
  expect(run.summary).toContain('| Check | Result | Attempts | Latency | Reason |')
  expect(run.summary).toContain(`| \`GET ${base}/ok\` | ✅ passed | 1 |`)
  expect(report(run)).toMatchObject({
    result: 'success',
    checks: [{ name: `GET ${base}/ok`, attempts: 1, status: 200 }],
  })
})

test('connection refused for 3 s, then the service comes up: retried until it passes', async () => {
  const port = await freePort()
  const late = createServer((_req, res) => res.end('finally'))
  lateServers.push(late)
  const timer = setTimeout(() => late.listen(port, '127.0.0.1'), 3000)
  try {
    const run = await smoke({ urls: `http://127.0.0.1:${port}/`, 'expect-body': 'finally' })
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('success')
    expect(run.stdout).toContain('connection refused; retrying in')
    const r = report(run)
    expect(r.checks[0].attempts).toBeGreaterThan(1)
    expect(r.checks[0].elapsedMs).toBeGreaterThanOrEqual(2500)
  } finally {
    clearTimeout(timer)
  }
})

test('503 twice, then 200: passes on the third attempt', async () => {
  const run = await smoke({ urls: `${base}/flaky/a` })
  expect(run.code).toBe(0)
  expect(report(run).checks[0]).toMatchObject({ result: 'passed', attempts: 3, status: 200 })
  expect(run.stdout).toContain('attempt 1: HTTP 503 (expected 200-299): {"status":"DOWN"}')
  expect(seen.filter((s) => s.path === '/flaky/a')).toHaveLength(3)
})

test('{"status":"DOWN"} then UP: JSON path assertions retried until they hold', async () => {
  const checks = join(workDir, 'checks.yml')
  writeFileSync(
    checks,
    [
      '- name: actuator health',
      `  url: ${base}/health/b`,
      '  expect:',
      '    status: 200',
      '    json:',
      '      $.status: UP',
      '      $.components.db.details.database: PostgreSQL',
      '    max-latency: 5s',
    ].join('\n'),
  )
  const run = await smoke({ checks })
  expect(run.code).toBe(0)
  expect(run.stdout).toContain('actuator health: attempt 1: $.status is "DOWN" (expected "UP")')
  expect(report(run).checks[0]).toMatchObject({ name: 'actuator health', result: 'passed', attempts: 2 })
  expect(run.summary).toContain('| actuator health<br>')
})

test('a request that hangs past request-timeout is aborted and retried; one that always hangs fails', async () => {
  const run = await smoke({
    checks: `- url: ${base}/hang-once/c\n- name: stuck\n  url: ${base}/hang`,
    'request-timeout': '1s',
    timeout: '4s',
  })
  expect(run.code).toBe(1)
  expect(run.outputs).toMatchObject({ result: 'failure', passed: '1', failed: '1' })
  const r = report(run)
  expect(r.checks[0]).toMatchObject({ result: 'passed', attempts: 2 })
  expect(r.checks[1]).toMatchObject({ name: 'stuck', result: 'failed', failure: 'timeout' })
  expect(r.checks[1].reason).toMatch(/^deadline of 4\.0s reached after \d+ attempts; last: no answer within/)
  expect(run.summary).toMatch(/\| stuck<br>`GET [^`]+` \| ❌ failed \| \d+ \|\s*\| deadline of 4\.0s reached/)
})

test('never healthy: fails by the deadline, the reason in the summary, result=failure', async () => {
  const run = await smoke({ urls: `${base}/down/d`, timeout: '3s', 'consecutive-successes': '2' })
  expect(run.code).toBe(1)
  expect(run.outputs).toMatchObject({ result: 'failure', passed: '0', failed: '1' })
  expect(run.summary).toContain('❌ Smoke test failed: 1 of 1 checks failed')
  expect(run.summary).toMatch(
    /❌ failed \| \d+ \| \d+ms \| deadline of 3\.0s reached after \d+ attempts; last: HTTP 503/,
  )
  expect(run.stdout).toMatch(/::error::1 of 1 smoke checks failed \(first: GET \S+\/down\/d: deadline of 3\.0s reached/)
  const r = report(run)
  expect(r).toMatchObject({ result: 'failure', passed: 0, failed: 1 })
  // Stopped by its deadline, not by the 60 s a stuck server would allow (margin for a loaded runner).
  expect(r.durationMs).toBeLessThanOrEqual(3000 + 4000)
})

test('a redirect is followed, unless a 3xx is what the check expects', async () => {
  const run = await smoke({
    checks: `- name: followed\n  url: ${base}/moved\n  expect: {body: ok}\n- name: seen\n  url: ${base}/moved\n  expect: {status: 301}`,
  })
  expect(run.code).toBe(0)
  expect(report(run).checks.map((c: { status: number }) => c.status)).toEqual([200, 301])
})

test('consecutive-successes: a passing check is asked that many times', async () => {
  const run = await smoke({ urls: `${base}/ok?streak`, 'consecutive-successes': '3' })
  expect(run.code).toBe(0)
  expect(report(run).checks[0]).toMatchObject({ attempts: 3, reason: 'HTTP 200, 3 in a row' })
})

test('an Authorization value never appears in the log, the summary or the report', async () => {
  const run = await smoke({
    urls: `${base}/ok?auth`,
    checks: `- name: echo\n  url: ${base}/echo\n  expect: {body: "nothing like this"}`,
    headers: `Authorization: ${TOKEN}\nX-Trace: smoke-it`,
    timeout: '2s',
  })
  expect(run.code).toBe(1)
  // the header was sent…
  const sent = seen.filter((s) => s.path === '/echo' || s.path === '/ok?auth')
  expect(sent.length).toBeGreaterThanOrEqual(2)
  for (const s of sent) expect(s.headers.authorization).toBe(TOKEN)
  // …registered with the runner as a secret (the runner consumes ::add-mask:: lines, never shows them)…
  expect(run.stdout).toContain(`::add-mask::${TOKEN}`)
  const shown = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
  // …and never printed, even where the server echoed it back into a failure reason.
  expect(shown).toContain('body does not match /nothing like this/: you sent authorization=***')
  const reportText = readFileSync(run.outputs.report!, 'utf8')
  for (const text of [shown, run.stderr, run.summary, reportText]) {
    expect(text).not.toContain('smoke-secret-7f3a9c1e')
  }
  expect(JSON.parse(reportText).checks[0].headers).toEqual({ Authorization: '***', 'X-Trace': 'smoke-it' })
})

test.each([
  ['a malformed URL', { urls: 'http//missing-colon/health' }, 'urls: expected an absolute http(s) URL'],
  [
    'expect-status: abc',
    { 'expect-status': 'abc' },
    'expect-status: expected HTTP statuses or ranges like 200-299,301, got "abc"',
  ],
  [
    'timeout: forever',
    { timeout: 'forever' },
    'timeout: expected a duration like 500ms, 30s, 15m or 1h, got "forever"',
  ],
  [
    'a missing checks file',
    { checks: 'no/such/checks.yml' },
    'checks: a YAML file path (relative to the workspace) or inline YAML; the file no/such/checks.yml does not exist',
  ],
  [
    'a checks file that is not YAML',
    { checks: 'NOT_YAML' },
    'checks: a YAML list of checks (each: name, url, method, headers, body, expect: {status, json, body, max-latency}), inline or as a file path; the file NOT_YAML is not valid YAML',
  ],
  [
    'a check without url',
    { checks: '- name: nameless\n  method: GET' },
    'checks: check 1 ("nameless"): url is required',
  ],
  [
    'an unknown key in a check',
    { checks: `- url: BASE/canary\n  retries: 3` },
    'checks: check 1: unknown key "retries"; accepted keys: name, url, method, headers, body, expect',
  ],
])('bad input (%s) fails with exit code 1 before any request', async (_, bad, message) => {
  const notYaml = join(workDir, 'not-yaml.yml')
  writeFileSync(notYaml, 'checks: [\n  - url: {{ broken\n')
  const inputs: Record<string, string> = { urls: `${base}/canary`, ...bad }
  for (const [k, v] of Object.entries(inputs)) inputs[k] = v.replace('BASE', base).replace('NOT_YAML', notYaml)
  const before = seen.length
  const run = await smoke(inputs)
  expect(run.code).toBe(1)
  expect(run.stdout).toContain(`::error::Invalid input ${message.replace('NOT_YAML', notYaml)}`)
  expect(seen.slice(before).filter((s) => s.path.startsWith('/canary'))).toEqual([])
  expect(run.outputs.result).toBeUndefined()
  expect(existsSync(join(run.env.RUNNER_TEMP!, 'smoke-test-report-local.json'))).toBe(false)
})
