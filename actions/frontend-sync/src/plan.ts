// The sync plan: local files (walked and hashed) against the bucket listing → what to upload,
// what to skip, what to delete, in the order that keeps the live site consistent.
// Pure: no SDK, no @actions/*, no file system. The comparison itself is in diff.ts.

import {
  byKey,
  diffSource,
  type LocalFile,
  type RemoteHead,
  type RemoteObject,
  type SyncDiff,
  type SyncPlan,
  type Upload,
} from './diff.ts'
import { type Framework, goLiveRank } from './files.ts'
import { type CacheRule, cacheControlFor, contentTypeFor, matchesGlob, type TypeOverride } from './rules.ts'

export { normalizePrefix, SHA256_METADATA } from './config.ts'
export {
  bytesOf,
  type Comparison,
  compare,
  type Deletion,
  isMultipartEtag,
  type LocalFile,
  largest,
  normalizeEtag,
  type RemoteHead,
  type RemoteObject,
  type SyncPlan,
  type Upload,
} from './diff.ts'

export interface PlanOptions {
  /** Normalised prefix: '' or `dir/` (ends with a slash). */
  prefix: string
  delete: boolean
  exclude: readonly string[]
  cacheRules: readonly CacheRule[]
  typeOverrides: readonly TypeOverride[]
}

export function isExcluded(path: string, exclude: readonly string[]): boolean {
  return exclude.some((glob) => matchesGlob(path, glob))
}

/** The uploads of a diff with their headers and phase (go-live rank: assets first, workers last). */
export function completePlan(
  diff: SyncDiff,
  options: Pick<PlanOptions, 'cacheRules' | 'typeOverrides'>,
  framework: Framework = 'none',
): SyncPlan {
  const { changed, ...rest } = diff
  const uploads: Upload[] = changed.map(({ file: f, key, reason }) => {
    const cache = cacheControlFor(f.path, options.cacheRules, framework)
    return {
      path: f.path,
      key,
      file: f.file,
      size: f.size,
      sha256: f.sha256,
      md5: f.md5,
      reason,
      contentType: contentTypeFor(f.path, options.typeOverrides),
      cacheControl: cache.value,
      cacheRule: cache.source,
      phase: goLiveRank(f.path, framework),
    }
  })
  uploads.sort((a, b) => a.phase - b.phase || byKey(a, b))
  return { uploads, ...rest }
}

/**
 * Builds the plan. `heads` holds the HeadObject answers for keys a first call listed in `toHead`;
 * call again with them to settle those files (a plan with a non-empty `toHead` is not final).
 */
export function buildPlan(
  local: readonly LocalFile[],
  remote: readonly RemoteObject[],
  options: PlanOptions,
  heads: ReadonlyMap<string, RemoteHead> = new Map(),
): SyncPlan {
  const diff = diffSource(
    local,
    remote,
    { prefix: options.prefix, delete: options.delete, isExcluded: (path) => isExcluded(path, options.exclude) },
    heads,
  )
  return completePlan(diff, options)
}
