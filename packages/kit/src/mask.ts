/** Header names whose values are secrets wherever they appear. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token)$/i

export const REDACTED = '***'

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.test(name)
}

/** A copy of the headers safe to print: secret header values replaced. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, isSecretHeader(k) ? REDACTED : v]))
}

/** Replaces every occurrence of each secret in `text` (secrets shorter than 4 chars are ignored as noise). */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join(REDACTED)
  return out
}
