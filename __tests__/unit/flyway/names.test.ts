import { compareVersions, parseFileName, parseVersion, resolveMigrations } from '@deploy-actions/flyway'

describe('parseVersion / compareVersions', () => {
  test.each([
    ['1', '1'],
    ['1.1', '1.1'],
    ['2_1', '2.1'],
    ['001', '001'],
    ['1.2.3.4', '1.2.3.4'],
    ['20240101120000', '20240101120000'],
  ])('%s reads as %s', (raw, text) => {
    expect(parseVersion(raw)?.text).toBe(text)
  })

  test.each(['', 'a', '1.a', '1..2', 'v1', '1-2'])('%s is not a version', (raw) => {
    expect(parseVersion(raw)).toBeUndefined()
  })

  test.each([
    ['1', '2', -1],
    ['1.9', '1.10', -1],
    ['1', '1.0', 0],
    ['1.0.0', '1', 0],
    ['2', '1.999', 1],
    ['010', '9', 1],
    ['1_1', '1.1', 0],
  ] as const)('%s vs %s → %i', (a, b, want) => {
    expect(Math.sign(compareVersions(parseVersion(a)!, parseVersion(b)!))).toBe(want)
  })
})

describe('parseFileName', () => {
  test.each<[string, { kind: string; version?: string; description: string }]>([
    ['V1__init.sql', { kind: 'versioned', version: '1', description: 'init' }],
    ['V1.1__add_users_table.sql', { kind: 'versioned', version: '1.1', description: 'add users table' }],
    ['V2_1__y.sql', { kind: 'versioned', version: '2.1', description: 'y' }],
    ['V3.sql', { kind: 'versioned', version: '3', description: '' }],
    ['R__views.sql', { kind: 'repeatable', description: 'views' }],
    ['R__refresh_materialized_views.sql', { kind: 'repeatable', description: 'refresh materialized views' }],
  ])('%s', (name, want) => {
    const got = parseFileName(name)
    expect(got.kind).toBe(want.kind)
    if (got.kind === 'versioned') {
      expect(got.version.text).toBe(want.version)
      expect(got.description).toBe(want.description)
    }
    if (got.kind === 'repeatable') expect(got.description).toBe(want.description)
  })

  test.each([
    'U1__undo.sql',
    'beforeMigrate.sql',
    'afterEachMigrate__x.sql',
    'README.md',
    'V1__x.txt',
    'Vx__bad.sql',
    'R1__bad.sql',
    'init.sql',
  ])('%s is ignored with a reason', (name) => {
    const got = parseFileName(name)
    expect(got.kind).toBe('ignored')
    if (got.kind === 'ignored') expect(got.reason.length).toBeGreaterThan(5)
  })
})

describe('resolveMigrations', () => {
  const file = (script: string, content = 'SELECT 1;') => ({ script, file: `db/migration/${script}`, content })

  test('orders versioned numerically, then repeatables by description, and notes ignored files', () => {
    const r = resolveMigrations([
      file('V10__ten.sql'),
      file('R__b.sql'),
      file('V2__two.sql'),
      file('R__a.sql'),
      file('U2__undo.sql'),
      file('V1.9__x.sql'),
    ])
    expect(r.migrations.map((m) => m.script)).toEqual([
      'V1.9__x.sql',
      'V2__two.sql',
      'V10__ten.sql',
      'R__a.sql',
      'R__b.sql',
    ])
    expect(r.notes).toEqual([expect.stringContaining('U2__undo.sql: ignored')])
  })

  test('nested folders keep their relative path as the script', () => {
    const r = resolveMigrations([file('release-2/V3__x.sql')])
    expect(r.migrations[0]?.script).toBe('release-2/V3__x.sql')
    expect(r.migrations[0]?.description).toBe('x')
  })

  test('two files with one version is an error naming both', () => {
    expect(() => resolveMigrations([file('V1__a.sql'), file('sub/V1.0__b.sql')])).toThrow(
      /version 1(\.0)?: db\/migration\/V1__a\.sql and db\/migration\/sub\/V1\.0__b\.sql/,
    )
  })

  test('a BOM is removed from the text sent to the server', () => {
    const r = resolveMigrations([file('V1__a.sql', '\ufeffSELECT 1;')])
    expect(r.migrations[0]?.sql).toBe('SELECT 1;')
  })
})
