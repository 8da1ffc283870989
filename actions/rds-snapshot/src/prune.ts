// mode prune (and create with `retain`): of the managed manual snapshots of the DB, keep the
// newest `retain` and delete the older ones (planPrune decides; this file only deletes and tells).
import { DeployError, describeError } from '@deploy-actions/kit'
import { type Ctx, iso, resolveDb } from './context.ts'
import { type DbInfo, planPrune, type SnapshotInfo } from './plan.ts'
import { snapshotNoun } from './ports.ts'

export async function prune(ctx: Ctx): Promise<void> {
  if (!ctx.inputs.db) throw new Error('prune needs a DB (parseInputs requires one)')
  await pruneDb(ctx, await resolveDb(ctx, ctx.inputs.db, true))
}

export async function pruneDb(ctx: Ctx, db: DbInfo): Promise<void> {
  const { inputs, deps, report } = ctx
  const noun = snapshotNoun(db.kind)
  await deps.log.group(`Pruning ${noun}s of ${db.id} (keeping the newest ${inputs.retain})`, async () => {
    const all = await deps.rds.listSnapshots(db.kind, db.id, true)
    const plan = planPrune(all, db.id, inputs.retain)
    for (const s of plan.keep) {
      deps.log.info(`keep ${s.id} (${iso(s.createdAt) ?? s.status})`)
      if (s.id !== report.snapshotId) report.rows.push(pruneRow(s, 'kept'))
    }
    for (const { snapshot, reason } of plan.ignored) deps.log.info(`leave ${snapshot.id} alone (${reason})`)
    if (plan.ignored.length > 0) {
      const counts = new Map<string, number>()
      for (const { reason } of plan.ignored) counts.set(reason, (counts.get(reason) ?? 0) + 1)
      report.notes.push(
        `Left alone (not managed by this action): ${[...counts].map(([reason, n]) => `${n} ${reason}`).join(', ')}.`,
      )
    }
    if (plan.remove.length === 0) {
      deps.log.info(`nothing to prune: ${plan.keep.length} managed ${noun}(s), retain ${inputs.retain}`)
      return
    }
    for (const s of plan.remove) {
      if (inputs.dryRun) {
        deps.log.info(`would delete ${s.id} (${iso(s.createdAt) ?? s.status}) [dry run]`)
        report.rows.push(pruneRow(s, 'would delete'))
        continue
      }
      const started = deps.clock.now()
      deps.signal?.throwIfAborted() // a cancelled job deletes nothing more; a re-run continues
      const gone = await deps.rds.deleteSnapshot(db.kind, s.id).catch((error: unknown) => {
        throw new DeployError(`deleting ${noun} ${s.id} failed: ${describeError(error)}`, {
          leftState: report.deleted.length ? `already deleted: ${report.deleted.join(', ')}` : 'nothing was deleted',
          cause: error,
        })
      })
      deps.log.info(gone ? `deleted ${s.id} (${iso(s.createdAt) ?? ''})` : `${s.id} was already gone`)
      report.deleted.push(s.id)
      report.rows.push({ ...pruneRow(s, 'deleted'), durationMs: deps.clock.now() - started })
    }
  })
}

function pruneRow(s: SnapshotInfo, outcome: 'kept' | 'deleted' | 'would delete') {
  const row = { what: snapshotNoun(s.kind), id: s.id, outcome, status: s.status, at: iso(s.createdAt) }
  return s.allocatedStorageGiB === undefined ? row : { ...row, sizeGiB: s.allocatedStorageGiB }
}
