// mode create: a snapshot of the DB (an Aurora member means its cluster), reused when it exists,
// taken once the DB is available and no other snapshot of it runs; then pruning when `retain`.
import { DeployError, formatDuration } from '@deploy-actions/kit'
import { bounded, type Ctx, iso, resolveDb, snapshotIdFor } from './context.ts'
import { type DbInfo, type SnapshotInfo, snapshotTags } from './plan.ts'
import { describeKind, SnapshotExistsError, snapshotNoun } from './ports.ts'
import { pruneDb } from './prune.ts'
import type { Report } from './report.ts'
import { waitDbAvailable, waitNoSnapshotInProgress, waitSnapshotAvailable } from './waits.ts'

function recordSnapshot(report: Report, s: SnapshotInfo): void {
  report.snapshotId = s.id
  report.snapshotArn = s.arn || report.snapshotArn
  report.status = s.status
}

async function waitUntilReady(ctx: Ctx, db: DbInfo): Promise<void> {
  const { deps, wait } = ctx
  const leftState = 'no snapshot was created'
  if (db.status !== 'available') {
    deps.log.info(`${describeKind(db.kind)} ${db.id} is ${db.status}: waiting until it is available`)
    await bounded(leftState, () => waitDbAvailable(deps.rds, db, wait))
  }
  await bounded(leftState, () => waitNoSnapshotInProgress(deps.rds, db, wait))
}

export async function create(ctx: Ctx): Promise<void> {
  const { inputs, deps, report } = ctx
  if (!inputs.db) throw new Error('create needs a DB (parseInputs requires one)')
  const started = deps.clock.now()
  const db = await resolveDb(ctx, inputs.db, true)
  const snapshotId = snapshotIdFor(inputs, db)
  report.snapshotId = snapshotId
  const noun = snapshotNoun(db.kind)

  let outcome: 'created' | 'reused' = 'reused'
  let snapshot = await deps.rds.describeSnapshot(db.kind, snapshotId)
  const checkSameDb = (s: SnapshotInfo) => {
    if (s.dbId !== db.id) {
      throw new DeployError(
        `snapshot-identifier "${snapshotId}" is already taken by a ${noun} of ${s.dbId}, not of ${db.id}: choose another snapshot-identifier`,
        { leftState: 'nothing was changed' },
      )
    }
  }
  if (snapshot) {
    checkSameDb(snapshot)
    deps.log.info(
      `${noun} ${snapshotId} of ${db.id} already exists (${snapshot.status}): reusing it, nothing new is created`,
    )
  } else {
    await deps.log.group(`Waiting until ${db.id} is ready for a snapshot`, () => waitUntilReady(ctx, db))
    const tags = snapshotTags({ version: inputs.version, commit: inputs.commit, runUrl: inputs.runUrl }, inputs.tags)
    try {
      deps.signal?.throwIfAborted() // a cancelled job starts no snapshot
      snapshot = await deps.rds.createSnapshot(db.kind, db.id, snapshotId, tags)
      outcome = 'created'
      deps.log.info(
        `creating ${noun} ${snapshotId} of ${describeKind(db.kind)} ${db.id} (${db.allocatedStorageGiB ?? '?'} GiB)`,
      )
    } catch (error) {
      // Another job created it between our look and our create: the same as finding it.
      if (!(error instanceof SnapshotExistsError)) throw error
      snapshot = await deps.rds.describeSnapshot(db.kind, snapshotId)
      if (!snapshot) throw error
      checkSameDb(snapshot)
      deps.log.info(`${noun} ${snapshotId} was created meanwhile by another run: reusing it`)
    }
  }
  recordSnapshot(report, snapshot)

  if (inputs.wait && snapshot.status !== 'available') {
    const current = snapshot
    snapshot = await deps.log.group(`Waiting for ${noun} ${snapshotId}`, () =>
      bounded(
        `${noun} ${snapshotId} is still being created (${current.status}); a re-run with the same inputs waits for it`,
        () => waitSnapshotAvailable(deps.rds, db.kind, snapshotId, ctx.wait),
      ),
    )
    recordSnapshot(report, snapshot)
  }
  const row = {
    what: noun,
    id: snapshot.id,
    outcome,
    status: snapshot.status,
    at: iso(snapshot.createdAt),
    durationMs: deps.clock.now() - started,
  }
  const size = snapshot.allocatedStorageGiB ?? db.allocatedStorageGiB
  report.rows.push(size === undefined ? row : { ...row, sizeGiB: size })
  deps.log.info(
    `${noun} ${snapshot.id} ${outcome} (${snapshot.status}${size === undefined ? '' : `, ${size} GiB`}) in ${formatDuration(deps.clock.now() - started)}`,
  )

  if (inputs.retain > 0) await pruneDb(ctx, db)
}
