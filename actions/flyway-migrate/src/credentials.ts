// Database credentials from a Secrets Manager secret (pure): a plain string is the password; JSON
// as RDS-managed and rotation secrets hold it (`username`, `password`, `host`, `port`, `dbname`,
// `engine`) fills whatever the inputs left empty (the inputs win). Every form in which a secret
// part could be printed is listed for masking before anything else happens with it.
import type { ConnectionSettings } from '@deploy-actions/flyway'
import { ConfigurationError } from '@deploy-actions/kit'

export interface DatabaseSecret {
  password?: string
  username?: string
  host?: string
  port?: number
  dbname?: string
  engine?: string
}

/** The secret's value as credentials: JSON with a password/username, else the whole string is the password. */
export function parseSecretValue(text: string): DatabaseSecret {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    let doc: unknown
    try {
      doc = JSON.parse(trimmed)
    } catch {
      return { password: text }
    }
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
      const d = doc as Record<string, unknown>
      const str = (v: unknown) =>
        typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined
      const port = Number(str(d.port))
      const out: DatabaseSecret = {}
      const password = str(d.password)
      const username = str(d.username) ?? str(d.user)
      const host = str(d.host)
      const dbname = str(d.dbname) ?? str(d.database)
      const engine = str(d.engine)
      if (password !== undefined) out.password = password
      if (username !== undefined) out.username = username
      if (host !== undefined) out.host = host
      if (Number.isInteger(port) && port > 0 && port < 65536) out.port = port
      if (dbname !== undefined) out.dbname = dbname
      if (engine !== undefined) out.engine = engine
      return out
    }
  }
  return { password: text }
}

/**
 * What to mask: the whole value, the password and username, and the forms they take when quoted
 * elsewhere (JSON-escaped, URL-encoded). Host, port, database and engine are not secrets and stay
 * readable in the log (the engine name `postgres` masked would blank every URL).
 */
export function secretMaskParts(text: string, secret: DatabaseSecret): string[] {
  const parts = new Set<string>([text, text.trim()])
  for (const value of [secret.password, secret.username]) {
    if (!value) continue
    parts.add(value)
    parts.add(JSON.stringify(value).slice(1, -1))
    parts.add(encodeURIComponent(value))
  }
  return [...parts].filter((p) => p.length > 0)
}

/**
 * The connection with the secret filling what the inputs left empty: the password unless given,
 * the user, host, port and database when the url and inputs named none.
 */
export function fillConnection(
  connection: ConnectionSettings,
  secret: DatabaseSecret,
  given: { password: boolean; user: boolean; url: boolean },
): ConnectionSettings {
  const out = { ...connection }
  if (!given.password && secret.password !== undefined) out.password = secret.password
  if (!given.user && !out.user && secret.username) out.user = secret.username
  if (!given.url) {
    if (secret.host) out.host = secret.host
    if (secret.port) out.port = secret.port
    if (secret.dbname) out.database = secret.dbname
  }
  if (secret.engine && !/^(postgres|postgresql|aurora-postgresql)$/i.test(secret.engine))
    throw new ConfigurationError(
      'password-secret-id',
      'a secret of a PostgreSQL database (engine postgres)',
      secret.engine,
    )
  if (!out.host)
    throw new ConfigurationError(
      'url',
      'a PostgreSQL URL, or a password-secret-id whose JSON has host (and port, dbname)',
    )
  if (!out.user)
    throw new ConfigurationError(
      'user',
      'a database user (the user input, FLYWAY_USER, user= in the url, or username in the secret)',
    )
  return out
}
