// Every wait of rds-snapshot: kit's waitUntil over a describe call, bounded by the run's one
// deadline, with a progress line (status, PercentProgress, or the error being retried) at least
// every `progressEveryMs`. A status RDS never leaves by itself ends the wait at once, as the SDK
// waiters' failure acceptors do (deleted, deleting, failed, incompatible-restore,
// incompatible-parameters in the RDS waiter definitions).
import {
  type Clock,
  DeployError,
  describeError,
  formatDuration,
  WaitTimeoutError,
  waitUntil,
} from '@deploy-actions/kit'
import type { DbInfo, DbKind, DbRef, SnapshotInfo } from './plan.ts'
import { describeKind, type RdsPort, snapshotNoun } from './ports.ts'

export interface WaitSettings {
  /** Absolute deadline (clock ms) shared by every wait of the run. */
  deadline: number
  /** The whole `timeout` input, for the timeout message. */
  timeoutMs: number
  /** Fixed poll interval (tests); undefined = 15 s. */
  pollIntervalMs: number | undefined
  progressEveryMs: number
  log: (line: string) => void
  clock: Clock
  signal?: AbortSignal
}

export const DEFAULT_POLL_MS = 15_000

const TERMINAL = new Set(['deleted', 'deleting', 'failed', 'incompatible-restore', 'incompatible-parameters'])

type Poll<T> = { done: T } | { detail: string; terminal?: boolean }

/**
 * Polls `look` until it is done. Errors of a poll are retried until the deadline (the SDK has
 * retried them already), as the SDK waiters retry them; the first state seen that is not done
 * is printed at once, then a progress line at least every `progressEveryMs`.
 */
export async function waitFor<T>(what: string, wait: WaitSettings, look: () => Promise<Poll<T>>): Promise<T> {
  let announced = false
  const started = wait.clock.now()
  const result = await waitUntil<T>(
    async () => {
      let seen: Poll<T>
      try {
        seen = await look()
      } catch (error) {
        if (error instanceof DeployError) throw error
        return { detail: `${describeError(error)}; retrying` }
      }
      if ('done' in seen) return seen
      if (seen.terminal)
        throw new DeployError(`${what} failed: it reached status "${seen.detail}", which it will not leave by itself`)
      if (!announced) wait.log(`waiting for ${what}: ${seen.detail}`)
      announced = true
      return seen
    },
    {
      what,
      timeoutMs: Math.max(1, wait.deadline - wait.clock.now()),
      intervalMs: wait.pollIntervalMs ?? DEFAULT_POLL_MS,
      progressEveryMs: wait.progressEveryMs,
      log: wait.log,
      clock: wait.clock,
      ...(wait.signal ? { signal: wait.signal } : {}),
    },
  ).catch((error: unknown) => {
    // waitUntil knows only the time left of the run's deadline; the user set the whole timeout.
    if (!(error instanceof WaitTimeoutError)) throw error
    throw new WaitTimeoutError(
      error.message.replace(/^timed out after \S+/, `timed out after ${formatDuration(wait.timeoutMs)}`),
    )
  })
  if (announced) wait.log(`${what}: done after ${formatDuration(wait.clock.now() - started)}`)
  return result
}

export function waitDbAvailable(rds: RdsPort, ref: DbRef, wait: WaitSettings): Promise<DbInfo> {
  return waitFor<DbInfo>(`${describeKind(ref.kind)} ${ref.id} to be available`, wait, async () => {
    const db = await rds.describeDb(ref)
    if (db?.status === 'available') return { done: db }
    const status = db?.status ?? 'not found'
    return { detail: `status ${status}`, terminal: TERMINAL.has(status) }
  })
}

export function waitSnapshotAvailable(rds: RdsPort, kind: DbKind, id: string, wait: WaitSettings) {
  return waitFor<SnapshotInfo>(`${snapshotNoun(kind)} ${id} to be available`, wait, async () => {
    const s = await rds.describeSnapshot(kind, id)
    if (s?.status === 'available') return { done: s }
    if (!s) return { detail: 'not found yet' }
    const detail = s.percentProgress !== undefined ? `${s.status}, ${s.percentProgress}%` : s.status
    return TERMINAL.has(s.status) ? { detail: s.status, terminal: true } : { detail }
  })
}

/** RDS takes one snapshot of a DB at a time: wait until no other is being created. */
export function waitNoSnapshotInProgress(rds: RdsPort, db: DbRef, wait: WaitSettings): Promise<true> {
  return waitFor<true>(`other snapshots of ${db.id} to finish`, wait, async () => {
    const creating = (await rds.listSnapshots(db.kind, db.id)).filter((s) => s.status === 'creating')
    if (creating.length === 0) return { done: true }
    return { detail: creating.map((s) => `${s.id} ${s.percentProgress ?? 0}%`).join(', ') }
  })
}
