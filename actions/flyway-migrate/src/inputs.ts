// The only reader of the action's inputs. parseInputs is pure (table-tested): it hands every
// secret to `onSecret` (the runner's mask) before it validates anything, and no error it throws
// quotes a credential. Like Flyway, it also reads FLYWAY_* variables and flyway.toml/flyway.conf
// (contents handed in through `readFile`), with Flyway's precedence: inputs, environment, files.
// A Flyway setting the action does not support is an error naming it, never silently ignored.

import {
  COMMANDS,
  type Command,
  type ConnectionSettings,
  DEFAULT_NAMING,
  ENCODINGS,
  ignorePatternProblem,
  type Naming,
  type PlaceholderSyntax,
  parseDatabaseUrl,
  parseVersion,
  redactUrl,
  UrlError,
  urlSecrets,
  type Version,
} from '@deploy-actions/flyway/config'
import {
  ConfigurationError,
  type InputGetter,
  parseBool,
  parseEnum,
  parseInteger,
  parseKeyValues,
  parseList,
} from '@deploy-actions/kit'
import { mergeSettings, type Settings, settingsFromConf, settingsFromEnv, settingsFromToml } from './config.ts'
import { parseReachInputs, type ReachInputs } from './reach-inputs.ts'

export interface Inputs {
  command: Command
  /** How the database is reached (directly or through the cluster) and where credentials come from. */
  reach: ReachInputs
  /** The URL with any password redacted, for logs and the summary. */
  displayUrl: string
  connection: ConnectionSettings
  /** Empty: the connection's current schema. */
  schemas: string[]
  defaultSchema?: string
  locations: string[]
  table: string
  tablespace?: string
  target?: Version
  baselineVersion: Version
  baselineDescription?: string
  baselineOnMigrate: boolean
  outOfOrder: boolean
  placeholders: Record<string, string>
  placeholderSyntax: PlaceholderSyntax
  placeholderReplacement: boolean
  ignoreMigrationPatterns: string[]
  mixed: boolean
  validateOnMigrate: boolean
  createSchemas: boolean
  connectRetries?: number
  initSql?: string
  naming: Naming
  dryRun: boolean
  /** Encoding of the migration files (Flyway's `encoding`, default UTF-8). */
  encoding: string
  /** The configuration files read, for the log. */
  configFiles: string[]
}

const URL_FORM = 'a PostgreSQL URL like jdbc:postgresql://host:5432/db?sslmode=require or postgres://user@host:5432/db'
const IDENTIFIER = /^[^\0]{1,63}$/

/** Flyway settings an input also sets (input name → Flyway name). */
const INPUT_SETTINGS: Record<string, string> = {
  url: 'url',
  user: 'user',
  password: 'password',
  schemas: 'schemas',
  locations: 'locations',
  table: 'table',
  target: 'target',
  'baseline-version': 'baselineVersion',
  'baseline-on-migrate': 'baselineOnMigrate',
  'out-of-order': 'outOfOrder',
  encoding: 'encoding',
  'ignore-migration-patterns': 'ignoreMigrationPatterns',
  'placeholder-prefix': 'placeholderPrefix',
  'placeholder-suffix': 'placeholderSuffix',
  mixed: 'mixed',
  'init-sql': 'initSql',
}

/** Flyway settings read from the environment or files only. */
const OTHER_SETTINGS = new Set([
  'defaultSchema',
  'validateOnMigrate',
  'createSchemas',
  'connectRetries',
  'placeholderReplacement',
  'sqlMigrationPrefix',
  'repeatableSqlMigrationPrefix',
  'sqlMigrationSeparator',
  'sqlMigrationSuffixes',
  'tablespace',
  'baselineDescription',
  'environment',
  'configFiles',
  // Restricts `clean`, which this action never runs.
  'cleanDisabled',
])

function version(input: string, raw: string, fallback: string | undefined): Version | undefined {
  const text = raw.trim()
  if (!text) return fallback === undefined ? undefined : parseVersion(fallback)
  const v = parseVersion(text)
  if (!v)
    throw new ConfigurationError(input, 'a version like 2, 2.1 or 2_1 (digits separated by dots or underscores)', text)
  return v
}

