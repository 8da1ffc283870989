import {
  ConfigurationError,
  formatStatusSet,
  parseBool,
  parseEnum,
  parseHeaders,
  parseInteger,
  parseKeyValues,
  parseList,
  parseStatusSet,
  required,
  statusMatches,
} from '@deploy-actions/kit'

describe('parseBool', () => {
  test.each([
    ['', true, true],
    ['', false, false],
    ['true', false, true],
    ['TRUE', false, true],
    ['yes', false, true],
    ['false', true, false],
    ['0', true, false],
  ])('%j (default %s) → %s', (raw, fallback, expected) => {
    expect(parseBool('wait', raw, fallback)).toBe(expected)
  })
  test('rejects other words, naming the input and the accepted form', () => {
    expect(() => parseBool('wait', 'maybe', true)).toThrow('wait: expected true or false, got "maybe"')
  })
})

describe('parseInteger', () => {
  test.each([
    ['', 3, 3],
    ['7', 0, 7],
    [' 10 ', 0, 10],
    ['-2', 0, -2],
  ])('%j → %s', (raw, fallback, expected) => {
    expect(parseInteger('retain', raw, fallback)).toBe(expected)
  })
  test.each([
    ['-1', { min: 0 }, 'retain: expected a whole number of at least 0, got "-1"'],
    ['1.5', {}, 'retain: expected a whole number, got "1.5"'],
    ['51', { min: 1, max: 50 }, 'retain: expected a whole number from 1 to 50, got "51"'],
    ['ten', { min: 0 }, 'retain: expected a whole number of at least 0, got "ten"'],
  ])('%j with %j is rejected', (raw, range, message) => {
    expect(() => parseInteger('retain', raw, 0, range)).toThrow(message)
  })
})

test('parseEnum accepts listed values and names the choices otherwise', () => {
  expect(parseEnum('mode', '', ['create', 'restore'] as const, 'create')).toBe('create')
  expect(parseEnum('mode', 'restore', ['create', 'restore'] as const, 'create')).toBe('restore')
  expect(() => parseEnum('mode', 'delete', ['create', 'restore'] as const, 'create')).toThrow(
    'mode: expected one of create, restore, got "delete"',
  )
})

test('required names the input', () => {
  expect(() => required('repository', '  ')).toThrow(ConfigurationError)
  expect(() => required('repository', '')).toThrow('repository: a value (this input is required)')
  expect(required('repository', ' web ')).toBe('web')
})

describe('parseList', () => {
  test.each([
    ['a,b\nc', ['a', 'b', 'c']],
    ['\n a \n\n# comment\n b,', ['a', 'b']],
    ['', []],
  ])('%j → %j', (raw, expected) => {
    expect(parseList(raw)).toEqual(expected)
  })
  test('commas kept when asked', () => {
    expect(parseList('a,b\nc', { commas: false })).toEqual(['a,b', 'c'])
  })
})

describe('parseKeyValues', () => {
  test('KEY=VALUE lines, values may hold = and commas', () => {
    expect(parseKeyValues('build-args', 'A=1\nB = x=y,z\n')).toEqual({ A: '1', B: 'x=y,z' })
  })
  test.each(['NOEQUALS', '=value'])('%j is rejected', (line) => {
    expect(() => parseKeyValues('build-args', line)).toThrow(`build-args: expected KEY=VALUE lines, got "${line}"`)
  })
})

describe('parseHeaders', () => {
  test('Name: value lines, values may hold colons', () => {
    expect(parseHeaders('headers', 'Authorization: Bearer a:b\nX-Trace: 1')).toEqual({
      Authorization: 'Bearer a:b',
      'X-Trace': '1',
    })
  })
  test.each(['no colon', ': empty name', 'bad name: x'])('%j is rejected', (line) => {
    expect(() => parseHeaders('headers', line)).toThrow('headers: expected "Name: value" lines')
  })
})

describe('status sets', () => {
  test.each([
    ['', [[200, 299]]],
    ['200', [[200, 200]]],
    [
      '200-299,301',
      [
        [200, 299],
        [301, 301],
      ],
    ],
    [
      '204\n 404 - 410',
      [
        [204, 204],
        [404, 410],
      ],
    ],
  ])('%j parses', (raw, expected) => {
    expect(parseStatusSet('expect-status', raw)).toEqual(expected)
  })
  test.each(['abc', '99', '200-100', '600', '2xx'])('%j is rejected', (raw) => {
    expect(() => parseStatusSet('expect-status', raw)).toThrow(
      `expect-status: expected HTTP statuses or ranges like 200-299,301, got "${raw}"`,
    )
  })
  test('matching and formatting', () => {
    const set = parseStatusSet('s', '200-204,301')
    expect([200, 204, 205, 301, 302].map((s) => statusMatches(set, s))).toEqual([true, true, false, true, false])
    expect(formatStatusSet(set)).toBe('200-204,301')
  })
})
