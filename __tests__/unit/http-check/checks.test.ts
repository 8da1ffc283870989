// The check model of @deploy-actions/http-check: YAML check entries, regexes, and the evaluation
// of one answer (status, JSON paths, body, latency).

import {
  type CheckDefaults,
  checksFromYaml,
  type Expectation,
  evaluate,
  expectsRedirect,
  jsonEquals,
  parseJsonPath,
  parseRegex,
} from '@deploy-actions/http-check'
import { ConfigurationError, parseStatusSet } from '@deploy-actions/kit'
import { thrownBy } from '@deploy-actions/testbed'

const defaults: CheckDefaults = { status: parseStatusSet('expect-status', ''), headers: { 'X-Trace': 'smoke' } }

test('a full check from YAML', () => {
  const [check] = checksFromYaml(
    `
- name: api health
  url: https://api.example.com/actuator/health
  method: post
  headers:
    Authorization: Bearer abc123
    X-Trace: mine
  body: {ping: true}
  expect:
    status: [200, 204]
    json:
      $.status: UP
      components.db.status: UP
      $.items[0]: 1
    body: /up/i
    max-latency: 750ms
`,
    defaults,
  )
  expect(check).toMatchObject({
    name: 'api health',
    method: 'POST',
    url: 'https://api.example.com/actuator/health',
    headers: { Authorization: 'Bearer abc123', 'X-Trace': 'mine', 'Content-Type': 'application/json' },
    body: '{"ping":true}',
    expect: {
      status: [
        [200, 200],
        [204, 204],
      ],
      maxLatencyMs: 750,
    },
  })
  expect(check!.expect.json.map((a) => [a.path, a.expected])).toEqual([
    ['$.status', 'UP'],
    ['$.components.db.status', 'UP'],
    ['$.items[0]', 1],
  ])
  expect(check!.expect.body?.flags).toBe('i')
})

test.each([
  [
    'a plain list of URLs',
    '- https://a.example.com/\n- https://b.example.com/',
    ['GET https://a.example.com/', 'GET https://b.example.com/'],
  ],
  ['a checks: key', 'checks:\n  - url: https://a.example.com/', ['GET https://a.example.com/']],
  ['one mapping', 'url: https://a.example.com/\nmethod: HEAD', ['HEAD https://a.example.com/']],
  ['flow style', '[{url: "https://a.example.com/", expect: {status: "200-399"}}]', ['GET https://a.example.com/']],
  ['headers as lines', '- url: https://a.example.com/\n  headers: "X-A: 1"', ['GET https://a.example.com/']],
])('YAML checks as %s', (_, yaml, names) => {
  expect(checksFromYaml(yaml, defaults).map((c) => c.name)).toEqual(names)
})

test.each([
  ['not YAML', 'url: [unclosed', 'checks: a YAML list of checks'],
  ['not a list', 'just some words', 'is not a non-empty list'],
  ['an empty list', '[]', 'is not a non-empty list'],
  ['a check without url', '- name: api\n  method: GET', 'checks: check 1 ("api"): url is required'],
  ['an empty url', '- url: ""', 'checks: check 1: url is required'],
  ['a bad url', '- url: nope', 'checks: check 1: url: expected an absolute http(s) URL'],
  [
    'an unknown key',
    '- url: https://a/\n  timeout: 5s',
    'checks: check 1: unknown key "timeout"; accepted keys: name, url, method, headers, body, expect',
  ],
  [
    'an unknown expect key',
    '- url: https://a/\n  expect: {statuses: 200}',
    'expect: unknown key "statuses"; accepted keys: status, json, body, max-latency',
  ],
  [
    'a bad method',
    '- url: https://a/\n  method: FETCH',
    'method: expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"',
  ],
  [
    'a bad status',
    '- url: https://a/\n  expect: {status: abc}',
    'checks: check 1: expect.status: expected HTTP statuses or ranges like 200-299,301, got "abc"',
  ],
  ['a bad JSON path', '- url: https://a/\n  expect: {json: {"$..x": 1}}', 'expect.json: "$..x" is not a JSON path'],
  [
    'json not a mapping',
    '- url: https://a/\n  expect: {json: [1]}',
    'expect.json: expected a mapping of JSON path to value',
  ],
  [
    'a bad regex',
    '- url: https://a/\n  expect: {body: "(("}',
    'checks: check 1: expect.body: expected a regular expression',
  ],
  [
    'a bad latency',
    '- url: https://a/\n  expect: {max-latency: soon}',
    'expect.max-latency: expected a duration like 500ms or 2s, got "soon"',
  ],
  ['a bad header name', '- url: https://a/\n  headers: {"Bad Name": x}', 'headers: "Bad Name" is not a header name'],
  [
    'a nested header value',
    '- url: https://a/\n  headers: {X-A: {b: 1}}',
    'headers: the value of X-A must be a string',
  ],
  [
    'a body on a GET',
    '- url: https://a/\n  body: hello',
    'checks: check 1: body: a GET request cannot have a body; set method: POST',
  ],
  ['the second check bad', '- url: https://a/\n- url: https://b/\n  foo: 1', 'checks: check 2: unknown key "foo"'],
])('YAML with %s is rejected', (_, yaml, message) => {
  const error = thrownBy(() => checksFromYaml(yaml, defaults))
  expect(error).toBeInstanceOf(ConfigurationError)
  expect((error as Error).message).toContain(message)
  expect((error as Error).message.startsWith('checks')).toBe(true)
})

