// The sync, phase by phase: plan (walk, hash, list, compare), upload assets then entry points,
// delete what left the build, invalidate what changed. Clients, clock and logger are injected.
import { type Clock, formatBytes, type Logger } from '@deploy-actions/kit'
import { planSync, where } from './compare.ts'
import { deleteStale } from './delete.ts'
import { bytesOf, type SyncPlan } from './diff.ts'
import type { Inputs } from './inputs.ts'
import { invalidate, invalidationPaths } from './invalidate.ts'
import type { CloudFrontPort, S3Port } from './ports.ts'
import type { Report } from './report.ts'
import { describeUpload, uploadAll } from './upload.ts'

export interface Deps {
  s3: S3Port
  /** Needed only when `distribution-id` is set and `invalidate` is not `none`. */
  cloudfront?: CloudFrontPort
  clock: Clock
  log: Logger
  /** A unique CallerReference per sync (the default includes the run, the attempt and a UUID). */
  callerReference?: () => string
}

export async function run(inputs: Inputs, deps: Deps, report: Report): Promise<void> {
  const plan = await planSync(inputs, deps)
  report.plan = plan
  report.unchanged = plan.unchanged.length
  const paths = invalidationPaths(inputs, plan, report)
  if (inputs.dryRun) return showPlan(deps, plan, paths, report)
  await uploadAll(inputs, deps, plan, report)
  await deleteStale(inputs, deps, plan, report)
  await invalidate(inputs, deps, paths, report)
  if (plan.uploads.length + plan.deletes.length === 0) {
    deps.log.info(`nothing to do: ${where(inputs)} already matches ${inputs.source}`)
  }
}

async function showPlan(deps: Deps, plan: SyncPlan, paths: string[], report: Report): Promise<void> {
  const { log } = deps
  await log.group('Dry run: the plan (nothing is written)', async () => {
    for (const u of plan.uploads) log.info(`upload ${u.phase === 1 ? '(asset)' : '(entry)'} ${describeUpload(u)}`)
    for (const d of plan.deletes) log.info(`delete ${d.key} (${formatBytes(d.size)})`)
    for (const p of paths) log.info(`invalidate ${p}`)
    if (plan.uploads.length + plan.deletes.length === 0) log.info('nothing to do: the bucket already matches')
  })
  report.uploaded = plan.uploads.length
  report.bytesUploaded = bytesOf(plan.uploads)
  report.deleted = plan.deletes.length
  report.paths = paths
  if (paths.length) report.invalidationStatus = 'planned'
}
