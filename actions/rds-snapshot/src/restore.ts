// mode restore: a snapshot into a new DB instance (or Aurora cluster plus its writer), copying
// the source DB's settings while it still exists. The source is the DB given, else the one the
// snapshot was taken of (a DR restore starts from a snapshot id alone). Re-runs resume.
import { DeployError } from '@deploy-actions/kit'
import { bounded, type Ctx, iso, resolveDb, snapshotIdFor } from './context.ts'
import {
  clusterRestoreParams,
  type DbInfo,
  type DbKind,
  type DbRef,
  describeCopiedSettings,
  instanceRestoreParams,
  nextStepAfterRestore,
  RESTORED_FROM_TAG,
  type SnapshotInfo,
  snapshotTags,
  writerInstanceId,
} from './plan.ts'
import { describeKind, snapshotNoun } from './ports.ts'
import { waitDbAvailable, waitSnapshotAvailable } from './waits.ts'

/** What one restore works from; `existing` is the target when a previous run created it. */
interface RestoreJob {
  snapshot: SnapshotInfo
  targetId: string
  source: DbInfo | undefined
  tags: Record<string, string>
  existing: DbInfo | undefined
}

/** The snapshot by id: of the kind expected, else (an instance was only a guess) a cluster snapshot. */
async function findSnapshot(ctx: Ctx, kind: DbKind, id: string): Promise<SnapshotInfo> {
  const { deps } = ctx
  const snapshot =
    (await deps.rds.describeSnapshot(kind, id)) ??
    (kind === 'instance' ? await deps.rds.describeSnapshot('cluster', id) : undefined)
  if (!snapshot) {
    throw new DeployError(`snapshot-identifier: ${snapshotNoun(kind)} "${id}" was not found`, {
      leftState: 'nothing was changed',
    })
  }
  return snapshot
}

/** The DB whose settings the restore copies: the one given, else the snapshot's own source. */
async function sourceOf(ctx: Ctx, given: DbInfo | undefined, snapshot: SnapshotInfo): Promise<DbInfo | undefined> {
  const { deps, report, inputs } = ctx
  if (given && given.id === snapshot.dbId) return given
  const source = snapshot.dbId ? await deps.rds.describeDb({ kind: snapshot.kind, id: snapshot.dbId }) : undefined
  if (source && !inputs.db)
    deps.log.info(`source DB ${source.id} found from ${snapshotNoun(snapshot.kind)} ${snapshot.id}`)
  if (!source) {
    const note = `The source DB ${snapshot.dbId || inputs.db?.id} no longer exists: the restore uses the snapshot's own settings and the RDS defaults.`
    deps.log.warning(note)
    report.notes.push(note)
  }
  return source
}

