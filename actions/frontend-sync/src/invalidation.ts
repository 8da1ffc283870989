// Which CloudFront paths to invalidate after a sync. Pure: no SDK, no @actions/*.
import { posix } from 'node:path'

/**
 * The limits this action keeps to. CloudFront allows 3,000 file paths and 15 wildcard paths in
 * progress per distribution at a time (and bills each path past 1,000 a month): one sync sends
 * at most 300 paths, of which at most 5 wildcards, leaving room for other deploys to the same
 * distribution. Past that it collapses to directory wildcards (`/assets/*`), and past 5 of those
 * to `/*`.
 */
export const MAX_PATHS = 300
export const MAX_WILDCARDS = 5
export const EVERYTHING = '/*'

export type InvalidateMode = 'changed' | 'all' | 'none'

/**
 * CloudFront matches invalidation paths against the URL path as requested, so non-ASCII and
 * RFC 1738 unsafe characters (space, `<>"#%{}|\\^~[]` and the backtick) are percent-encoded, and
 * nothing else (encoding more would miss), as its developer guide asks ("Specifying the objects to
 * invalidate"). Two more, because they mean something in an invalidation path: `?` (would start a
 * query string; a browser sends a `?` in a file name as `%3F`) and `*` (a wildcard).
 */
export function encodePath(path: string): string {
  let out = ''
  for (const ch of path) {
    if (/[\x21-\x7e]/.test(ch) && !/[<>"#%{}|\\^~[\]`?*]/.test(ch)) out += ch
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/**
 * The paths of changed and deleted object keys, sorted. An `index.html` is also served as its
 * directory (`docs/page3/index.html` → `/docs/page3/`, the root one → `/`), so both are sent.
 * With `cleanUrls` (a CloudFront function maps `/about` to `about.html`, as Next.js
 * `trailingSlash: false` exports need), `about.html` is also sent as `/about`.
 */
export function pathsForKeys(keys: Iterable<string>, options: { cleanUrls?: boolean } = {}): string[] {
  const paths = new Set<string>()
  for (const key of keys) {
    const path = `/${encodePath(key)}`
    paths.add(path)
    const base = posix.basename(key)
    if (base === 'index.html') paths.add(path.slice(0, -'index.html'.length))
    else if (options.cleanUrls && base.endsWith('.html')) paths.add(path.slice(0, -'.html'.length))
  }
  return [...paths].sort()
}

/** The directories (`/a/`, `/a/b/`) strictly above a path; `/a/b/` itself is above nothing below it. */
function directoriesAbove(path: string): string[] {
  const dirs: string[] = []
  for (let i = path.indexOf('/', 1); i !== -1 && i < path.length - 1; i = path.indexOf('/', i + 1)) {
    dirs.push(path.slice(0, i + 1))
  }
  return dirs
}

function covers(dir: string, path: string): boolean {
  return path.startsWith(dir) && path !== dir
}

export interface CollapseLimits {
  maxPaths?: number
  maxWildcards?: number
}

/**
 * Fits a path set within the limits: unchanged when small enough; else, greedily, the directory
 * wildcard that replaces the most paths (the deepest such directory on a tie) until the set fits;
 * `/*` when more than `maxWildcards` would be needed.
 */
export function collapsePaths(paths: readonly string[], limits: CollapseLimits = {}): string[] {
  const maxPaths = limits.maxPaths ?? MAX_PATHS
  const maxWildcards = limits.maxWildcards ?? MAX_WILDCARDS
  if (paths.includes(EVERYTHING)) return [EVERYTHING]
  let rest = [...new Set(paths)]
  let wildcards: string[] = []
  while (rest.length + wildcards.length > maxPaths) {
    const counts = new Map<string, number>()
    for (const p of rest) for (const d of directoriesAbove(p)) counts.set(d, (counts.get(d) ?? 0) + 1)
    let best: string | undefined
    let bestCount = 1
    for (const [dir, count] of counts) {
      if (count > bestCount || (count === bestCount && best !== undefined && dir.length > best.length)) {
        best = dir
        bestCount = count
      }
    }
    if (best === undefined) return [EVERYTHING]
    const dir = best
    wildcards = wildcards.filter((w) => !covers(dir, w.slice(0, -1)))
    wildcards.push(`${dir}*`)
    if (wildcards.length > maxWildcards) return [EVERYTHING]
    rest = rest.filter((p) => !covers(dir, p))
  }
  return [...wildcards, ...rest].sort()
}

/**
 * The invalidation for a sync. `changed`: the paths of replaced and deleted objects (new ones
 * were not cached), collapsed to fit. `all`: `/*` when anything was uploaded or deleted.
 * Nothing changed means nothing to invalidate in either mode.
 */
export function planInvalidation(
  mode: InvalidateMode,
  change: { replacedOrDeleted: readonly string[]; anyChange: boolean; cleanUrls?: boolean },
  limits?: CollapseLimits,
): string[] {
  if (mode === 'none' || !change.anyChange) return []
  if (mode === 'all') return [EVERYTHING]
  return collapsePaths(pathsForKeys(change.replacedOrDeleted, { cleanUrls: change.cleanUrls }), limits)
}
