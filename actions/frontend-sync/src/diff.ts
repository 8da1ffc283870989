// The comparison at the heart of the plan: local files against the listing → which are unchanged,
// which changed (or are new), which remote objects are stale, which need a HeadObject. Pure, and
// free of the header rules (mime-db, minimatch), so a sync with nothing to upload never loads them.
import type { GoLiveRank } from './files.ts'
import type { Kept } from './retention.ts'
import { isStateKey } from './state.ts'

export interface LocalFile {
  /** Path relative to `source`, with `/` separators. */
  path: string
  /** Absolute path on disk. */
  file: string
  size: number
  /** Hex digests of the content. */
  md5: string
  sha256: string
}

/** One object from ListObjectsV2 (which carries no metadata). */
export interface RemoteObject {
  key: string
  size: number
  /** As listed, quotes included or not. */
  etag: string
}

/** What HeadObject told us about an object whose listing could not settle the comparison. */
export interface RemoteHead {
  sha256?: string
  serverSideEncryption?: string
}

export type Comparison = 'same' | 'changed' | 'head'

export function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/"/g, '').toLowerCase()
}

/** A multipart upload's ETag is `<md5 of part md5s>-<parts>`, never the content MD5. */
export function isMultipartEtag(etag: string): boolean {
  return /-\d+$/.test(normalizeEtag(etag))
}

/** An ETag shaped like a content MD5 (it is one unless the object is SSE-KMS or SSE-C encrypted). */
export function isPlainEtag(etag: string): boolean {
  return /^[0-9a-f]{32}$/.test(normalizeEtag(etag))
}

/**
 * Compares a local file with its listed object as cheaply as possible:
 * - a different size is a change (no request);
 * - a plain ETag equal to the content MD5 is the same content (no request);
 * - a plain ETag that differs is a change (no request) when `etagsAreMd5` says this bucket's
 *   ETags are MD5s; when that is not known, it could be an SSE-KMS object whose ETag is no MD5;
 * - otherwise (a multipart ETag, or an unknown plain one) the answer needs HeadObject for the
 *   SHA-256 this action stores in metadata: 'head'.
 * With the head: the stored SHA-256 decides when present; without one, the object is replaced
 * (which also stores the SHA-256, so the next run settles it without doubt).
 */
export function compare(local: LocalFile, remote: RemoteObject, head?: RemoteHead, etagsAreMd5 = false): Comparison {
  if (local.size !== remote.size) return 'changed'
  const etag = normalizeEtag(remote.etag)
  const plain = isPlainEtag(etag)
  if (plain && etag === local.md5.toLowerCase()) return 'same'
  if (plain && etagsAreMd5 && !head) return 'changed'
  if (!head) return 'head'
  if (head.sha256) return head.sha256.toLowerCase() === local.sha256.toLowerCase() ? 'same' : 'changed'
  return 'changed'
}

export interface Upload {
  path: string
  key: string
  file: string
  size: number
  sha256: string
  md5: string
  /** `new` (no object yet) or `changed` (an object with other content is replaced). */
  reason: 'new' | 'changed'
  contentType: string
  cacheControl: string
  /** Which rule set the Cache-Control (a glob of the `cache-control` input, or `default (…)`). */
  cacheRule: string
  /** When it may go live: 1 assets, 2 web app manifests, 3 pages, 4 worker manifests, 5 workers. */
  phase: GoLiveRank
}

export interface Deletion {
  key: string
  size: number
}

export interface SyncPlan {
  /** By phase (assets first), each sorted by key. */
  uploads: Upload[]
  unchanged: string[]
  deletes: Deletion[]
  /** Old fingerprinted assets kept for open tabs (not deleted by this sync). */
  kept?: Kept[]
  /** The fingerprinted keys among `deletes`, deleted after their grace period. */
  expired?: string[]
  /** Keys that still need a HeadObject before they can be compared. */
  toHead: string[]
  /** Remote keys under the prefix that match `exclude` and are left alone. */
  excludedRemote: number
}

export interface DiffOptions {
  /** Normalised prefix: '' or `dir/` (ends with a slash). */
  prefix: string
  delete: boolean
  /** The `exclude` input as a predicate on paths relative to `source`. */
  isExcluded: (path: string) => boolean
  /** This bucket's plain ETags are known to be content MD5s (no HeadObject to confirm a change). */
  etagsAreMd5?: boolean
}

export interface Changed {
  file: LocalFile
  key: string
  reason: Upload['reason']
}

/** A plan before the per-file headers: `changed` instead of `uploads` (sorted by key). */
export interface SyncDiff extends Omit<SyncPlan, 'uploads'> {
  changed: Changed[]
}

export function byKey<T extends { key: string }>(a: T, b: T): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

/**
 * Compares. `heads` holds the HeadObject answers for keys a first call listed in `toHead`;
 * call again with them to settle those files (a diff with a non-empty `toHead` is not final).
 */
export function diffSource(
  local: readonly LocalFile[],
  remote: readonly RemoteObject[],
  options: DiffOptions,
  heads: ReadonlyMap<string, RemoteHead> = new Map(),
): SyncDiff {
  const remoteByKey = new Map<string, RemoteObject>()
  for (const o of remote) remoteByKey.set(o.key, o)
  const changed: Changed[] = []
  const unchanged: string[] = []
  const toHead: string[] = []
  const localKeys = new Set<string>()
  for (const f of local) {
    if (options.isExcluded(f.path)) continue
    const key = options.prefix + f.path
    localKeys.add(key)
    const existing = remoteByKey.get(key)
    const verdict = existing ? compare(f, existing, heads.get(key), options.etagsAreMd5) : 'changed'
    if (verdict === 'same') unchanged.push(key)
    else if (verdict === 'head') toHead.push(key)
    else changed.push({ file: f, key, reason: existing ? 'changed' : 'new' })
  }
  const deletes: Deletion[] = []
  let excludedRemote = 0
  for (const o of remote) {
    if (localKeys.has(o.key) || !o.key.startsWith(options.prefix) || isStateKey(o.key, options.prefix)) continue
    const path = o.key.slice(options.prefix.length)
    // Folder markers (`dir/`) are not files of the site; excluded paths are left alone.
    if (path === '' || path.endsWith('/')) continue
    if (options.isExcluded(path)) {
      excludedRemote++
      continue
    }
    if (options.delete) deletes.push({ key: o.key, size: o.size })
  }
  changed.sort(byKey)
  deletes.sort(byKey)
  unchanged.sort()
  toHead.sort()
  return { changed, unchanged, deletes, toHead, excludedRemote }
}

export function bytesOf(uploads: readonly Upload[]): number {
  return uploads.reduce((sum, u) => sum + u.size, 0)
}

/** The `n` largest uploads, largest first (for the summary). */
export function largest(uploads: readonly Upload[], n = 10): Upload[] {
  return [...uploads].sort((a, b) => b.size - a.size || byKey(a, b)).slice(0, n)
}
