// smoke-test's side of the check model (the model, its YAML parsing and evaluation live in
// @deploy-actions/http-check, shared with the canary's HTTP analysis): the checks of the `urls`
// input, unique names for the report, and what must never be printed. Pure: no I/O, no @actions/*.
import { type Check, type CheckDefaults, parseUrl } from '@deploy-actions/http-check'
import { isSecretHeader, parseList, REDACTED, secretParts, urlSecrets } from '@deploy-actions/kit'

/** Secret headers: kit's list and names that say so (X-Vault-Token, X-Client-Secret, …). */
export const isSecretHeaderName = isSecretHeader

/**
 * Values that must never be printed: every part of a secret header value (the whole value, the
 * credential after its auth scheme, cookie values) and URL credentials.
 */
export function secretsOf(checks: readonly Check[]): string[] {
  const out = new Set<string>()
  for (const c of checks) {
    for (const [k, v] of Object.entries(c.headers))
      if (isSecretHeaderName(k) && v) for (const p of secretParts(k, v)) out.add(p)
    for (const p of urlSecrets(c.url)) out.add(p)
  }
  return [...out]
}

/** Headers as they may be printed. */
export function printableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, isSecretHeaderName(k) ? REDACTED : v]))
}

/** The checks of the `urls` input: one URL a line (commas too), each with the action's defaults. */
export function checksFromUrls(raw: string, defaults: CheckDefaults): Check[] {
  return parseList(raw).map((line) => {
    const { url, displayUrl } = parseUrl('urls', line)
    return {
      name: `GET ${displayUrl}`,
      method: 'GET',
      url,
      displayUrl,
      headers: { ...defaults.headers },
      expect: { status: defaults.status, json: [], ...(defaults.body ? { body: defaults.body } : {}) },
    }
  })
}

/** Makes names unique (`name #2`), so the summary and report can be read by name. */
export function uniqueNames(checks: Check[]): Check[] {
  const seen = new Map<string, number>()
  return checks.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1
    seen.set(c.name, n)
    return n === 1 ? c : { ...c, name: `${c.name} #${n}` }
  })
}
