// Issue-14 probes through the bundle (dist/smoke-test/index.js, run as the runner runs it) against
// real node:http servers on 127.0.0.1: injection, secrets, URL credentials, cancellation.

import { existsSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type BundleRun, runBundle } from '@deploy-actions/testbed'

interface Seen {
  origin: string
  path: string
  headers: IncomingMessage['headers']
}

const seen: Seen[] = []
const servers: Server[] = []
let base: string
let other: string
const hangClosed: number[] = []

async function serve(name: string, handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    seen.push({ origin: name, path: req.url ?? '/', headers: req.headers })
    handle(req, res)
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

beforeAll(async () => {
  base = await serve('main', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/ok') return void res.end('ok')
    if (path === '/inject') {
      res.writeHead(503)
      return void res.end('\n::error::injected-by-body ##[warning]injected-v1')
    }
    if (path === '/hang') {
      // Never answers; records when the client gives up on the request.
      req.socket.on('close', () => hangClosed.push(Date.now()))
      return
    }
    if (path === '/echo-token') {
      // An API that quotes the credential it refused, without its scheme: "invalid token <tok>".
      const auth = String(req.headers.authorization ?? '').replace(/^Bearer /, '')
      const cookie = String(req.headers.cookie ?? '').replace(/^.*session=/, '')
      res.writeHead(401, { 'content-type': 'text/plain' })
      return void res.end(`invalid token ${auth}; unknown session ${cookie}`)
    }
    if (path === '/away') {
      res.writeHead(302, { location: `${other}/landing` })
      return void res.end()
    }
    res.writeHead(404)
    res.end()
  })
  other = await serve('other', (_req, res) => res.end('landed'))
})

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections()
    await new Promise((resolve) => s.close(resolve))
  }
})

function smoke(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runBundle('smoke-test', { inputs: { interval: '200ms', timeout: '20s', ...inputs }, env, timeoutMs: 60_000 })
}

/**
 * Workflow commands that carry `marker` in their name or start their data with it (a command of
 * ours with the text escaped in its data is fine), and lines the runner would read in the older
 * `##[name]` form.
 */
function injected(run: BundleRun, marker: string): string[] {
  const own = new RegExp(`^\\s*::[\\w-]+(?:\\s[^:]*)?::${marker}`)
  return run.stdout
    .split(/\r\n|\r|\n/)
    .filter((l) => (own.test(l) || (!/^\s*::/.test(l) && l.includes('##['))) && l.includes(marker))
}

describe('injection (issue 14, item 5)', () => {
  test('a check name or a response body with a newline cannot start a workflow command', async () => {
    const run = await smoke({
      checks: [
        `- name: "ok\\n::warning::injected-by-name\\n##[add-mask]injected-v1-name"`,
        `  url: ${base}/ok`,
        `- name: "body"`,
        `  url: ${base}/inject`,
      ].join('\n'),
      timeout: '2s',
    })
    expect(run.code).toBe(1)
    // The texts were printed (readable, zero-width spaces aside)…
    const plain = run.stdout.replace(/\u200b/g, '')
    expect(plain).toContain('::warning::injected-by-name')
    expect(plain).toContain('##[warning]injected-v1')
    // …but no line the runner reads as a command carries them.
    expect(injected(run, 'injected')).toEqual([])
    expect(run.stdout).toMatch(/^::error::1 of 2 smoke checks failed/m) // our own failure line is still one
  })
})

