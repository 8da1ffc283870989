// The sync: walk and hash `source`, list the bucket, plan, upload assets, then entry points,
// then delete, then invalidate. Clients, clock and logger are injected.
import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { awsErrorName } from '@deploy-actions/aws'
import {
  type Clock,
  ConfigurationError,
  DeployError,
  formatBytes,
  type Logger,
  mapLimit,
  progressReporter,
  retry,
} from '@deploy-actions/kit'
import { bytesOf, diffSource, type RemoteHead, type RemoteObject, type SyncPlan, type Upload } from './diff.ts'
import type { Inputs } from './inputs.ts'
import { planInvalidation } from './invalidation.ts'
import type { CloudFrontPort, S3Port } from './ports.ts'
import { hashEntries, listSource } from './walk.ts'

export interface Deps {
  s3: S3Port
  /** Needed only when `distribution-id` is set and `invalidate` is not `none`. */
  cloudfront?: CloudFrontPort
  clock: Clock
  log: Logger
  /** A unique CallerReference per sync (the default includes the run, the attempt and a UUID). */
  callerReference?: () => string
  env?: NodeJS.ProcessEnv
}

/** How long to wait for `Completed` (CloudFront usually takes one to five minutes). */
export const INVALIDATION_TIMEOUT_MS = 20 * 60_000
/** How long to keep retrying CreateInvalidation while the distribution has too many in progress. */
export const THROTTLE_DEADLINE_MS = 10 * 60_000

export interface SyncResult {
  dryRun: boolean
  plan?: SyncPlan
  uploaded: number
  bytesUploaded: number
  deleted: number
  unchanged: number
  paths: string[]
  invalidationId?: string
  invalidationStatus?: 'planned' | 'created' | 'completed' | 'skipped'
  /** Why no invalidation was sent, when none was. */
  invalidationNote?: string
}

export function newResult(dryRun = false): SyncResult {
  return { dryRun, uploaded: 0, bytesUploaded: 0, deleted: 0, unchanged: 0, paths: [] }
}

