// Pure planning for rds-snapshot: identifiers, tags, which snapshots prune deletes, and the
// parameters a restore copies from the source DB. No @actions/* and no SDK imports here.
import { ConfigurationError, sanitizeRdsIdentifier } from '@deploy-actions/kit'

export type DbKind = 'instance' | 'cluster'

export interface DbRef {
  kind: DbKind
  id: string
}

/** What the action needs to know of a DB instance or Aurora cluster (normalised from the SDK). */
export interface DbInfo extends DbRef {
  arn: string
  status: string
  engine: string
  engineVersion?: string
  /** For an instance: the Aurora cluster it belongs to. */
  clusterId?: string
  /** For a cluster: its writer instance. */
  writerId?: string
  allocatedStorageGiB?: number
  instanceClass?: string
  subnetGroup?: string
  securityGroupIds: string[]
  /** DB parameter group (instance) or DB cluster parameter group (cluster). */
  parameterGroup?: string
  multiAz?: boolean
  publiclyAccessible?: boolean
  endpoint?: string
  port?: number
  tags: Record<string, string>
}

export interface SnapshotInfo {
  kind: DbKind
  id: string
  arn: string
  dbId: string
  status: string
  /** manual, automated, shared, public, awsbackup … */
  type: string
  createdAt?: Date
  percentProgress?: number
  allocatedStorageGiB?: number
  engine?: string
  engineVersion?: string
  port?: number
  tags: Record<string, string>
  /** Accounts the snapshot is shared with (its `restore` attribute). */
  sharedWith: string[]
}

export const MANAGED_TAG = 'deploy-actions:managed'
export const VERSION_TAG = 'deploy-actions:version'
export const COMMIT_TAG = 'deploy-actions:commit'
export const RUN_URL_TAG = 'deploy-actions:run-url'
export const RESTORED_FROM_TAG = 'deploy-actions:restored-from'

/** Longest snapshot identifier RDS accepts: 255 for DB snapshots, 63 for DB cluster snapshots. */
export function maxSnapshotIdLength(kind: DbKind): number {
  return kind === 'cluster' ? 63 : 255
}

/** Why `id` is not a valid RDS identifier of at most `max` characters, or undefined when it is. */
export function rdsIdentifierProblem(id: string, max: number): string | undefined {
  if (id.length === 0) return 'it is empty'
  if (id.length > max) return `it has ${id.length} characters (at most ${max})`
  if (!/^[A-Za-z]/.test(id)) return 'it must start with a letter'
  if (/[^A-Za-z0-9-]/.test(id)) return 'only letters, digits and hyphens are allowed'
  if (id.includes('--')) return 'it must not contain two consecutive hyphens'
  if (id.endsWith('-')) return 'it must not end with a hyphen'
  return undefined
}

/** Throws a ConfigurationError naming `input` when `id` is not a valid RDS identifier. */
export function checkRdsIdentifier(input: string, id: string, max: number): string {
  const problem = rdsIdentifierProblem(id, max)
  if (problem) {
    throw new ConfigurationError(
      input,
      `an RDS identifier (a letter first, then letters, digits and single hyphens, no trailing hyphen, at most ${max} characters; ${problem})`,
      id,
    )
  }
  return id
}

/** `<db>-pre-<version>`, sanitised for RDS: `webshop-prod` + `v2.1.0` → `webshop-prod-pre-v2-1-0`. */
export function defaultSnapshotId(dbId: string, version: string, kind: DbKind): string {
  return sanitizeRdsIdentifier(`${dbId}-pre-${version}`, maxSnapshotIdLength(kind))
}

/** The tags this action puts on what it creates; the user's `tags` cannot override the managed marker. */
export function snapshotTags(
  meta: { version: string; commit?: string; runUrl?: string },
  userTags: Record<string, string>,
): Record<string, string> {
  const tags: Record<string, string> = { ...userTags, [VERSION_TAG]: meta.version }
  if (meta.commit) tags[COMMIT_TAG] = meta.commit
  if (meta.runUrl) tags[RUN_URL_TAG] = meta.runUrl
  tags[MANAGED_TAG] = 'true'
  return tags
}

/** Validates `tags` input entries against AWS tag rules (key 1-128, value 0-256, no `aws:` prefix). */
export function checkUserTags(input: string, tags: Record<string, string>): Record<string, string> {
  const allowed = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
  for (const [key, value] of Object.entries(tags)) {
    const form =
      'KEY=VALUE lines (key 1-128 and value up to 256 characters of letters, digits, spaces and _.:/=+-@; no aws: prefix)'
    if (!key || key.length > 128 || value.length > 256 || !allowed.test(key) || !allowed.test(value)) {
      throw new ConfigurationError(input, form, `${key}=${value}`)
    }
    if (key.toLowerCase().startsWith('aws:')) throw new ConfigurationError(input, form, `${key}=${value}`)
    if (key.startsWith('deploy-actions:')) {
      throw new ConfigurationError(input, 'keys outside the reserved deploy-actions: prefix', `${key}=${value}`)
    }
  }
  return tags
}

