// The parsed forms of the rule inputs, kept apart from rules.ts so that reading inputs does not
// load minimatch or mime-db (a bad input is rejected before they are loaded). Pure.

export interface CacheRule {
  glob: string
  value: string
}

/** The rules from the `cache-control` input (`glob=value` lines, first match wins). */
export function cacheRules(map: Record<string, string>): CacheRule[] {
  return Object.entries(map).map(([glob, value]) => ({ glob, value }))
}

export interface TypeOverride {
  /** A glob (`assets/*.data`) or an extension (`.data`). */
  pattern: string
  type: string
}

export function typeOverrides(map: Record<string, string>): TypeOverride[] {
  return Object.entries(map).map(([pattern, type]) => ({ pattern, type }))
}

/** The S3 metadata key holding the SHA-256 of the content (sent as `x-amz-meta-sha256`). */
export const SHA256_METADATA = 'sha256'

/** `/a/b/` and `a/b` both give `a/b/`; '' and `/` give ''. */
export function normalizePrefix(prefix: string): string {
  const p = prefix.trim().replace(/^\/+|\/+$/g, '')
  return p ? `${p}/` : ''
}