function where(inputs: Inputs): string {
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

function bucketError(inputs: Inputs, error: unknown): Error {
  const name = awsErrorName(error) ?? 'Error'
  const detail = error instanceof Error ? error.message : String(error)
  const text =
    name === 'NoSuchBucket'
      ? `bucket "${inputs.bucket}" does not exist (NoSuchBucket)`
      : `cannot list bucket "${inputs.bucket}" under "${inputs.prefix}": ${name}: ${detail}`
  return new DeployError(text, { leftState: 'nothing uploaded or deleted', cause: error })
}

function describeUpload(u: Upload): string {
  return `${u.reason === 'new' ? 'new    ' : 'changed'} ${u.key} (${formatBytes(u.size)}, ${u.contentType}, ${u.cacheControl})`
}

export async function run(
  inputs: Inputs,
  deps: Deps,
  result: SyncResult = newResult(inputs.dryRun),
): Promise<SyncResult> {
  const { log, s3 } = deps
  result.dryRun = inputs.dryRun
  await checkSource(inputs)
  // The header rules (minimatch, mime-db) are loaded only when needed: for `exclude` globs here,
  // for uploads once the plan has some. A sync with nothing to upload never loads them.
  const isExcluded: (path: string) => boolean =
    inputs.exclude.length > 0
      ? await import('./plan.ts').then((m) => (path: string) => m.isExcluded(path, inputs.exclude))
      : () => false
  // Listing (network) overlaps walking and hashing (disk, CPU). It starts once the walk has found
  // a file to sync, never earlier: an empty source with delete: true is refused before any request.
  let listing: Promise<{ objects: RemoteObject[] } | { error: unknown }> | undefined
  const startListing = () =>
    (listing ??= s3.list(inputs.bucket, inputs.prefix).then(
      (objects) => ({ objects }),
      (error: unknown) => ({ error }),
    ))
  const entries = await listSource(inputs.source, isExcluded, startListing)
  if (entries.length === 0 && inputs.delete) {
    throw refusal(inputs, inputs.exclude.length ? 'has no files left after exclude' : 'has no files')
  }
  startListing()
  const local = await log.group(`Read ${inputs.source}`, async () => {
    const files = await hashEntries(entries)
    log.info(`${files.length} files, ${formatBytes(files.reduce((s, f) => s + f.size, 0))}, hashed`)
    return files
  })

  const plan = await log.group(`Compare with ${where(inputs)}`, async () => {
    const listed = await startListing()
    if ('error' in listed) throw bucketError(inputs, listed.error)
    const remote: RemoteObject[] = listed.objects
    const options = { prefix: inputs.prefix, delete: inputs.delete, isExcluded }
    let diff = diffSource(local, remote, options)
    log.info(`${remote.length} objects listed`)
    if (diff.toHead.length > 0) {
      // Multipart or non-MD5 ETags (SSE-KMS): the stored SHA-256 settles them.
      const heads = new Map<string, RemoteHead>()
      await mapLimit(diff.toHead, inputs.concurrency, async (key) => {
        try {
          heads.set(key, await s3.head(inputs.bucket, key))
        } catch (error) {
          // Gone since the listing: nothing to compare with, so it is uploaded.
          if (['NotFound', 'NoSuchKey'].includes(awsErrorName(error) ?? '')) heads.set(key, {})
          else {
            throw new DeployError(
              `cannot read s3://${inputs.bucket}/${key} (HeadObject): ${awsErrorName(error) ?? String(error)}`,
              {
                leftState: 'nothing uploaded or deleted',
                cause: error,
              },
            )
          }
        }
      })
      log.info(`${heads.size} objects checked with HeadObject (ETag is not a plain MD5)`)
      diff = diffSource(local, remote, options, heads)
    }
    const { changed, ...rest } = diff
    const p: SyncPlan =
      changed.length > 0 ? (await import('./plan.ts')).completePlan(diff, inputs) : { uploads: [], ...rest }
    log.info(
      `plan: ${p.uploads.length} to upload (${formatBytes(bytesOf(p.uploads))}), ${p.unchanged.length} unchanged, ` +
        `${p.deletes.length} to delete${inputs.delete ? '' : ' (delete: false)'}`,
    )
    return p
  })
  result.plan = plan
  result.unchanged = plan.unchanged.length

  const replaced = plan.uploads.filter((u) => u.reason === 'changed').map((u) => u.key)
  const paths = inputs.distributionId
    ? planInvalidation(inputs.invalidate, {
        replacedOrDeleted: [...replaced, ...plan.deletes.map((d) => d.key)],
        anyChange: plan.uploads.length > 0 || plan.deletes.length > 0,
      })
    : []
  if (!inputs.distributionId) result.invalidationNote = 'no distribution-id'
  else if (inputs.invalidate === 'none') result.invalidationNote = 'invalidate: none'
  else if (paths.length === 0) {
    result.invalidationNote =
      plan.uploads.length > 0 ? 'only new files: none of them can be cached yet' : 'nothing changed'
  }

  if (inputs.dryRun) {
    await log.group('Dry run: the plan (nothing is written)', async () => {
      for (const u of plan.uploads) log.info(`upload ${u.phase === 1 ? '(asset)' : '(entry)'} ${describeUpload(u)}`)
      for (const d of plan.deletes) log.info(`delete ${d.key} (${formatBytes(d.size)})`)
      for (const p of paths) log.info(`invalidate ${p}`)
      if (plan.uploads.length + plan.deletes.length === 0) log.info('nothing to do: the bucket already matches')
    })
    result.uploaded = plan.uploads.length
    result.bytesUploaded = bytesOf(plan.uploads)
    result.deleted = plan.deletes.length
    result.paths = paths
    if (paths.length) result.invalidationStatus = 'planned'
    return result
  }

  const phases: Array<{ title: string; items: Upload[] }> = [
    { title: 'Upload assets', items: plan.uploads.filter((u) => u.phase === 1) },
    { title: 'Upload HTML, service workers and manifests', items: plan.uploads.filter((u) => u.phase === 2) },
  ]
  for (const [i, phase] of phases.entries()) {
    if (phase.items.length === 0) continue
    await log.group(`${phase.title} (${phase.items.length})`, async () => {
      // After the first failure no new upload starts; the ones in flight finish before we report.
      let failure: { error: unknown } | undefined
      let done = 0
      // A line at least every 20 s even while one large file is still going up.
      const progress = progressReporter(`${phase.title.toLowerCase()}`, (line) => log.info(line), deps.clock)
      const ticker = setInterval(() => progress.tick(`${done} of ${phase.items.length} done`), 5000)
      try {
        await mapLimit(phase.items, inputs.concurrency, async (u) => {
          if (failure) return
          try {
            await s3.upload(inputs.bucket, u)
            done++
            result.uploaded++
            result.bytesUploaded += u.size
            log.info(describeUpload(u))
          } catch (error) {
            failure ??= { error }
          }
        })
      } finally {
        clearInterval(ticker)
      }
      if (failure) {
        const { error } = failure
        const left =
          i === 0
            ? `${done} of ${phase.items.length} assets uploaded; no HTML, service worker or manifest replaced and nothing deleted, so the live site still works; re-run to finish`
            : `all ${phases[0]!.items.length} assets and ${done} of ${phase.items.length} entry points uploaded, nothing deleted; re-run to finish`
        throw new DeployError(
          `upload to ${where(inputs)} failed: ${error instanceof Error ? error.message : String(error)}`,
          {
            leftState: left,
            cause: error,
          },
        )
      }
    })
  }

  if (plan.deletes.length > 0) {
    await log.group(`Delete stale objects (${plan.deletes.length})`, async () => {
      let failed: Array<{ key: string; error: string }>
      try {
        failed = await s3.deleteKeys(
          inputs.bucket,
          plan.deletes.map((d) => d.key),
        )
      } catch (error) {
        failed = [{ key: '*', error: error instanceof Error ? error.message : String(error) }]
      }
      const failedKeys = new Set(failed.map((f) => f.key))
      for (const d of plan.deletes) if (!failedKeys.has(d.key)) log.info(`deleted ${d.key}`)
      result.deleted = failedKeys.has('*') ? 0 : plan.deletes.length - failed.length
      if (failed.length > 0) {
        throw new DeployError(
          `could not delete ${failed.length} stale objects: ${failed
            .slice(0, 3)
            .map((f) => `${f.key} (${f.error})`)
            .join(', ')}`,
          {
            leftState: `every file uploaded; ${result.deleted} of ${plan.deletes.length} stale objects deleted; no invalidation sent`,
          },
        )
      }
    })
  }

  if (paths.length > 0 && inputs.distributionId) {
    const distributionId = inputs.distributionId
    const cloudfront = deps.cloudfront
    if (!cloudfront) throw new Error('no CloudFront client was given for the invalidation')
    result.paths = paths
    await log.group(`Invalidate ${paths.length} paths on ${distributionId}`, async () => {
      for (const p of paths.slice(0, 50)) log.info(p)
      if (paths.length > 50) log.info(`… and ${paths.length - 50} more`)
      const env = deps.env ?? process.env
      const reference =
        deps.callerReference?.() ??
        `frontend-sync-${env.GITHUB_RUN_ID ?? 'local'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${randomUUID()}`
      const left = `site fully synced; CloudFront may serve cached copies of ${paths.length} paths until they expire`
      try {
        // The same CallerReference on every retry: CloudFront treats a repeat as the same request.
        result.invalidationId = await retry(() => cloudfront.createInvalidation(distributionId, paths, reference), {
          attempts: 12,
          baseDelayMs: 5000,
          maxDelayMs: 60_000,
          deadline: deps.clock.now() + THROTTLE_DEADLINE_MS,
          clock: deps.clock,
          retryable: (e) => awsErrorName(e) === 'TooManyInvalidationsInProgress',
          onRetry: ({ delayMs }) =>
            log.info(
              `too many invalidations in progress on ${distributionId}; retrying in ${Math.round(delayMs / 1000)}s`,
            ),
        })
      } catch (error) {
        throw new DeployError(
          `CloudFront invalidation failed: ${awsErrorName(error) ?? ''} ${error instanceof Error ? error.message : ''}`.trim(),
          {
            leftState: left,
            cause: error,
          },
        )
      }
      result.invalidationStatus = 'created'
      log.info(`invalidation ${result.invalidationId} created`)
      if (!inputs.waitForInvalidation) return
      try {
        await cloudfront.waitCompleted(distributionId, result.invalidationId, INVALIDATION_TIMEOUT_MS, (line) =>
          log.info(line),
        )
      } catch (error) {
        throw new DeployError(
          `invalidation ${result.invalidationId} did not complete: ${error instanceof Error ? error.message : String(error)}`,
          {
            leftState: `${left}; invalidation ${result.invalidationId} is still in progress`,
            cause: error,
          },
        )
      }
      result.invalidationStatus = 'completed'
      log.info(`invalidation ${result.invalidationId} completed`)
    })
  }
  if (plan.uploads.length + plan.deletes.length === 0)
    log.info(`nothing to do: ${where(inputs)} already matches ${inputs.source}`)
  return result
}
