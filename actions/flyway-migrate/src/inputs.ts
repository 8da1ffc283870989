// The only reader of the action's inputs. parseInputs is pure (table-tested): it hands every
// secret to `onSecret` (the runner's mask) before it validates anything, and no error it throws
// quotes a credential.

import {
  COMMANDS,
  type Command,
  type ConnectionSettings,
  ENCODINGS,
  parseDatabaseUrl,
  parseVersion,
  redactUrl,
  UrlError,
  urlSecrets,
  type Version,
} from '@deploy-actions/flyway'
import {
  ConfigurationError,
  type InputGetter,
  parseBool,
  parseEnum,
  parseKeyValues,
  parseList,
} from '@deploy-actions/kit'

export interface Inputs {
  command: Command
  /** The URL with any password redacted, for logs and the summary. */
  displayUrl: string
  connection: ConnectionSettings
  schemas: string[]
  locations: string[]
  table: string
  target?: Version
  baselineVersion: Version
  baselineOnMigrate: boolean
  outOfOrder: boolean
  placeholders: Record<string, string>
  dryRun: boolean
  /** Encoding of the migration files (Flyway's `encoding`, default UTF-8). */
  encoding: string
}

const URL_FORM = 'a PostgreSQL URL like jdbc:postgresql://host:5432/db?sslmode=require or postgres://user@host:5432/db'
const IDENTIFIER = /^[^\0]{1,63}$/

function version(input: string, raw: string, fallback: string | undefined): Version | undefined {
  const text = raw.trim()
  if (!text) return fallback === undefined ? undefined : parseVersion(fallback)
  const v = parseVersion(text)
  if (!v)
    throw new ConfigurationError(input, 'a version like 2, 2.1 or 2_1 (digits separated by dots or underscores)', text)
  return v
}

function encodingOf(raw: string): string {
  const text = raw.trim() || 'UTF-8'
  const known = ENCODINGS.find((e) => e.toLowerCase() === text.toLowerCase())
  if (!known) throw new ConfigurationError('encoding', `one of ${ENCODINGS.join(', ')}`, text)
  return known
}

export function parseInputs(
  get: InputGetter,
  env: NodeJS.ProcessEnv = {},
  onSecret: (secret: string | undefined) => void = () => {},
): Inputs {
  const rawUrl = get('url') || (env.FLYWAY_URL ?? '').trim()
  const password = get('password') || env.FLYWAY_PASSWORD || ''
  onSecret(password)
  for (const secret of urlSecrets(rawUrl)) onSecret(secret)
  const command = parseEnum('command', get('command'), COMMANDS, 'migrate')
  if (!rawUrl) throw new ConfigurationError('url', `${URL_FORM} (or FLYWAY_URL); this input is required`)
  let connection: ConnectionSettings
  try {
    connection = parseDatabaseUrl(rawUrl)
  } catch (error) {
    const why = error instanceof UrlError ? ` (${error.message})` : ''
    throw new ConfigurationError('url', `${URL_FORM}${why}`, redactUrl(rawUrl))
  }
  const user = get('user') || (env.FLYWAY_USER ?? '').trim()
  if (user) connection.user = user
  if (password) connection.password = password
  if (!connection.user)
    throw new ConfigurationError('user', 'a database user (the user input, FLYWAY_USER, or user= in the url)')

  // Unset: the connection's current schema, as Flyway (currentSchema= in a JDBC URL, else the
  // first existing schema of the user's search path).
  const schemas = parseList(get('schemas'))
  for (const s of schemas)
    if (!IDENTIFIER.test(s)) throw new ConfigurationError('schemas', 'schema names of 1 to 63 characters', s)

  const locations = parseList(get('locations') || 'db/migration')
  if (locations.length === 0) throw new ConfigurationError('locations', 'one or more folders of migrations')
  for (const l of locations) {
    if (/^[a-z]+:/i.test(l) && !/^filesystem:/i.test(l)) {
      throw new ConfigurationError(
        'locations',
        'folders, optionally written filesystem:<dir> (classpath: and cloud locations need Flyway itself)',
        l,
      )
    }
  }
  const table = get('table') || 'flyway_schema_history'
  if (!IDENTIFIER.test(table)) throw new ConfigurationError('table', 'a table name of 1 to 63 characters', table)

  const targetRaw = get('target').trim()
  const target = /^latest$/i.test(targetRaw) ? undefined : version('target', targetRaw, undefined)
  const inputs: Inputs = {
    command,
    displayUrl: redactUrl(rawUrl),
    connection,
    schemas,
    locations,
    table,
    baselineVersion: version('baseline-version', get('baseline-version'), '1')!,
    baselineOnMigrate: parseBool('baseline-on-migrate', get('baseline-on-migrate'), false),
    outOfOrder: parseBool('out-of-order', get('out-of-order'), false),
    placeholders: parseKeyValues('placeholders', get('placeholders')),
    dryRun: parseBool('dry-run', get('dry-run'), false),
    encoding: encodingOf(get('encoding')),
  }
  if (target) inputs.target = target
  return inputs
}