export type PruneReason = 'automated' | 'shared' | 'untagged' | 'other DB' | 'not available'

export interface PrunePlan {
  /** Managed snapshots kept, newest first. */
  keep: SnapshotInfo[]
  /** Managed snapshots to delete, newest first. */
  remove: SnapshotInfo[]
  /** Snapshots never touched, with the reason. */
  ignored: Array<{ snapshot: SnapshotInfo; reason: PruneReason }>
}

function ignoreReason(s: SnapshotInfo, dbId: string): PruneReason | undefined {
  if (s.dbId !== dbId) return 'other DB'
  if (s.type !== 'manual') return s.type === 'automated' || s.type === 'awsbackup' ? 'automated' : 'shared'
  if (s.sharedWith.length > 0) return 'shared'
  if (s.tags[MANAGED_TAG] !== 'true') return 'untagged'
  return undefined
}

/**
 * Which snapshots prune deletes: of the manual snapshots of `dbId` that carry
 * `deploy-actions:managed=true` and are shared with nobody, keep the newest `retain`; the older
 * ones go when `available` (one still being created or deleted is left alone). A snapshot without
 * a creation time yet counts as the newest. `retain` 0 keeps all.
 */
export function planPrune(snapshots: SnapshotInfo[], dbId: string, retain: number): PrunePlan {
  const ignored: PrunePlan['ignored'] = []
  const managed: SnapshotInfo[] = []
  for (const s of snapshots) {
    const reason = ignoreReason(s, dbId)
    if (reason) ignored.push({ snapshot: s, reason })
    else managed.push(s)
  }
  const time = (s: SnapshotInfo) => s.createdAt?.getTime() ?? Number.POSITIVE_INFINITY
  managed.sort((a, b) => time(b) - time(a) || b.id.localeCompare(a.id))
  if (retain <= 0) return { keep: managed, remove: [], ignored }
  const keep = managed.slice(0, retain)
  const remove: SnapshotInfo[] = []
  for (const s of managed.slice(retain)) {
    if (s.status === 'available') remove.push(s)
    else ignored.push({ snapshot: s, reason: 'not available' })
  }
  return { keep, remove, ignored }
}

/** Parameters of RestoreDBInstanceFromDBSnapshot (field names as the SDK's). */
export interface InstanceRestoreParams {
  DBInstanceIdentifier: string
  DBSnapshotIdentifier: string
  DBInstanceClass?: string
  DBSubnetGroupName?: string
  VpcSecurityGroupIds?: string[]
  DBParameterGroupName?: string
  MultiAZ?: boolean
  PubliclyAccessible?: boolean
  Tags: Array<{ Key: string; Value: string }>
}

/** Parameters of RestoreDBClusterFromSnapshot plus the writer instance's CreateDBInstance. */
export interface ClusterRestoreParams {
  cluster: {
    DBClusterIdentifier: string
    SnapshotIdentifier: string
    Engine: string
    EngineVersion?: string
    DBSubnetGroupName?: string
    VpcSecurityGroupIds?: string[]
    DBClusterParameterGroupName?: string
    Tags: Array<{ Key: string; Value: string }>
  }
  writer: {
    DBInstanceIdentifier: string
    DBClusterIdentifier: string
    Engine: string
    DBInstanceClass: string
    DBParameterGroupName?: string
    PubliclyAccessible?: boolean
    Tags: Array<{ Key: string; Value: string }>
  }
}

/** Aurora needs an instance class for the writer; used only when the source cluster is gone. */
export const FALLBACK_AURORA_CLASS = 'db.r6g.large'

export function tagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
}

function restoreTags(tags: Record<string, string>, snapshotId: string): Array<{ Key: string; Value: string }> {
  return tagList({ ...tags, [RESTORED_FROM_TAG]: snapshotId })
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? [...list] : undefined
}

/**
 * RestoreDBInstanceFromDBSnapshot parameters: class, subnet group, VPC security groups,
 * parameter group, Multi-AZ and public accessibility copied from `source` when it still exists
 * (without it, RDS falls back to the snapshot's own settings and the defaults).
 */
