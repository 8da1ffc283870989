import {
  lineAt,
  mustRunOutsideTransaction,
  offsetOfPosition,
  searchPathNames,
  splitStatements,
  transactionMode,
} from '@deploy-actions/flyway'

describe('splitStatements', () => {
  test.each([
    ['simple', 'SELECT 1; SELECT 2;', ['SELECT 1', 'SELECT 2']],
    ['no final semicolon', 'SELECT 1;\nSELECT 2', ['SELECT 1', 'SELECT 2']],
    ['semicolon in a string', "INSERT INTO t VALUES ('a;b'); SELECT 2;", ["INSERT INTO t VALUES ('a;b')", 'SELECT 2']],
    ['doubled quote', "SELECT 'it''s;'; SELECT 2;", ["SELECT 'it''s;'", 'SELECT 2']],
    ['E-string escape', "SELECT E'a\\';b'; SELECT 2;", ["SELECT E'a\\';b'", 'SELECT 2']],
    ['quoted identifier', 'SELECT 1 AS "a;b"; SELECT 2;', ['SELECT 1 AS "a;b"', 'SELECT 2']],
    ['line comment', 'SELECT 1; -- a; comment\nSELECT 2;', ['SELECT 1', '-- a; comment\nSELECT 2']],
    ['nested block comment', 'SELECT 1; /* a; /* b; */ c; */ SELECT 2;', ['SELECT 1', '/* a; /* b; */ c; */ SELECT 2']],
    [
      'dollar-quoted body',
      'CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql; SELECT 2;',
      ['CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql', 'SELECT 2'],
    ],
    [
      'tagged dollar quotes nest',
      'DO $outer$ BEGIN EXECUTE $in$ SELECT 1; $in$; END $outer$; SELECT 2;',
      ['DO $outer$ BEGIN EXECUTE $in$ SELECT 1; $in$; END $outer$', 'SELECT 2'],
    ],
    [
      'positional parameters are not quotes',
      'PREPARE p AS SELECT $1; SELECT 2;',
      ['PREPARE p AS SELECT $1', 'SELECT 2'],
    ],
    [
      'BEGIN ATOMIC body',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END; SELECT 2;',
      [
        'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END',
        'SELECT 2',
      ],
    ],
    ['only comments', '-- nothing\n/* here */', []],
  ])('%s', (_name, script, want) => {
    expect(splitStatements(script).map((s) => s.text.trim())).toEqual(want)
  })

  test('records the line of each statement', () => {
    const st = splitStatements('-- header\nSELECT 1;\n\n  SELECT\n 2;\r\nSELECT 3;')
    expect(st.map((s) => s.line)).toEqual([2, 4, 6])
  })
})

describe('non-transactional statements (Flyway PostgreSQLParser rules)', () => {
  const simplified = (sql: string) => splitStatements(sql)[0]!.simplified
  test.each([
    ['CREATE INDEX CONCURRENTLY i ON t (a)', true],
    ['create unique index concurrently i on t (a)', true],
    ['DROP INDEX CONCURRENTLY IF EXISTS i', true],
    ['/* c */ VACUUM ANALYZE t', true],
    ['CREATE DATABASE x', true],
    ['DROP TABLESPACE x', true],
    ['ALTER SYSTEM SET work_mem = 1', true],
    ['REINDEX DATABASE x', true],
    ['REINDEX INDEX CONCURRENTLY i', true],
    ['DISCARD ALL', true],
    ['ALTER TABLE p DETACH PARTITION c CONCURRENTLY', true],
    ['CREATE INDEX i ON t (a)', false],
    ['CREATE TABLE concurrently_log (a int)', false],
    ["INSERT INTO t VALUES ('VACUUM')", false],
    ["ALTER TYPE mood ADD VALUE 'meh'", false],
  ] as const)('%s → %s', (sql, want) => {
    expect(mustRunOutsideTransaction(simplified(sql))).toBe(want)
  })

  test('ALTER TYPE … ADD VALUE is non-transactional before PostgreSQL 12, as in Flyway', () => {
    expect(mustRunOutsideTransaction(simplified("ALTER TYPE mood ADD VALUE 'meh'"), 110000)).toBe(true)
  })

  test('transactionMode keeps ordinary migrations whole and splits the others', () => {
    expect(transactionMode('CREATE TABLE t (a int); INSERT INTO t VALUES (1);')).toEqual({ transactional: true })
    const m = transactionMode('SET lock_timeout = 1000;\nCREATE INDEX CONCURRENTLY i ON t (a);')
    expect(m.transactional).toBe(false)
    if (!m.transactional) expect(m.statements.map((s) => s.line)).toEqual([1, 2])
  })
})

describe('error positions', () => {
  test('offsetOfPosition counts code points, lineAt counts \\n, \\r\\n and \\r', () => {
    const text = "SELECT '😀';\r\nSELECT nope;"
    const pos = Array.from(text).indexOf('n') + 1
    expect(lineAt(text, offsetOfPosition(text, pos))).toBe(2)
    expect(lineAt('a\rb\nc', 4)).toBe(3)
  })
})

test('COPY … FROM STDIN carries its data lines up to \\. and the statements after it keep their lines', () => {
  const script =
    'CREATE TABLE t (a int, b text);\nCOPY t (a, b) FROM stdin;\n1\tx; y\n2\t\\N\n\\.\nINSERT INTO t VALUES (3, $$;$$);\n'
  const st = splitStatements(script)
  expect(st.map((s) => [s.line, s.copyData])).toEqual([
    [1, undefined],
    [2, '1\tx; y\n2\t\\N\n'],
    [6, undefined],
  ])
  expect(transactionMode(script)).toEqual({ transactional: true, statements: st })
  expect(transactionMode('COPY t FROM stdin;\n1\n\\.\nCREATE INDEX CONCURRENTLY i ON t (a);\n').transactional).toBe(
    false,
  )
})

describe("searchPathNames (the server's SplitIdentifierString)", () => {
  test.each([
    ['the default', '"$user", public', ['$user', 'public']],
    ['quoted names keep their case and doubled quotes', '"My Schema", "a""b",Public', ['My Schema', 'a"b', 'public']],
    ['only ASCII letters are lower-cased', 'ÄPP, App', ['Äpp', 'app']],
    ['spaces around', '  app ,  public  ', ['app', 'public']],
    ['empty', '', []],
    ['only spaces', '   ', []],
  ])('%s', (_, text, names) => {
    expect(searchPathNames(text)).toEqual(names)
  })

  test.each([
    ['a trailing comma', 'app,'],
    ['an empty quoted name', '"", public'],
    ['an unterminated quote', '"app, public'],
    ['two names without a comma', 'app public'],
    ['a name past 63 bytes', 'a'.repeat(64)],
  ])('%s is no list', (_, text) => {
    expect(searchPathNames(text)).toBeUndefined()
  })
})
