// The invalidation phase: which paths (planInvalidation), then CreateInvalidation with back-off
// while CloudFront has too many in progress, then (optionally) the wait for `Completed`.
import { randomUUID } from 'node:crypto'
import { DeployError, retry } from '@deploy-actions/kit'
import type { Planned } from './compare.ts'
import type { Inputs } from './inputs.ts'
import { collapsePaths, planInvalidation } from './invalidation.ts'
import type { Deps } from './main.ts'
import { InvalidationThrottledError } from './ports.ts'
import type { Report } from './report.ts'

/** How long to wait for `Completed` (CloudFront usually takes one to five minutes). */
export const INVALIDATION_TIMEOUT_MS = 20 * 60_000
/** How long to keep retrying CreateInvalidation while the distribution has too many in progress. */
export const THROTTLE_DEADLINE_MS = 10 * 60_000

/**
 * The paths a sync invalidates (none without a distribution): replaced and deleted files, but
 * never a fingerprinted name (it is never overwritten, and its cached copy serves open tabs),
 * plus the paths a previous sync recorded and could not send. Notes in the report why none.
 */
export function invalidationPaths(inputs: Inputs, planned: Pick<Planned, 'plan' | 'state'>, report: Report): string[] {
  const { plan } = planned
  const expired = new Set(plan.expired ?? [])
  const replaced = plan.uploads.filter((u) => u.reason === 'changed').map((u) => u.key)
  const deleted = plan.deletes.map((d) => d.key).filter((k) => !expired.has(k))
  let paths = inputs.distributionId
    ? planInvalidation(inputs.invalidate, {
        replacedOrDeleted: [...replaced, ...deleted],
        anyChange: plan.uploads.length > 0 || deleted.length > 0,
        cleanUrls: inputs.cleanUrls,
      })
    : []
  const pending = inputs.distributionId ? planned.state.pending[inputs.distributionId] : undefined
  if (pending && inputs.invalidate !== 'none') {
    report.pendingPaths = pending.paths.length
    paths = collapsePaths([...paths, ...pending.paths])
  }
  if (!inputs.distributionId) report.invalidationNote = 'no distribution-id'
  else if (inputs.invalidate === 'none') report.invalidationNote = 'invalidate: none'
  else if (paths.length === 0) {
    report.invalidationNote =
      plan.uploads.length > 0 ? 'only new files: none of them can be cached yet' : 'nothing changed'
  }
  return paths
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Sends the invalidation; `onCreated` runs once CloudFront has accepted it (the paths are no longer pending). */
export async function invalidate(
  inputs: Inputs,
  deps: Deps,
  paths: readonly string[],
  report: Report,
  onCreated: () => Promise<void> = async () => {},
): Promise<void> {
  const distributionId = inputs.distributionId
  if (paths.length === 0 || !distributionId) return
  const { cloudfront, log, clock } = deps
  if (!cloudfront) throw new Error('no CloudFront client was given for the invalidation')
  report.paths = [...paths]
  await log.group(`Invalidate ${paths.length} paths on ${distributionId}`, async () => {
    for (const p of paths.slice(0, 50)) log.info(p)
    if (paths.length > 50) log.info(`… and ${paths.length - 50} more`)
    const reference = deps.callerReference?.() ?? `frontend-sync-${inputs.runId}-${inputs.runAttempt}-${randomUUID()}`
    const left = `site fully synced; CloudFront may serve cached copies of ${paths.length} paths until they expire`
    let id: string
    try {
      // The same CallerReference on every retry: CloudFront treats a repeat as the same request.
      id = await retry(() => cloudfront.createInvalidation(distributionId, paths, reference), {
        attempts: 12,
        baseDelayMs: 5000,
        maxDelayMs: 60_000,
        deadline: clock.now() + THROTTLE_DEADLINE_MS,
        clock,
        signal: deps.signal,
        retryable: (e) => e instanceof InvalidationThrottledError,
        onRetry: ({ delayMs }) =>
          log.info(
            `too many invalidations in progress on ${distributionId}; retrying in ${Math.round(delayMs / 1000)}s`,
          ),
      })
    } catch (error) {
      deps.signal?.throwIfAborted()
      throw new DeployError(`CloudFront invalidation failed: ${message(error)}`, { leftState: left, cause: error })
    }
    report.invalidationId = id
    report.invalidationStatus = 'created'
    log.info(`invalidation ${id} created`)
    await onCreated()
    if (!inputs.waitForInvalidation) return
    try {
      await cloudfront.waitCompleted(distributionId, id, INVALIDATION_TIMEOUT_MS, (line) => log.info(line), deps.signal)
    } catch (error) {
      deps.signal?.throwIfAborted()
      throw new DeployError(message(error), {
        leftState: `${left}; invalidation ${id} is still in progress`,
        cause: error,
      })
    }
    report.invalidationStatus = 'completed'
    log.info(`invalidation ${id} completed`)
  })
}
