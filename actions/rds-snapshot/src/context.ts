// What every mode shares: the run's context, finding the DB, the snapshot id, and turning a wait
// that ran out of time into a DeployError that says where things were left.
import { type Clock, DeployError, type Logger, WaitTimeoutError } from '@deploy-actions/kit'
import type { Inputs } from './inputs.ts'
import { checkRdsIdentifier, type DbInfo, type DbRef, defaultSnapshotId, maxSnapshotIdLength } from './plan.ts'
import { describeKind, type RdsPort } from './ports.ts'
import type { Report } from './report.ts'
import type { WaitSettings } from './waits.ts'

export interface Deps {
  rds: RdsPort
  clock: Clock
  log: Logger
  /** Aborted when the job is cancelled: waits end at once, no new create/delete/restore starts. */
  signal?: AbortSignal
}

export interface Ctx {
  inputs: Inputs
  deps: Deps
  report: Report
  wait: WaitSettings
}

function inputName(ref: DbRef): string {
  return ref.kind === 'cluster' ? 'db-cluster-identifier' : 'db-instance-identifier'
}

/** The DB to work on: an Aurora cluster member is replaced by its cluster. */
export async function resolveDb(ctx: Ctx, ref: DbRef, required: true): Promise<DbInfo>
export async function resolveDb(ctx: Ctx, ref: DbRef, required: boolean): Promise<DbInfo | undefined>
export async function resolveDb(ctx: Ctx, ref: DbRef, required: boolean): Promise<DbInfo | undefined> {
  const { inputs, deps, report } = ctx
  report.db = ref
  const db = await deps.rds.describeDb(ref)
  if (!db) {
    if (!required) return undefined
    throw new DeployError(
      `${describeKind(ref.kind)} "${ref.id}" was not found in ${inputs.region}: check ${inputName(ref)} and the region`,
      { leftState: 'nothing was changed' },
    )
  }
  if (db.kind === 'instance' && db.clusterId) {
    const note = `${ref.id} is a member of Aurora cluster ${db.clusterId}: Aurora snapshots are taken of the whole cluster, so this works on cluster ${db.clusterId}.`
    deps.log.info(note)
    report.notes.push(note)
    const cluster = await deps.rds.describeDb({ kind: 'cluster', id: db.clusterId })
    if (!cluster)
      throw new DeployError(`Aurora cluster "${db.clusterId}" of instance ${ref.id} was not found`, {
        leftState: 'nothing was changed',
      })
    report.db = { kind: 'cluster', id: cluster.id }
    return cluster
  }
  return db
}

/** `snapshot-identifier` (checked against the DB kind's limit), else `<db>-pre-<version>`. */
export function snapshotIdFor(inputs: Inputs, db: DbRef): string {
  if (inputs.snapshotId)
    return checkRdsIdentifier('snapshot-identifier', inputs.snapshotId, maxSnapshotIdLength(db.kind))
  return defaultSnapshotId(db.id, inputs.version, db.kind)
}

export function iso(date: Date | undefined): string | undefined {
  return date?.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A wait that ran out of time becomes a DeployError saying where things were left. */
export async function bounded<T>(leftState: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (error instanceof WaitTimeoutError) throw new DeployError(error.message, { leftState, cause: error })
    throw error
  }
}
