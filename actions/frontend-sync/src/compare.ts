// The plan phase: walk and hash `source` while the bucket is listed and the state of the last
// sync is read, settle what the listing cannot (HeadObject), and turn the comparison into a plan:
// uploads with their headers and go-live order, deletes, old assets kept for open tabs.
import { realpathSync, type Stats, statSync } from 'node:fs'
import { sep } from 'node:path'
import { ConfigurationError, DeployError, formatBytes, mapLimit } from '@deploy-actions/kit'
import {
  bytesOf,
  diffSource,
  isPlainEtag,
  type LocalFile,
  type RemoteHead,
  type RemoteObject,
  type SyncDiff,
  type SyncPlan,
} from './diff.ts'
import { detectFramework, type Framework, isFingerprinted, nextBuildIdOnlyChange } from './files.ts'
import type { Inputs } from './inputs.ts'
import type { Deps } from './main.ts'
import { BucketNotFoundError } from './ports.ts'
import { applyRetention, hasNewStale, type Retention } from './retention.ts'
import { parseState, type SyncState, stateKey } from './state.ts'
import { hashEntries, listSource } from './walk.ts'

const NOTHING_DONE = 'nothing uploaded or deleted'

export function where(inputs: Pick<Inputs, 'bucket' | 'prefix'>): string {
  return `s3://${inputs.bucket}/${inputs.prefix}`
}

export interface Planned {
  plan: SyncPlan
  framework: Framework
  /** The state the last sync left. */
  state: SyncState
  /** The state to leave after this sync (pending invalidations are main's to set). */
  next: SyncState
  retention: Retention
  /** True when the build differs from what is online (a new release). */
  siteChanged: boolean
  /** For the summary: things the user should know and can fix. */
  warnings: string[]
}

function refusal(inputs: Inputs, what: string): ConfigurationError {
  return new ConfigurationError(
    'source',
    `"${inputs.source}" ${what}; with delete: true this would delete every object under ${where(inputs)}, so frontend-sync refuses to run. Build the site into it first, or set delete: false`,
  )
}

// Synchronous file-system calls here and in the walk: each is microseconds, where a thread-pool
// round trip waits for a turn on a busy runner.
async function checkSource(inputs: Inputs): Promise<void> {
  let st: Stats | undefined
  try {
    st = statSync(inputs.source)
  } catch {}
  if (!st?.isDirectory()) {
    if (inputs.delete) throw refusal(inputs, st ? 'is not a directory' : 'does not exist')
    throw new ConfigurationError('source', 'an existing directory', inputs.source)
  }
  // A workflow publishes its own build: a source that resolves (through `..` or a symlink) outside
  // the checkout is refused unless explicitly allowed.
  if (inputs.workspace && !inputs.allowSourceOutsideWorkspace) {
    const real = realpathSync(inputs.source)
    let workspace = ''
    try {
      workspace = realpathSync(inputs.workspace)
    } catch {}
    if (workspace && real !== workspace && !real.startsWith(workspace.endsWith(sep) ? workspace : workspace + sep)) {
      throw new ConfigurationError(
        'source',
        `a directory inside the workspace (${inputs.workspace}); "${inputs.source}" resolves to ${real}. Set allow-source-outside-workspace: true to publish it anyway`,
      )
    }
  }
}

function failed(error: unknown): DeployError {
  const text =
    error instanceof BucketNotFoundError
      ? `${error.message} (${error.code})`
      : error instanceof Error
        ? error.message
        : String(error)
  return new DeployError(text, { leftState: NOTHING_DONE, cause: error })
}

type Remote = { objects: RemoteObject[]; stateText: string | undefined }
type Listing = Promise<Remote | { error: unknown }>

/**
 * Walks and hashes `source`. The listing and the state read (network) start once the walk has
 * found a file to sync, never earlier (an empty source with delete: true is refused before any
 * request), and overlap the hashing (disk, CPU).
 */
