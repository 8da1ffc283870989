// The only reader of the action's inputs: parseInputs is pure (tables of good and bad inputs in
// the unit tests); index.ts feeds it the runner's getInput.

import { resolveRegion } from '@deploy-actions/aws'
import {
  ConfigurationError,
  type InputGetter,
  parseBool,
  parseDuration,
  parseEnum,
  parseInteger,
  parseKeyValues,
  runUrl,
  versionFromRef,
} from '@deploy-actions/kit'
import { checkRdsIdentifier, checkUserTags, type DbRef, maxSnapshotIdLength } from './plan.ts'

export const MODES = ['create', 'restore', 'prune'] as const
export type Mode = (typeof MODES)[number]

export interface Inputs {
  mode: Mode
  /**
   * The DB named by `db-instance-identifier` or `db-cluster-identifier` (at most one). Only a
   * restore may leave both out: it then finds the source DB from the snapshot.
   */
  db: DbRef | undefined
  /** `snapshot-identifier` as given, else undefined (derived as `<db>-pre-<version>` once the DB is known). */
  snapshotId: string | undefined
  version: string
  commit: string | undefined
  runUrl: string | undefined
  tags: Record<string, string>
  wait: boolean
  timeoutMs: number
  retain: number
  targetId: string | undefined
  dryRun: boolean
  region: string
  /** Poll interval of the waits (`DEPLOY_ACTIONS_POLL_INTERVAL_MS`); undefined = 10-30 s backoff. */
  pollIntervalMs: number | undefined
  /** Progress line at least this often during waits (`DEPLOY_ACTIONS_PROGRESS_INTERVAL_MS`, default 20 s). */
  progressEveryMs: number
}

export const DEFAULT_PROGRESS_EVERY_MS = 20_000

function envMs(env: NodeJS.ProcessEnv, name: string, max: number): number | undefined {
  const raw = env[name]?.trim()
  if (!raw) return undefined
  return parseInteger(name, raw, 0, { min: 1, max })
}

export function parseInputs(get: InputGetter, env: NodeJS.ProcessEnv): Inputs {
  const mode = parseEnum('mode', get('mode'), MODES, 'create')

  const instanceId = get('db-instance-identifier')
  const clusterId = get('db-cluster-identifier')
  if (instanceId && clusterId) {
    throw new ConfigurationError(
      'db-instance-identifier',
      `give db-instance-identifier or db-cluster-identifier, not both (got "${instanceId}" and "${clusterId}")`,
    )
  }
  if (!instanceId && !clusterId && mode !== 'restore') {
    throw new ConfigurationError(
      'db-instance-identifier',
      'a value, or db-cluster-identifier for an Aurora cluster (exactly one of them is required)',
    )
  }
  const db: DbRef | undefined = instanceId
    ? { kind: 'instance', id: checkRdsIdentifier('db-instance-identifier', instanceId, 63) }
    : clusterId
      ? { kind: 'cluster', id: checkRdsIdentifier('db-cluster-identifier', clusterId, 63) }
      : undefined

  const rawSnapshot = get('snapshot-identifier')
  // Without the DB a cluster snapshot id may still be meant: accept the longer instance limit here.
  const snapshotId = rawSnapshot
    ? checkRdsIdentifier('snapshot-identifier', rawSnapshot, maxSnapshotIdLength(db?.kind ?? 'instance'))
    : undefined
  if (!db && !snapshotId) {
    throw new ConfigurationError(
      'snapshot-identifier',
      'the snapshot to restore (required in restore mode when neither db-instance-identifier nor db-cluster-identifier is given)',
    )
  }

  const timeoutMs = parseDuration('timeout', get('timeout') || '60m')
  if (timeoutMs <= 0) throw new ConfigurationError('timeout', 'a positive duration like 30s, 15m or 1h', get('timeout'))

  const retain = parseInteger('retain', get('retain'), 0, { min: 0 })
  if (mode === 'prune' && retain < 1) {
    throw new ConfigurationError(
      'retain',
      'a whole number of at least 1 in prune mode (how many snapshots to keep)',
      get('retain') || '0',
    )
  }

  const rawTarget = get('target-identifier')
  let targetId: string | undefined
  if (mode === 'restore') {
    if (!rawTarget)
      throw new ConfigurationError(
        'target-identifier',
        'the identifier of the new DB to restore into (required in restore mode)',
      )
    targetId = checkRdsIdentifier('target-identifier', rawTarget, 63)
    if (targetId === db?.id) {
      throw new ConfigurationError('target-identifier', `a new DB identifier, not the source DB itself`, rawTarget)
    }
  } else if (rawTarget) {
    throw new ConfigurationError('target-identifier', 'empty unless mode is restore', rawTarget)
  }

  const dryRun = parseBool('dry-run', get('dry-run'), false)
  if (dryRun && mode !== 'prune') throw new ConfigurationError('dry-run', 'false unless mode is prune', get('dry-run'))
  const tags = checkUserTags('tags', parseKeyValues('tags', get('tags')))

  return {
    mode,
    db,
    snapshotId,
    version: versionFromRef(env),
    commit: env.GITHUB_SHA || undefined,
    runUrl: runUrl(env),
    tags,
    wait: parseBool('wait', get('wait'), true),
    timeoutMs,
    retain,
    targetId,
    dryRun,
    region: resolveRegion(get('aws-region'), env),
    pollIntervalMs: envMs(env, 'DEPLOY_ACTIONS_POLL_INTERVAL_MS', 600_000),
    progressEveryMs: envMs(env, 'DEPLOY_ACTIONS_PROGRESS_INTERVAL_MS', 30_000) ?? DEFAULT_PROGRESS_EVERY_MS,
  }
}
