import { formatJsonPath, parseJsonPath, readJsonPath } from '@deploy-actions/http-check'

test.each([
  ['$', []],
  ['$.status', ['status']],
  ['status', ['status']],
  ['$.components.db.status', ['components', 'db', 'status']],
  ['components.db.status', ['components', 'db', 'status']],
  ['$.items[0].id', ['items', 0, 'id']],
  ['$.items[-1]', ['items', -1]],
  ["$['key.with.dots'].x", ['key.with.dots', 'x']],
  ['$["quoted"][2]', ['quoted', 2]],
  ['[0].status', [0, 'status']],
  ['$.x-y', ['x-y']],
])('%j parses to %j', (text, segments) => {
  expect(parseJsonPath(text)).toEqual(segments)
})

test.each(['', '$.', '$..a', '$.a[', '$.a[x]', '$[status]', '$.a b', '.a.'])('%j is not a JSON path', (text) => {
  expect(parseJsonPath(text)).toBeUndefined()
})

test.each([
  [['status'], '$.status'],
  [['items', 0, 'id'], '$.items[0].id'],
  [['a.b'], "$['a.b']"],
  [[], '$'],
])('%j formats as %s', (segments, text) => {
  expect(formatJsonPath(segments)).toBe(text)
})

const doc = {
  status: 'UP',
  components: { db: { status: 'UP', details: { database: 'PostgreSQL' } }, disk: { status: 'DOWN' } },
  items: [{ id: 1 }, { id: 2 }, { id: 3 }],
  'key.with.dots': true,
  nothing: null,
}

test.each([
  ['$.status', { found: true, value: 'UP' }],
  ['$.components.db.details.database', { found: true, value: 'PostgreSQL' }],
  ['$.components.disk.status', { found: true, value: 'DOWN' }],
  ['$.items[0].id', { found: true, value: 1 }],
  ['$.items[-1].id', { found: true, value: 3 }],
  ["$['key.with.dots']", { found: true, value: true }],
  ['$.nothing', { found: true, value: null }],
  ['$.missing', { found: false }],
  ['$.items[3]', { found: false }],
  ['$.items[-4]', { found: false }],
  ['$.status.deeper', { found: false }],
  ['$.items.id', { found: false }],
  ['$.components[0]', { found: false }],
  ['$.toString', { found: false }],
])('reading %s', (path, expected) => {
  expect(readJsonPath(doc, parseJsonPath(path)!)).toEqual(expected)
})