async function readSource(
  inputs: Inputs,
  deps: Deps,
  isExcluded: (path: string) => boolean,
): Promise<{ local: LocalFile[]; listing: Listing }> {
  let listing: Listing | undefined
  const startListing = () =>
    (listing ??= Promise.all([
      deps.s3.list(inputs.bucket, inputs.prefix),
      deps.s3.getText(inputs.bucket, stateKey(inputs.prefix)),
    ]).then(
      ([objects, stateText]) => ({ objects, stateText }),
      (error: unknown) => ({ error }),
    ))
  const entries = await listSource(inputs.source, isExcluded, startListing, inputs.followSymlinks)
  if (entries.length === 0 && inputs.delete) {
    throw refusal(inputs, inputs.exclude.length ? 'has no files left after exclude' : 'has no files')
  }
  const started = startListing()
  const local = await deps.log.group(`Read ${inputs.source}`, async () => {
    const files = await hashEntries(entries)
    deps.log.info(`${files.length} files, ${formatBytes(files.reduce((s, f) => s + f.size, 0))}, hashed`)
    return files
  })
  return { local, listing: started }
}

async function headAll(inputs: Inputs, deps: Deps, keys: readonly string[], heads: Map<string, RemoteHead>) {
  await mapLimit(keys, inputs.concurrency, async (key) => {
    deps.signal?.throwIfAborted()
    try {
      // Gone since the listing: nothing to compare with, so it is uploaded.
      heads.set(key, (await deps.s3.head(inputs.bucket, key)) ?? {})
    } catch (error) {
      throw failed(error)
    }
  })
}

/**
 * Compares, asking HeadObject only where the listing cannot decide. A same-size file whose plain
 * ETag differs from its MD5 changed, unless this bucket's ETags are not MD5s (SSE-KMS): known from
 * the state once this action has uploaded here; else one HeadObject of such a file settles it.
 */
async function compareAll(
  inputs: Inputs,
  deps: Deps,
  local: readonly LocalFile[],
  remote: readonly RemoteObject[],
  state: SyncState,
  isExcluded: (path: string) => boolean,
): Promise<{ diff: SyncDiff; etags: SyncState['etags'] }> {
  const { log } = deps
  const base = { prefix: inputs.prefix, delete: inputs.delete, isExcluded }
  let etags = state.etags
  let diff = diffSource(local, remote, { ...base, etagsAreMd5: etags === 'md5' })
  const heads = new Map<string, RemoteHead>()
  const etagOf = new Map(remote.map((o) => [o.key, o.etag]))
  const plainToHead = diff.toHead.filter((k) => isPlainEtag(etagOf.get(k) ?? ''))
  if (etags === undefined && plainToHead.length > 0) {
    const probe = plainToHead[0]!
    await headAll(inputs, deps, [probe], heads)
    const h = heads.get(probe)!
    const file = local.find((f) => inputs.prefix + f.path === probe)
    const opaque = /kms/i.test(h.serverSideEncryption ?? '') || (h.sha256 !== undefined && h.sha256 === file?.sha256)
    etags = opaque ? 'opaque' : 'md5'
    log.info(
      `ETags in this bucket are ${opaque ? 'not content MD5s (SSE-KMS): HeadObject settles them' : 'content MD5s'} (checked on ${probe})`,
    )
    diff = diffSource(local, remote, { ...base, etagsAreMd5: etags === 'md5' }, heads)
  }
  const byEtag = etags === 'md5' ? diff.changed.filter((c) => etagOf.get(c.key) !== undefined).length : 0
  if (byEtag > 0) log.info(`${byEtag} changed files told apart by size or ETag in the listing (no HeadObject)`)
  const rest = diff.toHead.filter((k) => !heads.has(k))
  if (rest.length > 0) {
    await headAll(inputs, deps, rest, heads)
    const multipart = rest.filter((k) => !isPlainEtag(etagOf.get(k) ?? '')).length
    const why = [
      multipart ? `${multipart} multipart ETags` : '',
      rest.length - multipart ? `${rest.length - multipart} ETags that are not MD5s (SSE-KMS)` : '',
    ]
      .filter(Boolean)
      .join(', ')
    log.info(`${rest.length} objects checked with HeadObject (${why})`)
    diff = diffSource(local, remote, { ...base, etagsAreMd5: etags === 'md5' }, heads)
  }
  return { diff, etags }
}

