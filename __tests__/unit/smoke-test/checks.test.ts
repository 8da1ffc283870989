// smoke-test's side of the checks: the `urls` input, unique names, and what is never printed.
import { type CheckDefaults, checksFromYaml } from '@deploy-actions/http-check'
import { parseStatusSet, REDACTED } from '@deploy-actions/kit'
import { checksFromUrls, printableHeaders, secretsOf, uniqueNames } from '../../../actions/smoke-test/src/checks.ts'

const defaults: CheckDefaults = { status: parseStatusSet('expect-status', ''), headers: { 'X-Trace': 'smoke' } }

test('urls give one GET check per URL, named method + URL, with the defaults', () => {
  const checks = checksFromUrls(
    'https://a.example.com/health\nhttps://b.example.com/, https://c.example.com/x',
    defaults,
  )
  expect(checks.map((c) => c.name)).toEqual([
    'GET https://a.example.com/health',
    'GET https://b.example.com/',
    'GET https://c.example.com/x',
  ])
  expect(checks[0]).toMatchObject({ method: 'GET', headers: { 'X-Trace': 'smoke' }, expect: { status: [[200, 299]] } })
})

test('a URL password is hidden in names and reported as a secret', () => {
  const [check] = checksFromUrls('https://user:hunter22@a.example.com/h', defaults)
  expect(check!.name).toBe(`GET https://user:${REDACTED}@a.example.com/h`)
  expect(secretsOf([check!])).toContain('hunter22')
})

test.each([
  ['not a url', 'urls: expected an absolute http(s) URL like https://example.com/actuator/health, got "not a url"'],
  ['ftp://example.com/x', 'urls: expected an absolute http(s) URL'],
  ['example.com/health', 'urls: expected an absolute http(s) URL'],
])('urls %j is rejected', (raw, message) => {
  expect(() => checksFromUrls(raw, defaults)).toThrow(message)
})

test('a YAML check: its secret header is a secret, printed redacted', () => {
  const [check] = checksFromYaml(
    `
- name: api health
  url: https://api.example.com/actuator/health
  headers:
    Authorization: Bearer abc123
    X-Trace: mine
`,
    defaults,
  )
  expect(secretsOf([check!])).toEqual(['Bearer abc123', 'abc123'])
  expect(printableHeaders(check!.headers).Authorization).toBe(REDACTED)
})

test('duplicate names are made unique', () => {
  const checks = uniqueNames(checksFromUrls('https://a/\nhttps://a/\nhttps://a/', defaults))
  expect(checks.map((c) => c.name)).toEqual(['GET https://a/', 'GET https://a/ #2', 'GET https://a/ #3'])
})
