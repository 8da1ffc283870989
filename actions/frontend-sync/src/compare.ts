// The plan phase: walk and hash `source` while the bucket is listed, settle ambiguous ETags with
// HeadObject, and turn the comparison into a plan (uploads with their headers, deletes).
import { stat } from 'node:fs/promises'
import { ConfigurationError, DeployError, formatBytes, mapLimit } from '@deploy-actions/kit'
import { bytesOf, diffSource, type LocalFile, type RemoteHead, type RemoteObject, type SyncPlan } from './diff.ts'
import type { Inputs } from './inputs.ts'
import type { Deps } from './main.ts'
import { BucketNotFoundError } from './ports.ts'
import { hashEntries, listSource } from './walk.ts'

const NOTHING_DONE = 'nothing uploaded or deleted'

export function where(inputs: Pick<Inputs, 'bucket' | 'prefix'>): string {
  return `s3://${inputs.bucket}/${inputs.prefix}`
}

function refusal(inputs: Inputs, what: string): ConfigurationError {
  return new ConfigurationError(
    'source',
    `"${inputs.source}" ${what}; with delete: true this would delete every object under ${where(inputs)}, so frontend-sync refuses to run. Build the site into it first, or set delete: false`,
  )
}

async function checkSource(inputs: Inputs): Promise<void> {
  const st = await stat(inputs.source).catch(() => undefined)
  if (st?.isDirectory()) return
  if (inputs.delete) throw refusal(inputs, st ? 'is not a directory' : 'does not exist')
  throw new ConfigurationError('source', 'an existing directory', inputs.source)
}

function listingError(error: unknown): Error {
  const text =
    error instanceof BucketNotFoundError
      ? `${error.message} (${error.code})`
      : error instanceof Error
        ? error.message
        : String(error)
  return new DeployError(text, { leftState: NOTHING_DONE, cause: error })
}

type Listing = Promise<{ objects: RemoteObject[] } | { error: unknown }>

/**
 * Walks and hashes `source`. The listing (network) starts once the walk has found a file to sync,
 * never earlier (an empty source with delete: true is refused before any request), and overlaps
 * the hashing (disk, CPU).
 */
async function readSource(
  inputs: Inputs,
  deps: Deps,
  isExcluded: (path: string) => boolean,
): Promise<{ local: LocalFile[]; listing: Listing }> {
  let listing: Listing | undefined
  const startListing = () =>
    (listing ??= deps.s3.list(inputs.bucket, inputs.prefix).then(
      (objects) => ({ objects }),
      (error: unknown) => ({ error }),
    ))
  const entries = await listSource(inputs.source, isExcluded, startListing)
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

/** HeadObject for the keys whose ETag cannot settle the comparison (multipart, SSE-KMS). */
async function headAll(inputs: Inputs, deps: Deps, keys: readonly string[]): Promise<Map<string, RemoteHead>> {
  const heads = new Map<string, RemoteHead>()
  await mapLimit(keys, inputs.concurrency, async (key) => {
    try {
      // Gone since the listing: nothing to compare with, so it is uploaded.
      heads.set(key, (await deps.s3.head(inputs.bucket, key)) ?? {})
    } catch (error) {
      throw new DeployError(error instanceof Error ? error.message : String(error), {
        leftState: NOTHING_DONE,
        cause: error,
      })
    }
  })
  return heads
}

export async function planSync(inputs: Inputs, deps: Deps): Promise<SyncPlan> {
  const { log } = deps
  await checkSource(inputs)
  // The header rules (minimatch, mime-db) are loaded only when needed: for `exclude` globs here,
  // for uploads once the plan has some. A sync with nothing to upload never loads them.
  const isExcluded: (path: string) => boolean =
    inputs.exclude.length > 0
      ? await import('./plan.ts').then((m) => (path: string) => m.isExcluded(path, inputs.exclude))
      : () => false
  const { local, listing } = await readSource(inputs, deps, isExcluded)

  return log.group(`Compare with ${where(inputs)}`, async () => {
    const listed = await listing
    if ('error' in listed) throw listingError(listed.error)
    const remote = listed.objects
    const options = { prefix: inputs.prefix, delete: inputs.delete, isExcluded }
    let diff = diffSource(local, remote, options)
    log.info(`${remote.length} objects listed`)
    if (diff.toHead.length > 0) {
      const heads = await headAll(inputs, deps, diff.toHead)
      log.info(`${heads.size} objects checked with HeadObject (ETag is not a plain MD5)`)
      diff = diffSource(local, remote, options, heads)
    }
    const { changed, ...rest } = diff
    const plan: SyncPlan =
      changed.length > 0 ? (await import('./plan.ts')).completePlan(diff, inputs) : { uploads: [], ...rest }
    log.info(
      `plan: ${plan.uploads.length} to upload (${formatBytes(bytesOf(plan.uploads))}), ${plan.unchanged.length} unchanged, ` +
        `${plan.deletes.length} to delete${inputs.delete ? '' : ' (delete: false)'}`,
    )
    return plan
  })
}