export async function planSync(inputs: Inputs, deps: Deps): Promise<Planned> {
  const { log, clock } = deps
  await checkSource(inputs)
  // The header rules (minimatch, mime-db) are loaded only when needed: for `exclude` globs here,
  // for uploads once the plan has some. A sync with nothing to upload never loads them.
  const isExcluded: (path: string) => boolean =
    inputs.exclude.length > 0
      ? await import('./plan.ts').then((m) => (path: string) => m.isExcluded(path, inputs.exclude))
      : () => false
  const { local, listing } = await readSource(inputs, deps, isExcluded)
  deps.signal?.throwIfAborted()
  const framework = inputs.framework === 'auto' ? detectFramework(local.map((f) => f.path)) : inputs.framework

  return log.group(`Compare with ${where(inputs)}`, async () => {
    const listed = await listing
    if ('error' in listed) throw failed(listed.error)
    const remote = listed.objects
    const read = parseState(listed.stateText)
    const warnings: string[] = []
    if (read.problem)
      warnings.push(`The state of the last sync (${stateKey(inputs.prefix)}) was ignored: ${read.problem}.`)
    log.info(`${remote.length} objects listed${framework === 'none' ? '' : `; a ${framework} build`}`)
    const { diff, etags } = await compareAll(inputs, deps, local, remote, read.state, isExcluded)
    const { changed, ...rest } = diff
    // The SDK (not needed so far when the reads went direct) loads while the plan is completed.
    if (changed.length > 0 || rest.deletes.length > 0) deps.s3.prepareWrites?.()
    const plan: SyncPlan =
      changed.length > 0 ? (await import('./plan.ts')).completePlan(diff, inputs, framework) : { uploads: [], ...rest }

    const previous = read.state.retired
    const siteChanged = plan.uploads.length > 0 || hasNewStale(plan.deletes, previous)
    const release = read.state.release + (siteChanged ? 1 : 0)
    const retention = applyRetention(plan.deletes, {
      previous,
      localKeys: new Set(local.map((f) => inputs.prefix + f.path)),
      policy: inputs.keepOldAssets,
      now: clock.now(),
      release,
      isFingerprinted: (key) => isFingerprinted(key.slice(inputs.prefix.length), framework),
    })
    plan.deletes = retention.deletes
    plan.kept = retention.kept
    plan.expired = retention.expired

    if (framework === 'next' && plan.uploads.length > 0) {
      const remotePaths = remote.filter((o) => !previous[o.key]).map((o) => o.key.slice(inputs.prefix.length))
      const change = nextBuildIdOnlyChange(
        local.map((f) => f.path),
        remotePaths,
        new Set(plan.uploads.map((u) => u.path)),
      )
      if (change) {
        const text =
          `Next.js gave this build a new buildId (\`${change.from}\` → \`${change.to}\`) while every other hashed asset is unchanged, ` +
          'so every page and RSC payload was uploaded again. Make builds reproducible: in next.config, ' +
          '`generateBuildId: async () => process.env.GITHUB_SHA`.'
        warnings.push(text)
        log.warning(text)
      }
    }
    log.info(
      `plan: ${plan.uploads.length} to upload (${formatBytes(bytesOf(plan.uploads))}), ${plan.unchanged.length} unchanged, ` +
        `${plan.deletes.length} to delete${inputs.delete ? '' : ' (delete: false)'}` +
        (retention.kept.length ? `, ${retention.kept.length} old assets kept for open tabs` : ''),
    )
    const next: SyncState = { release, retired: retention.retired, pending: { ...read.state.pending } }
    if (etags) next.etags = etags
    return { plan, framework, state: read.state, next, retention, siteChanged, warnings }
  })
}