test.each([
  ['up', undefined],
  ['/UP/i', 'i'],
  ['/a/gy', ''],
])('regex %j', (raw, flags) => {
  const re = parseRegex('expect-body', raw)
  if (flags !== undefined) expect(re.flags).toBe(flags)
  expect(re.test('status: UP') || re.test('up') || re.test('a')).toBe(true)
})

const expectation = (over: Partial<Expectation> = {}): Expectation => ({
  status: parseStatusSet('x', '200-299'),
  json: [],
  ...over,
})
const json = (path: string, expected: unknown) => ({ path, segments: parseJsonPath(path)!, expected })

test.each([
  ['a 200', expectation(), { status: 200, body: '', latencyMs: 5 }, { ok: true }],
  [
    'a 503',
    expectation(),
    { status: 503, body: '', latencyMs: 5 },
    { ok: false, kind: 'status', reason: 'HTTP 503 (expected 200-299)' },
  ],
  [
    'a 301 allowed',
    expectation({ status: parseStatusSet('x', '200,301') }),
    { status: 301, body: '', latencyMs: 1 },
    { ok: true },
  ],
  [
    'UP',
    expectation({ json: [json('$.status', 'UP')] }),
    { status: 200, body: '{"status":"UP"}', latencyMs: 1 },
    { ok: true },
  ],
  [
    'DOWN',
    expectation({ json: [json('$.status', 'UP')] }),
    { status: 200, body: '{"status":"DOWN"}', latencyMs: 1 },
    { ok: false, kind: 'json', reason: '$.status is "DOWN" (expected "UP")' },
  ],
  [
    'missing',
    expectation({ json: [json('$.status', 'UP')] }),
    { status: 200, body: '{}', latencyMs: 1 },
    { ok: false, kind: 'json', reason: '$.status is missing (expected "UP")' },
  ],
  [
    'nested',
    expectation({ json: [json('$.c.db[1].s', 'UP')] }),
    { status: 200, body: '{"c":{"db":[{"s":"DOWN"},{"s":"UP"}]}}', latencyMs: 1 },
    { ok: true },
  ],
  [
    'not JSON',
    expectation({ json: [json('$.status', 'UP')] }),
    { status: 200, body: '<html>', latencyMs: 1 },
    { ok: false, kind: 'json', reason: 'HTTP 200, body is not JSON: <html>' },
  ],
  ['body match', expectation({ body: /ok/ }), { status: 200, body: 'all ok', latencyMs: 1 }, { ok: true }],
  [
    'body mismatch',
    expectation({ body: /ok/ }),
    { status: 200, body: 'failed', latencyMs: 1 },
    { ok: false, kind: 'body', reason: 'HTTP 200, body does not match /ok/: failed' },
  ],
  ['fast enough', expectation({ maxLatencyMs: 100 }), { status: 200, body: '', latencyMs: 100 }, { ok: true }],
  [
    'too slow',
    expectation({ maxLatencyMs: 100 }),
    { status: 200, body: '', latencyMs: 250.4 },
    { ok: false, kind: 'latency', reason: 'latency 250ms over the 100ms limit' },
  ],
  [
    'status checked first',
    expectation({ json: [json('$.status', 'UP')] }),
    { status: 500, body: '{"status":"UP"}', latencyMs: 1 },
    { ok: false, kind: 'status', reason: 'HTTP 500 (expected 200-299): {"status":"UP"}' },
  ],
])('evaluate: %s', (_, exp, obs, verdict) => {
  expect(evaluate(exp, obs)).toEqual(verdict)
})

test.each([
  ['200-299', false],
  ['200,301', true],
  ['300-399', true],
  ['100-599', true],
  ['400-404', false],
])('expect-status %s sees redirects itself: %s', (set, manual) => {
  expect(expectsRedirect(expectation({ status: parseStatusSet('x', set) }))).toBe(manual)
})

test.each([
  ['UP', 'UP', true],
  [200, '200', true],
  [true, 'true', true],
  [null, null, true],
  ['DOWN', 'UP', false],
  [{ a: [1, 2] }, { a: [1, 2] }, true],
  [{ a: [1, 2] }, { a: [2, 1] }, false],
  [{ a: 1, b: 2 }, { a: 1 }, false],
  [[1], 1, false],
])('jsonEquals(%j, %j) is %s', (a, b, same) => {
  expect(jsonEquals(a, b)).toBe(same)
})
