import { ConfigurationError, recordInputGetter } from '@deploy-actions/kit'
import { parseInputs } from '../../../actions/flyway-migrate/src/inputs.ts'
import { newReport, outputsOf, renderSummary } from '../../../actions/flyway-migrate/src/report.ts'

const base = { url: 'jdbc:postgresql://db:5432/app?user=app' }

describe('parseInputs', () => {
  test('defaults', () => {
    const i = parseInputs(recordInputGetter(base), {})
    expect(i).toMatchObject({
      command: 'migrate',
      schemas: [],
      locations: ['db/migration'],
      table: 'flyway_schema_history',
      baselineOnMigrate: false,
      outOfOrder: false,
      dryRun: false,
      placeholders: {},
      connection: { host: 'db', port: 5432, database: 'app', user: 'app', sslmode: 'prefer' },
    })
    expect(i.baselineVersion.text).toBe('1')
    expect(i.target).toBeUndefined()
  })

  test('everything set', () => {
    const i = parseInputs(
      recordInputGetter({
        ...base,
        command: 'info',
        user: 'u2',
        password: 'pw',
        schemas: 'app, audit',
        locations: 'filesystem:db/migration\nsql/extra',
        table: 'history',
        target: '2_1',
        'baseline-version': '1.5',
        'baseline-on-migrate': 'true',
        'out-of-order': 'yes',
        placeholders: 'owner=app\nenv=prod',
        'dry-run': 'true',
      }),
      {},
    )
    expect(i.connection).toMatchObject({ user: 'u2', password: 'pw' })
    expect(i.schemas).toEqual(['app', 'audit'])
    expect(i.locations).toEqual(['filesystem:db/migration', 'sql/extra'])
    expect(i.target?.text).toBe('2.1')
    expect(i.baselineVersion.text).toBe('1.5')
    expect(i.placeholders).toEqual({ owner: 'app', env: 'prod' })
    expect(i).toMatchObject({
      command: 'info',
      table: 'history',
      baselineOnMigrate: true,
      outOfOrder: true,
      dryRun: true,
    })
  })

  test("FLYWAY_URL, FLYWAY_USER and FLYWAY_PASSWORD are fallbacks, as in Flyway's CLI", () => {
    const i = parseInputs(recordInputGetter({}), {
      FLYWAY_URL: 'postgres://h/app',
      FLYWAY_USER: 'fu',
      FLYWAY_PASSWORD: 'fp',
    })
    expect(i.connection).toMatchObject({ host: 'h', database: 'app', user: 'fu', password: 'fp' })
    const j = parseInputs(recordInputGetter({ url: 'postgres://h/app', user: 'in' }), { FLYWAY_USER: 'fu' })
    expect(j.connection.user).toBe('in')
  })

  test('target latest means no target', () => {
    expect(parseInputs(recordInputGetter({ ...base, target: 'latest' }), {}).target).toBeUndefined()
  })

  test('the password never appears in the displayed URL or an error', () => {
    const i = parseInputs(recordInputGetter({ url: 'postgres://u:hunter22@h/app' }), {})
    expect(i.displayUrl).not.toContain('hunter22')
    try {
      parseInputs(recordInputGetter({ url: 'mysql://u:hunter22@h/app' }), {})
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter22')
    }
  })

  test.each([
    [{ url: 'jdbc:mysql://h/app' }, 'url', /PostgreSQL URL/],
    [{ url: '' }, 'url', /required/],
    [{ ...base, command: 'clean' }, 'command', /one of migrate, info, validate, baseline, repair/],
    [{ ...base, target: 'v2' }, 'target', /a version like/],
    [{ ...base, target: '1.x' }, 'target', /a version like/],
    [{ ...base, 'baseline-version': 'one' }, 'baseline-version', /a version like/],
    [{ ...base, locations: 'classpath:db/migration' }, 'locations', /folders/],
    [{ ...base, locations: ' , ' }, 'locations', /one or more folders/],
    [{ ...base, 'dry-run': 'maybe' }, 'dry-run', /true or false/],
    [{ ...base, placeholders: 'novalue' }, 'placeholders', /KEY=VALUE/],
    [{ url: 'postgres://h/app' }, 'user', /database user/],
  ])('%j fails naming %s', (record, input, form) => {
    let error: unknown
    try {
      parseInputs(recordInputGetter(record), {})
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).input).toBe(input)
    expect((error as Error).message).toMatch(form)
  })
})

describe('renderSummary', () => {
  test('shows info before and after, applied, and a failure with file and line', () => {
    const r = newReport({ command: 'migrate', dryRun: false, displayUrl: 'jdbc:postgresql://h/app' })
    r.schemaVersionBefore = '1'
    r.schemaVersion = '2'
    r.infoBefore = [
      {
        category: 'Versioned',
        version: '2',
        description: 'b',
        type: 'SQL',
        script: 'V2__b.sql',
        installedOn: '',
        state: 'Pending',
      },
    ]
    r.infoAfter = [
      {
        category: 'Versioned',
        version: '2',
        description: 'b',
        type: 'SQL',
        script: 'V2__b.sql',
        installedOn: '2024-01-01 00:00:00',
        state: 'Success',
      },
    ]
    r.applied = [
      {
        version: '2',
        description: 'b',
        script: 'V2__b.sql',
        file: 'db/migration/V2__b.sql',
        executionTimeMs: 12,
        transactional: true,
      },
    ]
    r.failure = { file: 'db/migration/V3__c.sql', line: 4, message: 'relation "x" does not exist', sqlState: '42P01' }
    const md = renderSummary(r)
    expect(md).toContain('## flyway-migrate: migrate failed')
    expect(md).toContain('**1** → **2**')
    expect(md).toContain('### Info before')
    expect(md).toContain('### Info after')
    expect(md).toContain('| Versioned | 2 | b | SQL | 2024-01-01 00:00:00 | Success |')
    expect(md).toContain('`db/migration/V3__c.sql` line 4')
  })
})

test('outputs: set with what is known, also for a failed run before the report file exists', () => {
  const r = newReport({ command: 'migrate', dryRun: false, displayUrl: 'postgres://h/app' })
  expect(outputsOf(r)).toEqual({ applied: 0, pending: 0, 'schema-version': '', report: undefined })
  r.schemaVersion = '3'
  r.reportFile = '/tmp/r.json'
  expect(outputsOf(r)).toMatchObject({ 'schema-version': '3', report: '/tmp/r.json' })
})

test('every secret reaches onSecret before any validation can fail', () => {
  const masked: Array<string | undefined> = []
  expect(() =>
    parseInputs(
      recordInputGetter({ url: 'postgres://u:from-url@h/app', password: 'from-input', command: 'clean' }),
      {},
      (s) => masked.push(s),
    ),
  ).toThrow('command')
  expect(masked).toEqual(['from-input', 'from-url'])
})