function encodingOf(input: string, raw: string): string {
  const text = raw.trim() || 'UTF-8'
  const known = ENCODINGS.find((e) => e.toLowerCase() === text.toLowerCase())
  if (!known) throw new ConfigurationError(input, `one of ${ENCODINGS.join(', ')}`, text)
  return known
}

/** The configuration files: `config-files` (or FLYWAY_CONFIG_FILES), else flyway.toml / flyway.conf if present. */
function readConfigFiles(
  get: InputGetter,
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string | undefined,
): { settings: Settings; files: string[] } {
  const given = parseList(get('config-files') || env.FLYWAY_CONFIG_FILES || '')
  const names = given.length > 0 ? given : ['flyway.toml', 'flyway.conf']
  const layers: Settings[] = []
  const files: string[] = []
  for (const name of names) {
    const text = readFile(name)
    if (text === undefined) {
      if (given.length > 0) throw new ConfigurationError('config-files', 'existing Flyway configuration files', name)
      continue
    }
    files.push(name)
    layers.push(/\.toml$/i.test(name) ? settingsFromToml(text, name) : settingsFromConf(text, name, env))
  }
  return { settings: mergeSettings(...layers), files }
}

export function parseInputs(
  get: InputGetter,
  env: NodeJS.ProcessEnv = {},
  onSecret: (secret: string | undefined) => void = () => {},
  readFile: (path: string) => string | undefined = () => undefined,
): Inputs {
  const fromFiles = readConfigFiles(get, env, readFile)
  const settings = mergeSettings(fromFiles.settings, settingsFromEnv(env))
  /** An input, else the Flyway setting; `name` is what an error names (the input, variable or file key). */
  const pick = (input: string, setting = INPUT_SETTINGS[input] ?? input) => {
    const raw = get(input)
    if (raw) return { raw, name: input }
    const s = settings.get(setting)
    return s ? { raw: s.value.trim(), name: s.source } : { raw: '', name: input }
  }
  const setting = (key: string) => {
    const s = settings.get(key)
    return s ? { raw: s.value.trim(), name: s.source } : undefined
  }

  const url = pick('url')
  const password = pick('password')
  onSecret(password.raw)
  for (const secret of urlSecrets(url.raw)) onSecret(secret)

  for (const [key, s] of settings) {
    if (Object.values(INPUT_SETTINGS).includes(key) || OTHER_SETTINGS.has(key) || key.startsWith('placeholders.'))
      continue
    if (key === 'configFileEncoding' || key === 'driver') continue
    throw new ConfigurationError(s.source, `a Flyway setting this action supports (flyway.${key} is not)`)
  }

  const command = parseEnum('command', get('command'), COMMANDS, 'migrate')
  const reach = parseReachInputs(get, env)
  // With password-secret-id, an RDS secret's host, port and dbname stand in for the url.
  if (!url.raw && !reach.secret)
    throw new ConfigurationError(
      'url',
      `${URL_FORM} (or FLYWAY_URL, or flyway.url in flyway.conf); this input is required`,
    )
  let connection: ConnectionSettings = { host: '', port: 5432, database: '', sslmode: 'prefer' }
  try {
    if (url.raw) connection = parseDatabaseUrl(url.raw)
  } catch (error) {
    const why = error instanceof UrlError ? ` (${error.message})` : ''
    throw new ConfigurationError(url.name, `${URL_FORM}${why}`, redactUrl(url.raw))
  }
  const user = pick('user').raw
  if (user) connection.user = user
  if (password.raw) connection.password = password.raw
  if (!connection.user && !reach.secret)
    throw new ConfigurationError('user', 'a database user (the user input, FLYWAY_USER, or user= in the url)')

  // Unset: the connection's current schema, as Flyway (currentSchema= in a JDBC URL, else the
  // first existing schema of the user's search path).
  const schemasIn = pick('schemas')
  const schemas = parseList(schemasIn.raw)
  const defaultSchema = setting('defaultSchema')
  for (const s of [...schemas, ...(defaultSchema ? [defaultSchema.raw] : [])])
    if (!IDENTIFIER.test(s)) throw new ConfigurationError(schemasIn.name, 'schema names of 1 to 63 characters', s)

  const locationsIn = pick('locations')
  const locations = parseList(locationsIn.raw || 'db/migration')
  if (locations.length === 0) throw new ConfigurationError(locationsIn.name, 'one or more folders of migrations')
  for (const l of locations) {
    if (/^[a-z]+:/i.test(l) && !/^filesystem:/i.test(l)) {
      throw new ConfigurationError(
        locationsIn.name,
        'folders, optionally written filesystem:<dir> (classpath: and cloud locations need Flyway itself)',
        l,
      )
    }
  }
  const tableIn = pick('table')
  const table = tableIn.raw || 'flyway_schema_history'
  if (!IDENTIFIER.test(table)) throw new ConfigurationError(tableIn.name, 'a table name of 1 to 63 characters', table)

  const targetIn = pick('target')
  const target = /^latest$/i.test(targetIn.raw) ? undefined : version(targetIn.name, targetIn.raw, undefined)
  const bool = (input: string, fallback: boolean) => {
    const p = pick(input)
    return parseBool(p.name, p.raw, fallback)
  }
  const otherBool = (key: string, fallback: boolean) => {
    const s = setting(key)
    return s ? parseBool(s.name, s.raw, fallback) : fallback
  }

  const patternsIn = pick('ignore-migration-patterns')
  const ignoreMigrationPatterns = parseList(patternsIn.raw || '*:future')
  for (const p of ignoreMigrationPatterns) {
    const problem = ignorePatternProblem(p)
    if (problem)
      throw new ConfigurationError(patternsIn.name, `patterns like *:missing or versioned:ignored (${problem})`, p)
  }

  const placeholders: Record<string, string> = {}
  for (const [key, s] of settings)
    if (key.startsWith('placeholders.')) placeholders[key.slice('placeholders.'.length)] = s.value
  Object.assign(placeholders, parseKeyValues('placeholders', get('placeholders')))

  const naming: Naming = {
    versioned: setting('sqlMigrationPrefix')?.raw || DEFAULT_NAMING.versioned,
    repeatable: setting('repeatableSqlMigrationPrefix')?.raw || DEFAULT_NAMING.repeatable,
    separator: setting('sqlMigrationSeparator')?.raw || DEFAULT_NAMING.separator,
    suffixes: parseList(setting('sqlMigrationSuffixes')?.raw ?? '').length
      ? parseList(setting('sqlMigrationSuffixes')!.raw)
      : DEFAULT_NAMING.suffixes,
  }
  const retries = setting('connectRetries')
  const baselineVersion = pick('baseline-version')
  const encoding = pick('encoding')
  const inputs: Inputs = {
    command,
    reach,
    displayUrl: url.raw ? redactUrl(url.raw) : '(the database named by password-secret-id)',
    connection,
    schemas,
    locations,
    table,
    baselineVersion: version(baselineVersion.name, baselineVersion.raw, '1')!,
    baselineOnMigrate: bool('baseline-on-migrate', false),
    outOfOrder: bool('out-of-order', false),
    placeholders,
    placeholderSyntax: {
      prefix: pick('placeholder-prefix').raw || '${',
      suffix: pick('placeholder-suffix').raw || '}',
    },
    placeholderReplacement: otherBool('placeholderReplacement', true),
    ignoreMigrationPatterns,
    mixed: bool('mixed', false),
    validateOnMigrate: otherBool('validateOnMigrate', true),
    createSchemas: otherBool('createSchemas', true),
    naming,
    dryRun: parseBool('dry-run', get('dry-run'), false),
    encoding: encodingOf(encoding.name, encoding.raw),
    configFiles: fromFiles.files,
  }
  if (target) inputs.target = target
  if (defaultSchema) inputs.defaultSchema = defaultSchema.raw
  if (retries) inputs.connectRetries = parseInteger(retries.name, retries.raw, 0, { min: 0, max: 1000 })
  const initSql = pick('init-sql').raw
  if (initSql) inputs.initSql = initSql
  const tablespace = setting('tablespace')?.raw
  if (tablespace) inputs.tablespace = tablespace
  const baselineDescription = setting('baselineDescription')?.raw
  if (baselineDescription) inputs.baselineDescription = baselineDescription
  return inputs
}
