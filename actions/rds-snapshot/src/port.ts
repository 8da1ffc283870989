// The RDS operations main.ts needs, in the action's own terms. rds.ts implements it with the
// SDK v3 (waiters, paginators); tests can hand main.ts a fake.
import type { Clock } from '@deploy-actions/kit'
import type { ClusterRestoreParams, DbInfo, DbKind, DbRef, InstanceRestoreParams, SnapshotInfo } from './plan.ts'

export interface PortWait {
  /** Absolute deadline (clock ms) shared by every wait of the run. */
  deadline: number
  /** The whole `timeout`, for the timeout message. */
  timeoutMs: number
  /** Fixed poll interval (tests); undefined = backoff between 10 s and 30 s. */
  pollIntervalMs: number | undefined
  progressEveryMs: number
  log: (line: string) => void
  clock: Clock
}

export interface RdsPort {
  /** The DB, or undefined when it does not exist. */
  describeDb(ref: DbRef): Promise<DbInfo | undefined>
  /** The snapshot, or undefined when it does not exist. */
  describeSnapshot(kind: DbKind, id: string): Promise<SnapshotInfo | undefined>
  /**
   * Every manual and automated snapshot of the DB (all pages); with `withSharing`, `sharedWith`
   * is filled for the managed manual ones (the only ones prune could delete).
   */
  listSnapshots(kind: DbKind, dbId: string, withSharing?: boolean): Promise<SnapshotInfo[]>
  createSnapshot(kind: DbKind, dbId: string, snapshotId: string, tags: Record<string, string>): Promise<SnapshotInfo>
  deleteSnapshot(kind: DbKind, id: string): Promise<void>
  restoreInstance(params: InstanceRestoreParams): Promise<DbInfo>
  restoreCluster(params: ClusterRestoreParams['cluster']): Promise<DbInfo>
  createClusterInstance(params: ClusterRestoreParams['writer']): Promise<DbInfo>
  /** Waits (SDK waiter, progress lines) until the DB is `available`; returns it then. */
  waitDbAvailable(ref: DbRef, wait: PortWait): Promise<DbInfo>
  /** Waits (SDK waiter, progress lines with PercentProgress) until the snapshot is `available`. */
  waitSnapshotAvailable(kind: DbKind, id: string, wait: PortWait): Promise<SnapshotInfo>
}

export function describeKind(kind: DbKind): string {
  return kind === 'cluster' ? 'Aurora cluster' : 'DB instance'
}

export function snapshotNoun(kind: DbKind): string {
  return kind === 'cluster' ? 'cluster snapshot' : 'snapshot'
}
