import { ConfigurationError, recordInputGetter } from '@deploy-actions/kit'
import { thrownBy } from '@deploy-actions/testbed'
import { type InputIo, looksLikeInlineYaml, parseInputs } from '../../../actions/smoke-test/src/inputs.ts'

const files: Record<string, string> = {
  '/ws/smoke/checks.yml': '- name: api\n  url: https://api.example.com/health\n  expect: {json: {$.status: UP}}\n',
  '/ws/smoke/prose.txt': 'This is a note, not a list of checks.',
  '/ws/smoke/broken.yml': 'checks: [unclosed',
}
const io: InputIo = {
  cwd: '/ws',
  readFile: (path) => {
    const text = files[path]
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
    return text
  },
}
const parse = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  parseInputs(recordInputGetter(inputs), env, io)

test('defaults', () => {
  const inputs = parse({ urls: 'https://a.example.com/health' })
  expect(inputs).toMatchObject({
    timeoutMs: 300_000,
    intervalMs: 2000,
    requestTimeoutMs: 10_000,
    consecutiveSuccesses: 1,
    concurrency: 10,
    secrets: [],
    reportPath: '/ws/smoke-test-report-local.json',
  })
  expect(inputs.checks).toHaveLength(1)
  expect(inputs.checks[0]!.expect.status).toEqual([[200, 299]])
})

test('every input read and applied', () => {
  const inputs = parse(
    {
      urls: 'https://a.example.com/\nhttps://b.example.com/',
      checks: 'smoke/checks.yml',
      'expect-status': '200,204',
      'expect-body': '/ok/i',
      headers: 'Authorization: Bearer tok-123456\nX-Trace: smoke',
      timeout: '2m',
      interval: '500ms',
      'request-timeout': '3s',
      'consecutive-successes': '3',
      concurrency: '4',
    },
    { RUNNER_TEMP: '/runner/tmp', GITHUB_ACTION: 'smoke prod' },
  )
  expect(inputs).toMatchObject({
    timeoutMs: 120_000,
    intervalMs: 500,
    requestTimeoutMs: 3000,
    consecutiveSuccesses: 3,
    concurrency: 4,
    secrets: ['Bearer tok-123456', 'tok-123456'],
    reportPath: '/runner/tmp/smoke-test-report-smoke_prod.json',
  })
  expect(inputs.checks.map((c) => c.name)).toEqual(['GET https://a.example.com/', 'GET https://b.example.com/', 'api'])
  for (const c of inputs.checks) {
    expect(c.headers).toEqual({ Authorization: 'Bearer tok-123456', 'X-Trace': 'smoke' })
    expect(c.expect.status).toEqual([
      [200, 200],
      [204, 204],
    ])
    expect(String(c.expect.body)).toBe('/ok/i')
  }
  expect(inputs.checks[2]!.expect.json[0]).toMatchObject({ path: '$.status', expected: 'UP' })
})

test('inline YAML checks', () => {
  const inputs = parse({ checks: '- url: https://a.example.com/\n  expect: {status: 204}' })
  expect(inputs.checks[0]!.expect.status).toEqual([[204, 204]])
})

test.each([
  ['smoke/checks.yml', false],
  ['/abs/path/checks.yaml', false],
  ['- https://a/', true],
  ['[{url: "https://a/"}]', true],
  ['url: https://a/', true],
  ['checks:\n  - https://a/', true],
])('%j looks inline: %s', (raw, inline) => {
  expect(looksLikeInlineYaml(raw)).toBe(inline)
})

test.each([
  [{}, 'urls: at least one URL in urls (one a line) or one check in checks'],
  [
    { urls: 'not a url' },
    'urls: expected an absolute http(s) URL like https://example.com/actuator/health, got "not a url"',
  ],
  [
    { urls: 'https://a/', 'expect-status': 'abc' },
    'expect-status: expected HTTP statuses or ranges like 200-299,301, got "abc"',
  ],
  [{ urls: 'https://a/', 'expect-status': '200-99' }, 'expect-status: expected HTTP statuses or ranges'],
  [
    { urls: 'https://a/', timeout: 'forever' },
    'timeout: expected a duration like 500ms, 30s, 15m or 1h, got "forever"',
  ],
  [{ urls: 'https://a/', timeout: '0s' }, 'timeout: expected a positive duration like 500ms, 30s, 15m or 1h, got "0s"'],
  [{ urls: 'https://a/', interval: 'often' }, 'interval: expected a duration'],
  [{ urls: 'https://a/', 'request-timeout': '10' }, 'request-timeout: expected a duration'],
  [
    { urls: 'https://a/', 'consecutive-successes': '0' },
    'consecutive-successes: expected a whole number from 1 to 100, got "0"',
  ],
  [{ urls: 'https://a/', concurrency: 'many' }, 'concurrency: expected a whole number from 1 to 256, got "many"'],
  [{ urls: 'https://a/', 'expect-body': '((' }, 'expect-body: expected a regular expression'],
  [
    { checks: 'smoke/missing.yml' },
    'checks: a YAML file path (relative to the workspace) or inline YAML; the file smoke/missing.yml does not exist',
  ],
  [{ checks: 'smoke/prose.txt' }, 'checks: a YAML list of checks'],
  [{ checks: 'smoke/broken.yml' }, 'the file smoke/broken.yml is not valid YAML'],
  [{ checks: '- name: no url here' }, 'checks: check 1 ("no url here"): url is required'],
  [{ checks: '- url: https://a/\n  retries: 3' }, 'checks: check 1: unknown key "retries"'],
])('%j is rejected: %s', (raw, message) => {
  const error = thrownBy(() => parse(raw as Record<string, string>))
  expect(error).toBeInstanceOf(ConfigurationError)
  expect((error as Error).message).toContain(message)
})

test('a malformed header line is reported by number, never by its text', () => {
  let message = ''
  try {
    parse({ urls: 'https://a/', headers: 'X-Trace: 1\nAuthorization Bearer tok-secret-9' })
  } catch (e) {
    message = (e as Error).message
  }
  expect(message).toContain('headers: "Name: value" lines (line 2 is not one')
  expect(message).not.toContain('tok-secret-9')
})

test('secret-looking header names are secrets too', () => {
  const inputs = parse({
    urls: 'https://a/',
    headers: 'X-Vault-Token: vault-abc\nX-Api-Key: key-xyz1\nCookie: s=sess-1\nAccept: application/json',
  })
  expect(inputs.secrets.sort()).toEqual(['key-xyz1', 's=sess-1', 'sess-1', 'vault-abc'])
})
