/** Header names whose values are secrets wherever they appear. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token)$/i
/** Names that say "secret" in other words (X-Vault-Token, X-Client-Secret, X-Session-Id, …). */
const SECRETISH_HEADER = /token|secret|passw|api-?key|auth|session|signature|credential|cookie/i

export const REDACTED = '***'

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.test(name) || SECRETISH_HEADER.test(name)
}

/** A copy of the headers safe to print: secret header values replaced. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, isSecretHeader(k) ? REDACTED : v]))
}

/** Replaces every occurrence of each secret in `text` (secrets shorter than 4 chars are ignored as noise). */
export function redact(text: string, secrets: Iterable<string>): string {
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...new Set(secrets)].filter((s) => s && s.length >= 4).sort((a, b) => b.length - a.length)
  let out = text
  for (const s of sorted) out = out.split(s).join(REDACTED)
  return out
}

/** Auth schemes whose credential follows the scheme name (RFC 9110 `credentials = auth-scheme [ 1*SP token68 ]`). */
const AUTH_SCHEME = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)[ \t]+(\S.*)$/s

/**
 * Every part of a secret header value that a server might echo on its own: the whole value, the
 * credential after an auth scheme (`Bearer <tok>`), the decoded `user:password` and password of
 * Basic, the `k=v` parameters of Digest-like schemes, and each value of a cookie list.
 */
export function secretParts(name: string, value: string): string[] {
  const parts = new Set<string>()
  const add = (s: string | undefined) => {
    const t = s?.trim()
    if (t) parts.add(t)
  }
  add(value)
  const lower = name.toLowerCase()
  if (lower === 'cookie' || lower === 'set-cookie') {
    for (const pair of value.split(';')) {
      const eq = pair.indexOf('=')
      if (eq > 0) add(pair.slice(eq + 1).replace(/^"|"$/g, ''))
    }
    return [...parts]
  }
  const scheme = AUTH_SCHEME.exec(value.trim())
  if (scheme) {
    const credential = scheme[2]!.trim()
    add(credential)
    if (scheme[1]!.toLowerCase() === 'basic') {
      const decoded = Buffer.from(credential, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon > 0 && /^[\x20-\x7e]+$/.test(decoded)) {
        add(decoded)
        add(decoded.slice(colon + 1))
      }
    }
    for (const m of credential.matchAll(/([A-Za-z0-9_-]+)=("([^"]*)"|[^,\s]+)/g)) add(m[3] ?? m[2])
  }
  return [...parts]
}

/**
 * A URL as it may be quoted: credentials replaced (`https://user:***@host/`, `https://***@host/`
 * when only a user, often a token, is given). Text that does not parse as a URL has everything up
 * to its last `@` after the scheme replaced, so a password holding `/`, `?`, `#` or `@` is never
 * shown either.
 */
export function redactUrl(raw: string): string {
  const text = raw.trim()
  try {
    const u = new URL(text)
    if (!u.username && !u.password) return text
    if (u.password) u.password = REDACTED
    else u.username = REDACTED
    return u.href
  } catch {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(.*)$/s.exec(text)
    const rest = scheme ? scheme[2]! : text
    const at = rest.lastIndexOf('@')
    if (at < 0 || (!scheme && !rest.slice(0, at).includes(':'))) return text
    return `${scheme ? scheme[1] : ''}${REDACTED}@${rest.slice(at + 1)}`
  }
}

/** The credential parts of a URL (user and password, raw and decoded), for masking and redaction. */
export function urlSecrets(raw: string): string[] {
  const out = new Set<string>()
  try {
    const u = new URL(raw.trim())
    // The password; or the user when there is no password (a token given as the user name).
    for (const part of [u.password || u.username]) {
      if (!part) continue
      out.add(part)
      try {
        out.add(decodeURIComponent(part))
      } catch {}
    }
  } catch {}
  return [...out]
}
