// Connection settings from Flyway's JDBC form (`jdbc:postgresql://host:port/db?sslmode=…&user=…`)
// or a libpq URL (`postgres://user:pass@host:port/db?sslmode=…`). Pure: returns what `pg` needs.

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full'

export interface ConnectionSettings {
  host: string
  port: number
  database: string
  user?: string
  password?: string
  sslmode: SslMode
  /** `currentSchema` from a JDBC URL, if given. */
  currentSchema?: string
  applicationName?: string
}

export class UrlError extends Error {
  override name = 'UrlError'
}

const SSL_MODES: SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']

/** The URL with any password replaced, safe to print. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@?#]*:)[^@/?#]*@/, '$1***@').replace(/([?&]password=)[^&]*/gi, '$1***')
}

export function parseDatabaseUrl(raw: string): ConnectionSettings {
  const text = raw.trim()
  let rest: string
  if (/^jdbc:postgresql:/i.test(text)) {
    rest = text.slice('jdbc:postgresql:'.length)
    // jdbc:postgresql:db (no host) means localhost:5432/db.
    if (!rest.startsWith('//')) rest = `//localhost/${rest}`
  } else if (/^postgres(ql)?:\/\//i.test(text)) {
    rest = text.slice(text.indexOf(':') + 1)
  } else {
    throw new UrlError('not a PostgreSQL URL')
  }
  let parsed: URL
  try {
    // Multi-host JDBC URLs (host1:5432,host2:5432) connect to the first host, as the driver tries first.
    const firstHost = rest.replace(/^(\/\/[^/?#]*?),[^/?#]*/, '$1')
    parsed = new URL(`postgres:${firstHost}`)
  } catch {
    throw new UrlError('malformed URL')
  }
  const q = parsed.searchParams
  const sslmodeRaw = (q.get('sslmode') ?? (q.get('ssl') === 'true' ? 'require' : 'prefer')).toLowerCase()
  if (!SSL_MODES.includes(sslmodeRaw as SslMode)) throw new UrlError(`unknown sslmode "${sslmodeRaw}"`)
  const port = parsed.port ? Number(parsed.port) : 5432
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UrlError('bad port')
  const host = decodeURIComponent(parsed.hostname.replace(/^\[|\]$/g, '')) || q.get('host') || 'localhost'
  const settings: ConnectionSettings = {
    host,
    port,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    sslmode: sslmodeRaw as SslMode,
  }
  const user = parsed.username ? decodeURIComponent(parsed.username) : (q.get('user') ?? undefined)
  const password = parsed.password ? decodeURIComponent(parsed.password) : (q.get('password') ?? undefined)
  if (user) settings.user = user
  if (password) settings.password = password
  const schema = q.get('currentSchema')
  if (schema) settings.currentSchema = schema
  const app = q.get('ApplicationName') ?? q.get('application_name')
  if (app) settings.applicationName = app
  return settings
}