export function instanceRestoreParams(
  snapshot: Pick<SnapshotInfo, 'id'>,
  targetId: string,
  source: DbInfo | undefined,
  tags: Record<string, string>,
): InstanceRestoreParams {
  const params: InstanceRestoreParams = {
    DBInstanceIdentifier: targetId,
    DBSnapshotIdentifier: snapshot.id,
    Tags: restoreTags(tags, snapshot.id),
  }
  if (!source) return params
  if (source.instanceClass) params.DBInstanceClass = source.instanceClass
  if (source.subnetGroup) params.DBSubnetGroupName = source.subnetGroup
  const sgs = nonEmpty(source.securityGroupIds)
  if (sgs) params.VpcSecurityGroupIds = sgs
  if (source.parameterGroup) params.DBParameterGroupName = source.parameterGroup
  if (source.multiAz !== undefined) params.MultiAZ = source.multiAz
  if (source.publiclyAccessible !== undefined) params.PubliclyAccessible = source.publiclyAccessible
  return params
}

/** The writer instance's id for a restored cluster: `<target>-1`, as the console names it. */
export function writerInstanceId(targetId: string): string {
  return sanitizeRdsIdentifier(`${targetId}-1`, 63)
}

/**
 * RestoreDBClusterFromSnapshot plus the writer's CreateDBInstance: subnet group, VPC security
 * groups and cluster parameter group from the source cluster; class, parameter group and public
 * accessibility of the writer from the source cluster's writer instance.
 */
export function clusterRestoreParams(
  snapshot: Pick<SnapshotInfo, 'id' | 'engine' | 'engineVersion'>,
  targetId: string,
  source: DbInfo | undefined,
  sourceWriter: DbInfo | undefined,
  tags: Record<string, string>,
): ClusterRestoreParams {
  const engine = source?.engine ?? snapshot.engine ?? 'aurora-postgresql'
  const cluster: ClusterRestoreParams['cluster'] = {
    DBClusterIdentifier: targetId,
    SnapshotIdentifier: snapshot.id,
    Engine: engine,
    Tags: restoreTags(tags, snapshot.id),
  }
  const version = snapshot.engineVersion ?? source?.engineVersion
  if (version) cluster.EngineVersion = version
  if (source?.subnetGroup) cluster.DBSubnetGroupName = source.subnetGroup
  const sgs = nonEmpty(source?.securityGroupIds)
  if (sgs) cluster.VpcSecurityGroupIds = sgs
  if (source?.parameterGroup) cluster.DBClusterParameterGroupName = source.parameterGroup
  const writer: ClusterRestoreParams['writer'] = {
    DBInstanceIdentifier: writerInstanceId(targetId),
    DBClusterIdentifier: targetId,
    Engine: engine,
    DBInstanceClass: sourceWriter?.instanceClass ?? FALLBACK_AURORA_CLASS,
    Tags: restoreTags(tags, snapshot.id),
  }
  if (sourceWriter?.parameterGroup) writer.DBParameterGroupName = sourceWriter.parameterGroup
  if (sourceWriter?.publiclyAccessible !== undefined) writer.PubliclyAccessible = sourceWriter.publiclyAccessible
  return { cluster, writer }
}

/** What a restore copied, for the log and the summary: setting → value. */
export function describeCopiedSettings(params: InstanceRestoreParams | ClusterRestoreParams): Array<[string, string]> {
  const rows: Array<[string, string]> = []
  const add = (name: string, value: unknown) => {
    if (value === undefined) return
    rows.push([name, Array.isArray(value) ? value.join(', ') : String(value)])
  }
  if ('cluster' in params) {
    add('instance class (writer)', params.writer.DBInstanceClass)
    add('subnet group', params.cluster.DBSubnetGroupName)
    add('VPC security groups', params.cluster.VpcSecurityGroupIds)
    add('cluster parameter group', params.cluster.DBClusterParameterGroupName)
    add('parameter group (writer)', params.writer.DBParameterGroupName)
    add('publicly accessible (writer)', params.writer.PubliclyAccessible)
  } else {
    add('instance class', params.DBInstanceClass)
    add('subnet group', params.DBSubnetGroupName)
    add('VPC security groups', params.VpcSecurityGroupIds)
    add('parameter group', params.DBParameterGroupName)
    add('Multi-AZ', params.MultiAZ)
    add('publicly accessible', params.PubliclyAccessible)
  }
  return rows
}

/** The one step a human still must take after a restore, as the runbooks say. */
export function nextStepAfterRestore(
  target: DbRef,
  endpoint: string,
  port: number | undefined,
  sourceId: string,
): string {
  const where = port ? `${endpoint}:${port}` : endpoint
  return (
    `Next step (by hand): point the application at the new endpoint ${where} ` +
    `(update the database host in its config map or secret, then restart it); ` +
    // A private RDS is out of a hosted runner's reach: the migration check goes through the cluster.
    `before that, check its migrations from the runner through the cluster: flyway-migrate with via: kubernetes, url: jdbc:postgresql://${where}/<database>, command: validate. ` +
    `The restored ${target.kind === 'cluster' ? 'cluster' : 'instance'} ${target.id} is separate from ${sourceId}, which was left untouched.`
  )
}
