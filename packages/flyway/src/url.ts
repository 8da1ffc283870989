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

const SCHEME = /^(?:jdbc:)?[A-Za-z][A-Za-z0-9+.-]*:\/\//
/** A host (name, IPv4 or bracketed IPv6) with an optional port, possibly a comma-separated list. */
const HOSTS = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._%-]*)(?::\d*)?(?:,(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._%-]+)(?::\d*)?)*$/

/**
 * Splits `scheme://userinfo@rest`. A password may hold `@`, `#`, `/` or `?` unencoded (the WHATWG
 * parser would end the userinfo at the first of `/ ? #`), so the userinfo ends at the last `@`
 * after which a plain host follows. An `@` in a query value is then taken for the userinfo's end:
 * that hides more than needed when printed, never less.
 */
export function splitUserinfo(url: string): { scheme: string; userinfo?: string; rest: string } | undefined {
  const m = SCHEME.exec(url)
  if (!m) return undefined
  const scheme = url.slice(0, m[0].length)
  const after = url.slice(m[0].length)
  const ats = [...after.matchAll(/@/g)].map((x) => x.index)
  const hostAfter = (at: number) => HOSTS.test(after.slice(at + 1).split(/[/?#]/, 1)[0] ?? '')
  const at = ats.filter(hostAfter).at(-1)
  if (at === undefined) return { scheme, rest: after }
  return { scheme, userinfo: after.slice(0, at), rest: after.slice(at + 1) }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Every form of the URL's password (as written and decoded, userinfo and `password=`), to mask. */
export function urlSecrets(url: string): string[] {
  const found = new Set<string>()
  const parts = splitUserinfo(url.trim())
  const colon = parts?.userinfo?.indexOf(':') ?? -1
  if (parts?.userinfo && colon >= 0) {
    const raw = parts.userinfo.slice(colon + 1)
    found.add(raw)
    found.add(decode(raw))
  }
  for (const m of url.matchAll(/[?&]password=([^&#]*)/gi)) {
    found.add(m[1]!)
    found.add(decode(m[1]!))
  }
  found.delete('')
  return [...found]
}

/** The URL with its userinfo and any `password=` value replaced, safe to print or quote in an error. */
export function redactUrl(url: string): string {
  const parts = splitUserinfo(url)
  const shown = parts?.userinfo !== undefined ? `${parts.scheme}***@${parts.rest}` : url
  return shown.replace(/([?&]password=)[^&#]*/gi, '$1***')
}

export function parseDatabaseUrl(raw: string): ConnectionSettings {
  const text = raw.trim()
  // The userinfo is taken apart by hand (splitUserinfo), so a password with `@ # / ?` is read whole.
  const parts = splitUserinfo(text)
  const userinfo = parts?.userinfo
  const withoutUserinfo = parts ? `${parts.scheme}${parts.rest}` : text
  let rest: string
  if (/^jdbc:postgresql:/i.test(text)) {
    rest = withoutUserinfo.slice('jdbc:postgresql:'.length)
    // jdbc:postgresql:db (no host) means localhost:5432/db.
    if (!rest.startsWith('//')) rest = `//localhost/${rest}`
  } else if (/^postgres(ql)?:\/\//i.test(text)) {
    rest = withoutUserinfo.slice(withoutUserinfo.indexOf(':') + 1)
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
  const colon = userinfo?.indexOf(':') ?? -1
  const infoUser = userinfo === undefined ? '' : decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo)
  const infoPassword = userinfo !== undefined && colon >= 0 ? decode(userinfo.slice(colon + 1)) : ''
  const user = infoUser || (q.get('user') ?? undefined)
  const password = infoPassword || (q.get('password') ?? undefined)
  if (user) settings.user = user
  if (password) settings.password = password
  const schema = q.get('currentSchema')
  if (schema) settings.currentSchema = schema
  const app = q.get('ApplicationName') ?? q.get('application_name')
  if (app) settings.applicationName = app
  return settings
}
