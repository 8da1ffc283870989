// What one sync leaves for the next, in one small object beside the site
// (`<prefix>.frontend-sync/state.json`): the release count, old fingerprinted assets kept for open
// tabs (and since when), invalidations not yet sent, and whether this bucket's ETags are MD5s.
// One GET per sync, alongside the listing; written only when something in it changed. Pure.

/** The folder (under the prefix) that holds the state; never compared, uploaded or deleted. */
export const STATE_FOLDER = '.frontend-sync/'

export function stateKey(prefix: string): string {
  return `${prefix}${STATE_FOLDER}state.json`
}

export function isStateKey(key: string, prefix: string): boolean {
  return key.startsWith(`${prefix}${STATE_FOLDER}`)
}

export interface Retired {
  /** The last release whose build held this file. */
  lastRelease: number
  /** When a sync first found it gone from the build (ISO 8601). */
  since: string
}

export interface PendingInvalidation {
  paths: string[]
  /** When the first of these paths was recorded (ISO 8601). */
  since: string
}

export interface SyncState {
  /** Syncs that changed the site so far. */
  release: number
  /** `md5`: this bucket's single-part ETags are content MD5s (learnt from our own uploads). */
  etags?: 'md5' | 'opaque'
  /** Old fingerprinted assets kept for open tabs, by key. */
  retired: Record<string, Retired>
  /** Invalidation paths recorded before the files changed and not yet sent, by distribution. */
  pending: Record<string, PendingInvalidation>
}

export function emptyState(): SyncState {
  return { release: 0, retired: {}, pending: {} }
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/

/** Reads a stored state; anything unreadable gives the empty state and says why. */
export function parseState(text: string | undefined): { state: SyncState; problem?: string } {
  if (text === undefined) return { state: emptyState() }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { state: emptyState(), problem: 'not JSON' }
  }
  const r = raw as Partial<Record<keyof SyncState, unknown>> & { version?: unknown }
  if (typeof r !== 'object' || r === null || r.version !== 1 || !Number.isInteger(r.release)) {
    return { state: emptyState(), problem: 'not a version 1 state' }
  }
  const state: SyncState = { release: r.release as number, retired: {}, pending: {} }
  if (r.etags === 'md5' || r.etags === 'opaque') state.etags = r.etags
  for (const [key, v] of Object.entries((r.retired as Record<string, Retired>) ?? {})) {
    if (Number.isInteger(v?.lastRelease) && typeof v.since === 'string' && ISO.test(v.since)) state.retired[key] = v
  }
  for (const [id, v] of Object.entries((r.pending as Record<string, PendingInvalidation>) ?? {})) {
    const paths = Array.isArray(v?.paths) ? v.paths.filter((p) => typeof p === 'string' && p.startsWith('/')) : []
    if (paths.length > 0 && typeof v.since === 'string') state.pending[id] = { paths, since: v.since }
  }
  return { state }
}

export function serializeState(state: SyncState): string {
  const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)))
  return `${JSON.stringify(
    {
      version: 1,
      release: state.release,
      etags: state.etags,
      retired: sorted(state.retired),
      pending: sorted(state.pending),
    },
    null,
    1,
  )}\n`
}