export async function restore(ctx: Ctx): Promise<void> {
  const { inputs, deps, report, wait } = ctx
  const started = deps.clock.now()
  const targetId = inputs.targetId ?? ''
  const given = inputs.db ? await resolveDb(ctx, inputs.db, false) : undefined
  const snapshotId = inputs.db ? snapshotIdFor(inputs, given ?? inputs.db) : (inputs.snapshotId ?? '')
  report.snapshotId = snapshotId
  let snapshot = await findSnapshot(ctx, given?.kind ?? inputs.db?.kind ?? 'instance', snapshotId)
  const kind = snapshot.kind
  report.snapshotArn = snapshot.arn
  const target: DbRef = { kind, id: targetId }
  report.target = target
  const sourceId = snapshot.dbId || inputs.db?.id
  if (sourceId) report.db = { kind, id: sourceId }

  if (snapshot.status !== 'available') {
    const current = snapshot
    snapshot = await bounded(`${snapshotNoun(kind)} ${current.id} is ${current.status}; nothing was restored`, () =>
      waitSnapshotAvailable(deps.rds, kind, current.id, wait),
    )
  }
  const source = await sourceOf(ctx, given, snapshot)
  const tags = snapshotTags({ version: inputs.version, commit: inputs.commit, runUrl: inputs.runUrl }, inputs.tags)

  const existing = await deps.rds.describeDb(target)
  if (existing) {
    if (existing.tags[RESTORED_FROM_TAG] !== snapshot.id) {
      throw new DeployError(
        `target-identifier "${targetId}" already exists and was not restored from ${snapshot.id} by this action: choose a new target-identifier`,
        { leftState: 'nothing was changed' },
      )
    }
    deps.log.info(
      `${describeKind(kind)} ${targetId} was already restored from ${snapshot.id} (${existing.status}): reusing it`,
    )
  }
  const outcome = existing ? 'reused' : 'restored'

  const job: RestoreJob = { snapshot, targetId, source, tags, existing }
  const { db, writerId } =
    kind === 'instance' ? { db: await restoreInstance(ctx, job), writerId: undefined } : await restoreCluster(ctx, job)
  let restored = db
  report.status = restored.status

  if (inputs.wait) {
    const leftState = `${describeKind(kind)} ${targetId} is being restored from ${snapshot.id}; a re-run with the same inputs waits for it`
    restored = await deps.log.group(`Waiting for ${targetId}`, async () => {
      const ready = await bounded(leftState, () => waitDbAvailable(deps.rds, target, wait))
      if (writerId) {
        const id = writerId
        await bounded(leftState, () => waitDbAvailable(deps.rds, { kind: 'instance', id }, wait))
      }
      return ready
    })
    report.status = restored.status
  }
  if (restored.endpoint) report.endpoint = restored.endpoint
  if (restored.port !== undefined) report.port = restored.port
  report.rows.push({
    what: describeKind(kind),
    id: targetId,
    outcome,
    status: restored.status,
    ...(snapshot.allocatedStorageGiB === undefined ? {} : { sizeGiB: snapshot.allocatedStorageGiB }),
    at: iso(new Date(deps.clock.now())),
    durationMs: deps.clock.now() - started,
  })
  if (writerId) report.rows.push({ what: 'writer instance', id: writerId, outcome })
  deps.log.info(
    `${describeKind(kind)} ${targetId} ${outcome} from ${snapshot.id}: ${restored.status}, endpoint ${restored.endpoint ?? 'not known yet'}`,
  )
  if (restored.endpoint) {
    report.nextStep = nextStepAfterRestore(target, restored.endpoint, restored.port, source?.id ?? snapshot.dbId)
    deps.log.warning(report.nextStep)
  }
}

async function restoreInstance(ctx: Ctx, { snapshot, targetId, source, tags, existing }: RestoreJob): Promise<DbInfo> {
  const { deps, report } = ctx
  const params = instanceRestoreParams(snapshot, targetId, source, tags)
  if (source) report.copied = describeCopiedSettings(params)
  if (existing) return existing
  return deps.log.group(`Restoring ${snapshot.id} into new instance ${targetId}`, async () => {
    for (const [name, value] of describeCopiedSettings(params)) deps.log.info(`${name}: ${value} (from ${source?.id})`)
    deps.signal?.throwIfAborted() // a cancelled job starts no restore
    return deps.rds.restoreInstance(params)
  })
}

async function restoreCluster(
  ctx: Ctx,
  { snapshot, targetId, source, tags, existing }: RestoreJob,
): Promise<{ db: DbInfo; writerId: string }> {
  const { deps, report } = ctx
  const sourceWriter = source?.writerId
    ? await deps.rds.describeDb({ kind: 'instance', id: source.writerId })
    : undefined
  const params = clusterRestoreParams(snapshot, targetId, source, sourceWriter, tags)
  if (source) report.copied = describeCopiedSettings(params)
  if (!sourceWriter)
    deps.log.info(`no source writer instance to copy from: the writer gets class ${params.writer.DBInstanceClass}`)
  const db =
    existing ??
    (await deps.log.group(`Restoring ${snapshot.id} into new Aurora cluster ${targetId}`, async () => {
      for (const [name, value] of describeCopiedSettings(params)) deps.log.info(`${name}: ${value}`)
      deps.signal?.throwIfAborted()
      return deps.rds.restoreCluster(params.cluster)
    }))
  const writerId = writerInstanceId(targetId)
  if (!(await deps.rds.describeDb({ kind: 'instance', id: writerId }))) {
    deps.signal?.throwIfAborted()
    deps.log.info(`creating writer instance ${writerId} (${params.writer.DBInstanceClass}) in ${targetId}`)
    await deps.rds.createClusterInstance(params.writer)
  }
  return { db, writerId }
}