describe('cancellation (issue 14, item 9)', () => {
  test('SIGINT while a request hangs: the request is aborted, outputs, report, summary and a left: line are written', async () => {
    const run = await runBundle('smoke-test', {
      inputs: { checks: `- name: fine\n  url: ${base}/ok\n- name: stuck\n  url: ${base}/hang`, timeout: '5m' },
      timeoutMs: 60_000,
      cancelWhen: (out) => out.includes('✓ fine'),
    })
    expect(run.signalsSent).toEqual(['SIGINT']) // stopped on SIGINT; SIGTERM was never due
    expect(run.code).toBe(1)
    expect(hangClosed.length).toBeGreaterThanOrEqual(1) // the hanging request was aborted, not left open
    expect(run.outputs).toMatchObject({ result: 'failure', passed: '1', failed: '1' })
    expect(existsSync(run.outputs.report!)).toBe(true)
    const report = JSON.parse(readFileSync(run.outputs.report!, 'utf8'))
    expect(report.checks[1]).toMatchObject({ name: 'stuck', result: 'failed', failure: 'cancelled' })
    expect(report.checks[1].reason).toMatch(/^cancelled after 1 attempt; last: request aborted: the job was cancelled/)
    expect(run.summary).toContain('❌ Smoke test failed: 1 of 2 checks failed')
    const left = `nothing changed (a smoke test only sends requests); 1 of 2 checks passed, report at ${run.outputs.report}; a re-run tests every check again`
    expect(run.stdout).toMatch(/^::error::cancelled \(SIGINT\) \(left: nothing changed/m)
    expect(run.stdout.split('\n')).toContain(`left: ${left}`)
  })
})

describe('secrets (issue 14, item 1)', () => {
  const TOKEN = 'tok-4f9a2c71e0'
  const SESSION = 'sess-77ab0c91'
  test('a server echoing the bare token or a cookie value: masked first, never in the log, summary or report', async () => {
    const run = await smoke({
      urls: `${base}/echo-token`,
      headers: `Authorization: Bearer ${TOKEN}\nCookie: theme=dark; session=${SESSION}`,
      timeout: '2s',
    })
    expect(run.code).toBe(1)
    const lines = run.stdout.split('\n')
    // Every part is registered with the runner before anything else is printed.
    const masks = lines.filter((l) => l.startsWith('::add-mask::'))
    expect(masks).toEqual(expect.arrayContaining([`::add-mask::${TOKEN}`, `::add-mask::${SESSION}`]))
    const firstOther = lines.findIndex((l) => !l.startsWith('::add-mask::'))
    expect(lines.slice(firstOther).some((l) => l.startsWith('::add-mask::'))).toBe(false)
    const shown = lines.slice(firstOther).join('\n')
    expect(shown).toContain('invalid token ***; unknown session ***')
    const reportText = readFileSync(run.outputs.report!, 'utf8')
    for (const text of [shown, run.stderr, run.summary, reportText]) {
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(SESSION)
    }
  })
})

describe('URL credentials (issue 14, item 3)', () => {
  test.each([
    ['a malformed URL', 'http//user:s3cretpw@127.0.0.1/health', 'http//user:s3cretpw'],
    ['a # in the password', 'http://app:pa#s3cretpw@127.0.0.1/', 's3cretpw'],
    ['a / and ? in the password', 'http://app:s3/cr?etpw@127.0.0.1/', 's3/cr?etpw'],
    ['another scheme', 'ftp://app:s3cretpw@127.0.0.1/', 's3cretpw'],
  ])('a rejected URL (%s) is quoted with its userinfo replaced', async (_name, url, secret) => {
    const run = await smoke({ urls: url })
    expect(run.code).toBe(1)
    const error = run.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? ''
    expect(error).toMatch(
      /^::error::Invalid input urls: expected an absolute http\(s\) URL .*, got ".*\*\*\*@127\.0\.0\.1/,
    )
    expect(run.stdout + run.stderr).not.toContain(secret)
  })
})

describe('secret headers across origins (issue 14, item 2)', () => {
  const headers = [
    'Authorization: Bearer tok-cross-0001',
    'X-Api-Key: key-cross-0002',
    'X-Vault-Token: vault-cross-0003',
    'X-Trace: trace-1',
    'Accept: text/plain',
  ].join('\n')

  test('a redirect to another origin carries none of the headers the user set, except the safe ones', async () => {
    const before = seen.length
    const run = await smoke({ checks: `- url: ${base}/away\n  expect: {body: landed}`, headers })
    expect(run.code).toBe(0)
    const hops = seen.slice(before)
    const first = hops.find((h) => h.origin === 'main')!
    expect(first.headers['x-api-key']).toBe('key-cross-0002') // the check's own origin gets them all
    const landed = hops.find((h) => h.origin === 'other')!
    expect(landed.path).toBe('/landing')
    expect(landed.headers.accept).toBe('text/plain')
    for (const name of ['authorization', 'x-api-key', 'x-vault-token', 'x-trace'])
      expect(landed.headers[name]).toBeUndefined()
  })

  test('cross-origin-redirect: refuse fails the check naming the origin, and never contacts it', async () => {
    const before = seen.length
    const run = await smoke({ urls: `${base}/away`, headers, 'cross-origin-redirect': 'refuse', timeout: '1s' })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`redirected to another origin, ${other} (HTTP 302); cross-origin-redirect is refuse`)
    expect(seen.slice(before).filter((h) => h.origin === 'other')).toEqual([])
  })
})
