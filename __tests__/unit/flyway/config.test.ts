// Flyway's configuration sources read as Flyway's ConfigUtils reads them, with its precedence.
import { ConfigurationError, recordInputGetter } from '@deploy-actions/kit'
import { settingName, settingsFromConf, settingsFromToml } from '../../../actions/flyway-migrate/src/config.ts'
import { parseInputs } from '../../../actions/flyway-migrate/src/inputs.ts'

test.each([
  ['FLYWAY_OUT_OF_ORDER', 'outOfOrder'],
  ['FLYWAY_BASELINE_ON_MIGRATE', 'baselineOnMigrate'],
  ['FLYWAY_DEFAULT_SCHEMA', 'defaultSchema'],
  ['FLYWAY_IGNORE_MIGRATION_PATTERNS', 'ignoreMigrationPatterns'],
  ['FLYWAY_PLACEHOLDERS_APP_ROLE', 'placeholders.app_role'],
  ['FLYWAY_PLACEHOLDER_PREFIX', 'placeholderPrefix'],
  ['FLYWAY_INIT_SQL', 'initSql'],
  ['FLYWAY_CONNECT_RETRIES', 'connectRetries'],
])('%s is flyway.%s', (env, key) => {
  expect(settingName(env)).toBe(key)
})

test('flyway.conf: comments, continuations, ${ENV} references', () => {
  const s = settingsFromConf(
    '# c\nflyway.url=jdbc:postgresql://h/${DB}\nflyway.locations=filesystem:a,\\\n  filesystem:b\nflyway.placeholders.x=1\n',
    'flyway.conf',
    { DB: 'app' },
  )
  expect(Object.fromEntries([...s].map(([k, v]) => [k, v.value]))).toEqual({
    url: 'jdbc:postgresql://h/app',
    locations: 'filesystem:a,filesystem:b',
    'placeholders.x': '1',
  })
})

test('flyway.toml: [flyway], its placeholders table, and the default environment', () => {
  const s = settingsFromToml(
    '[environments.default]\nurl = "jdbc:postgresql://h/app"\nuser = "app"\n\n[flyway]\nlocations = ["filesystem:sql", "filesystem:more"]\nmixed = true\n\n[flyway.placeholders]\napp_role = "app_rw"\n',
    'flyway.toml',
  )
  expect(Object.fromEntries([...s].map(([k, v]) => [k, v.value]))).toEqual({
    url: 'jdbc:postgresql://h/app',
    user: 'app',
    locations: 'filesystem:sql,filesystem:more',
    mixed: 'true',
    'placeholders.app_role': 'app_rw',
  })
})

const files = (map: Record<string, string>) => (path: string) => map[path]

test('precedence as Flyway: inputs over FLYWAY_* over flyway.conf', () => {
  const conf =
    'flyway.url=jdbc:postgresql://h/app?user=u\nflyway.table=from_file\nflyway.outOfOrder=true\nflyway.schemas=file_schema\nflyway.placeholders.a=file\nflyway.placeholders.b=file\n'
  const i = parseInputs(
    recordInputGetter({ table: 'from_input', placeholders: 'a=input' }),
    { FLYWAY_TABLE: 'from_env', FLYWAY_SCHEMAS: 'env_schema', FLYWAY_PLACEHOLDERS_B: 'env' },
    () => {},
    files({ 'flyway.conf': conf }),
  )
  expect(i).toMatchObject({
    table: 'from_input',
    schemas: ['env_schema'],
    outOfOrder: true,
    placeholders: { a: 'input', b: 'env' },
    configFiles: ['flyway.conf'],
  })
})

test('a password from a config file reaches onSecret before anything is validated', () => {
  const masked: Array<string | undefined> = []
  expect(() =>
    parseInputs(
      recordInputGetter({ command: 'clean' }),
      {},
      (s) => masked.push(s),
      files({ 'flyway.toml': '[environments.default]\nurl = "postgres://h/app"\npassword = "from-toml"\n' }),
    ),
  ).toThrow('command')
  expect(masked).toContain('from-toml')
})

test.each([
  [{ FLYWAY_CLEAN_ON_VALIDATION_ERROR: 'true' }, {}, 'FLYWAY_CLEAN_ON_VALIDATION_ERROR'],
  [{}, { 'flyway.conf': 'flyway.installedBy=ci\n' }, 'flyway.conf: flyway.installedBy'],
  [{ FLYWAY_IGNORE_MIGRATION_PATTERNS: '*:outdated' }, {}, 'FLYWAY_IGNORE_MIGRATION_PATTERNS'],
  [{ FLYWAY_CONNECT_RETRIES: 'many' }, {}, 'FLYWAY_CONNECT_RETRIES'],
])('an unsupported or bad setting is an error naming it: %j %j', (env, conf, name) => {
  let error: unknown
  try {
    parseInputs(recordInputGetter({ url: 'postgres://u@h/app' }), env, () => {}, files(conf))
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(ConfigurationError)
  expect((error as ConfigurationError).input).toBe(name)
})

test('config-files names the files; a missing one is an error', () => {
  expect(() =>
    parseInputs(
      recordInputGetter({ url: 'postgres://u@h/app', 'config-files': 'conf/prod.conf' }),
      {},
      () => {},
      files({}),
    ),
  ).toThrow('config-files: expected existing Flyway configuration files, got "conf/prod.conf"')
})
