// The delete phase: stale objects go once every upload is live, in batches of 1,000.
import { DeployError } from '@deploy-actions/kit'
import type { SyncPlan } from './diff.ts'
import type { Inputs } from './inputs.ts'
import type { Deps } from './main.ts'
import type { Report } from './report.ts'

export async function deleteStale(inputs: Inputs, deps: Deps, plan: SyncPlan, report: Report): Promise<void> {
  if (plan.deletes.length === 0) return
  const { log } = deps
  await log.group(`Delete stale objects (${plan.deletes.length})`, async () => {
    const failed = await deps.s3.deleteKeys(
      inputs.bucket,
      plan.deletes.map((d) => d.key),
    )
    const failedKeys = new Set(failed.map((f) => f.key))
    for (const d of plan.deletes) if (!failedKeys.has(d.key)) log.info(`deleted ${d.key}`)
    report.deleted = plan.deletes.length - failedKeys.size
    if (failed.length === 0) return
    const shown = failed
      .slice(0, 3)
      .map((f) => `${f.key} (${f.error})`)
      .join(', ')
    throw new DeployError(`could not delete ${failed.length} stale objects: ${shown}`, {
      leftState: `every file uploaded; ${report.deleted} of ${plan.deletes.length} stale objects deleted; no invalidation sent`,
    })
  })
}
