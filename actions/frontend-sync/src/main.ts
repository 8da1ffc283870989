// The sync, phase by phase: plan (walk, hash, list, compare), record what must be invalidated,
// upload in go-live order, delete what left the build (old fingerprinted assets stay for open
// tabs), invalidate, and leave the state for the next sync. Clients, clock, logger are injected.
import { type Clock, DeployError, formatBytes, type Logger } from '@deploy-actions/kit'
import { type Planned, planSync, where } from './compare.ts'
import { deleteStale } from './delete.ts'
import { bytesOf, normalizeEtag } from './diff.ts'
import type { Inputs } from './inputs.ts'
import { invalidate, invalidationPaths } from './invalidate.ts'
import type { CloudFrontPort, S3Port } from './ports.ts'
import type { Report } from './report.ts'
import { tagRetired } from './retire.ts'
import { type SyncState, serializeState, stateKey } from './state.ts'
import { describeUpload, uploadAll } from './upload.ts'

export interface Deps {
  s3: S3Port
  /** Needed only when `distribution-id` is set and `invalidate` is not `none`. */
  cloudfront?: CloudFrontPort
  clock: Clock
  log: Logger
  /** A unique CallerReference per sync (the default includes the run, the attempt and a UUID). */
  callerReference?: () => string
  /** Aborted when the job is cancelled: no new work starts, requests in flight are aborted. */
  signal?: AbortSignal
}

export async function run(inputs: Inputs, deps: Deps, report: Report): Promise<void> {
  const planned = await planSync(inputs, deps)
  const { plan, next } = planned
  Object.assign(report, {
    plan,
    unchanged: plan.unchanged.length,
    framework: planned.framework,
    kept: plan.kept ?? [],
    warnings: [...planned.warnings],
  })
  const paths = invalidationPaths(inputs, planned, report)
  if (inputs.dryRun) return showPlan(deps, planned, paths, report)
  deps.signal?.throwIfAborted()

  // Recorded before the first file changes: a run that fails or is cancelled before its
  // invalidation leaves the paths for the next run to send.
  const distributionId = inputs.distributionId
  if (distributionId && paths.length > 0) {
    next.pending[distributionId] = { paths, since: new Date(deps.clock.now()).toISOString() }
    await saveState(inputs, deps, planned, 'before uploading')
    report.pendingRecorded = paths.length
  }
  report.stage = 'upload'
  await uploadAll(inputs, deps, plan, report, (upload, etag) => {
    if (etag) next.etags = normalizeEtag(etag) === upload.md5 ? 'md5' : 'opaque'
  })
  deps.signal?.throwIfAborted()
  report.stage = 'delete'
  await deleteStale(inputs, deps, plan, report)
  deps.signal?.throwIfAborted()
  const problems = await tagRetired(inputs, deps, planned.retention)
  if (problems.length) report.warnings.push(`Tagging old assets failed: ${problems.slice(0, 3).join('; ')}`)
  report.stage = 'invalidate'
  await invalidate(inputs, deps, paths, report, async () => {
    if (distributionId) delete next.pending[distributionId]
    await saveState(inputs, deps, planned, 'after the invalidation was created')
  })
  await saveState(inputs, deps, planned, 'after the sync')
  report.stage = 'done'
  if (plan.uploads.length + plan.deletes.length === 0) {
    deps.log.info(`nothing to do: ${where(inputs)} already matches ${inputs.source}`)
  }
}

/** Writes the state when it differs from the stored one (a sync that changed nothing writes nothing). */
async function saveState(inputs: Inputs, deps: Deps, planned: Planned, when: string): Promise<void> {
  const body = serializeState(planned.next)
  if (body === serializeState(planned.state)) return
  try {
    await deps.s3.putJson(inputs.bucket, stateKey(inputs.prefix), body)
  } catch (error) {
    throw new DeployError(`cannot save the sync state ${when}: ${error instanceof Error ? error.message : error}`, {
      leftState: `${when === 'before uploading' ? 'nothing uploaded or deleted' : 'site synced'}; re-run to finish`,
      cause: error,
    })
  }
  planned.state = structuredClone(planned.next) as SyncState
}

async function showPlan(deps: Deps, planned: Planned, paths: string[], report: Report): Promise<void> {
  const { log } = deps
  const { plan } = planned
  await log.group('Dry run: the plan (nothing is written)', async () => {
    for (const u of plan.uploads) log.info(`upload ${u.phase === 1 ? '(asset)' : '(entry)'} ${describeUpload(u)}`)
    for (const d of plan.deletes) log.info(`delete ${d.key} (${formatBytes(d.size)})`)
    for (const k of plan.kept ?? []) log.info(`keep ${k.key} (old asset, goes ${k.goes})`)
    for (const p of paths) log.info(`invalidate ${p}`)
    if (plan.uploads.length + plan.deletes.length === 0) log.info('nothing to do: the bucket already matches')
  })
  report.uploaded = plan.uploads.length
  report.bytesUploaded = bytesOf(plan.uploads)
  report.deleted = plan.deletes.length
  report.paths = paths
  if (paths.length) report.invalidationStatus = 'planned'
}
