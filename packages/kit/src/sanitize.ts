import { createHash } from 'node:crypto'

/** 6 hex characters of SHA-256, to keep shortened names unique. */
export function shortHash(text: string, length = 6): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length)
}

/** Shortens `name` to `max` characters, replacing the tail with `-<hash>` so distinct long names stay distinct. */
export function truncateWithHash(name: string, max: number, separator = '-'): string {
  if (name.length <= max) return name
  const hash = shortHash(name)
  const head = name.slice(0, max - hash.length - separator.length).replace(/[-.]+$/, '')
  return `${head}${separator}${hash}`
}

/**
 * An RDS identifier: starts with a letter; letters, digits and single hyphens; no trailing hyphen;
 * at most `max` characters (255 for instance snapshots, 63 for clusters). `v2.1.0` → `v2-1-0`.
 */
export function sanitizeRdsIdentifier(name: string, max = 255): string {
  let id = name
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (!/^[A-Za-z]/.test(id)) id = `s-${id}`.replace(/-+$/, '')
  id = truncateWithHash(id, max)
  return id.replace(/-+$/, '')
}

/** A DNS-1123 label for Kubernetes names: lower case, digits and hyphens, at most 63. */
export function sanitizeDnsLabel(name: string, max = 63): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '')
  return truncateWithHash(label || 'x', max).replace(/-+$/, '')
}
