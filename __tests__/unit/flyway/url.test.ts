import {
  advisoryLockKey,
  createTableSql,
  javaStringHash,
  parseDatabaseUrl,
  redactUrl,
  urlSecrets,
} from '@deploy-actions/flyway'

describe('parseDatabaseUrl', () => {
  test.each([
    [
      'jdbc:postgresql://db.example.com:6543/app?sslmode=require',
      { host: 'db.example.com', port: 6543, database: 'app', sslmode: 'require' },
    ],
    [
      'jdbc:postgresql://db.example.com/app',
      { host: 'db.example.com', port: 5432, database: 'app', sslmode: 'prefer' },
    ],
    [
      'jdbc:postgresql://h1:5432,h2:5433/app?user=u&password=p',
      { host: 'h1', port: 5432, database: 'app', user: 'u', password: 'p' },
    ],
    ['jdbc:postgresql:app', { host: 'localhost', port: 5432, database: 'app' }],
    [
      'postgres://u:p%40ss@127.0.0.1:5433/app?sslmode=disable',
      { host: '127.0.0.1', port: 5433, user: 'u', password: 'p@ss', sslmode: 'disable' },
    ],
    ['postgresql://u@[::1]:5432/app', { host: '::1', user: 'u' }],
    ['jdbc:postgresql://h/app?currentSchema=s1', { currentSchema: 's1' }],
  ])('%s', (url, want) => {
    expect(parseDatabaseUrl(url)).toMatchObject(want)
  })

  test.each([
    'jdbc:mysql://h/app',
    'mysql://h/app',
    'http://h/app',
    'h:5432/app',
    'jdbc:postgresql://h/app?sslmode=bogus',
    'postgres://h:99999/app',
  ])('%s is refused', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow()
  })

  test('redactUrl hides passwords in both forms', () => {
    expect(redactUrl('postgres://u:secret@h/db')).toBe('postgres://***@h/db')
    expect(redactUrl('jdbc:postgresql://h/db?user=u&password=secret&x=1')).toBe(
      'jdbc:postgresql://h/db?user=u&password=***&x=1',
    )
  })
})

describe('passwords with @ # / ? (never quoted, read whole)', () => {
  test.each([
    ['postgres://app:s@cret_42@db.internal:5432/app', 's@cret_42'],
    ['postgres://app:pa#ss@db.internal/app?sslmode=disable', 'pa#ss'],
    ['postgres://app:pa/ss@db.internal/app', 'pa/ss'],
    ['jdbc:postgresql://app:wh?at@db.internal:5432/app', 'wh?at'],
    ['postgres://app:a@b/c?d#e@db.internal/app', 'a@b/c?d#e'],
    ['postgres://app:p%40ss%2F@db.internal/app', 'p@ss/'],
  ])('%s', (url, password) => {
    const c = parseDatabaseUrl(url)
    expect(c).toMatchObject({ user: 'app', password, host: 'db.internal', database: 'app' })
    const shown = redactUrl(url)
    expect(shown).toMatch(/^[a-z:]+\/\/\*\*\*@db\.internal/)
    for (const part of [password, ...password.split(/[@#/?]/).filter((p) => p.length >= 3)])
      expect(shown).not.toContain(part)
    expect(urlSecrets(url)).toContain(password)
  })

  test('a malformed URL with a password is shown without it', () => {
    expect(redactUrl('postgres://app:s3cr@t@db.internal:99999999/app')).toBe('postgres://***@db.internal:99999999/app')
  })
})

describe('history table and lock, as Flyway', () => {
  test('java String.hashCode', () => {
    expect(javaStringHash('')).toBe(0)
    expect(javaStringHash('hello')).toBe(99162322)
    expect(javaStringHash('Flyway rocks, and this string is long enough to overflow')).toBe(
      // computed the Java way with 32-bit wraparound
      [...'Flyway rocks, and this string is long enough to overflow'].reduce(
        (h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0,
        0,
      ),
    )
  })

  test("the advisory lock key is Flyway's magic number plus the hash of the quoted table", () => {
    const magic = 0x466c79776179n
    expect(BigInt(advisoryLockKey('public', 'flyway_schema_history'))).toBe(
      magic + BigInt(javaStringHash('"public"."flyway_schema_history"')),
    )
  })

  test("DDL has Flyway's columns, primary key and success index", () => {
    const ddl = createTableSql('public', 'flyway_schema_history')
    for (const col of [
      '"installed_rank" INT NOT NULL',
      '"version" VARCHAR(50)',
      '"description" VARCHAR(200) NOT NULL',
      '"type" VARCHAR(20) NOT NULL',
      '"script" VARCHAR(1000) NOT NULL',
      '"checksum" INTEGER',
      '"installed_by" VARCHAR(100) NOT NULL',
      '"installed_on" TIMESTAMP NOT NULL DEFAULT now()',
      '"execution_time" INTEGER NOT NULL',
      '"success" BOOLEAN NOT NULL',
    ]) {
      expect(ddl).toContain(col)
    }
    expect(ddl).toContain('ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank")')
    expect(ddl).toContain('CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success")')
  })
})
