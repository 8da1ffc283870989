// The RDS operations the action needs, in its own terms, and their adapter on the AWS SDK v3
// (paginators for listings). The adapter turns AWS error names into answers (undefined, false) or
// our own errors, so the orchestration never matches an AWS error name. Waits poll these
// describe calls with kit's waitUntil (waits.ts).
import {
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  type DBCluster,
  type DBClusterSnapshot,
  type DBInstance,
  type DBSnapshot,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotAttributesCommand,
  DescribeDBSnapshotsCommand,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBSnapshots,
  RDSClient,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  type Tag,
} from '@aws-sdk/client-rds'
import { awsErrorName, clientConfig } from '@deploy-actions/aws'
import {
  type ClusterRestoreParams,
  type DbInfo,
  type DbKind,
  type DbRef,
  type InstanceRestoreParams,
  MANAGED_TAG,
  type SnapshotInfo,
  tagList,
} from './plan.ts'

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
  /** Throws SnapshotExistsError when a snapshot of that id exists already (another run was first). */
  createSnapshot(kind: DbKind, dbId: string, snapshotId: string, tags: Record<string, string>): Promise<SnapshotInfo>
  /** True when deleted, false when it was already gone. */
  deleteSnapshot(kind: DbKind, id: string): Promise<boolean>
  restoreInstance(params: InstanceRestoreParams): Promise<DbInfo>
  restoreCluster(params: ClusterRestoreParams['cluster']): Promise<DbInfo>
  createClusterInstance(params: ClusterRestoreParams['writer']): Promise<DbInfo>
}

/** A snapshot of that identifier exists already (created between our look and our create). */
export class SnapshotExistsError extends Error {
  override name = 'SnapshotExistsError'
  constructor(id: string, options?: { cause?: unknown }) {
    super(`snapshot ${id} already exists`, options)
  }
}

export function describeKind(kind: DbKind): string {
  return kind === 'cluster' ? 'Aurora cluster' : 'DB instance'
}

export function snapshotNoun(kind: DbKind): string {
  return kind === 'cluster' ? 'cluster snapshot' : 'snapshot'
}

export function rdsPorts(region: string): RdsPort {
  return sdkRdsPort(new RDSClient(clientConfig(region)))
}

function isNotFound(error: unknown): boolean {
  return /NotFound/.test(awsErrorName(error) ?? '')
}

function tagsOf(list: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const t of list ?? []) if (t.Key) out[t.Key] = t.Value ?? ''
  return out
}

function securityGroupIds(groups: Array<{ VpcSecurityGroupId?: string | undefined }> | undefined): string[] {
  return (groups ?? []).flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : []))
}

export function instanceInfo(db: DBInstance): DbInfo {
  return {
    kind: 'instance',
    id: db.DBInstanceIdentifier ?? '',
    arn: db.DBInstanceArn ?? '',
    status: db.DBInstanceStatus ?? 'unknown',
    engine: db.Engine ?? '',
    engineVersion: db.EngineVersion,
    clusterId: db.DBClusterIdentifier || undefined,
    allocatedStorageGiB: db.AllocatedStorage,
    instanceClass: db.DBInstanceClass,
    subnetGroup: db.DBSubnetGroup?.DBSubnetGroupName,
    securityGroupIds: securityGroupIds(db.VpcSecurityGroups),
    parameterGroup: db.DBParameterGroups?.[0]?.DBParameterGroupName,
    multiAz: db.MultiAZ,
    publiclyAccessible: db.PubliclyAccessible,
    endpoint: db.Endpoint?.Address,
    port: db.Endpoint?.Port,
    tags: tagsOf(db.TagList),
  }
}

export function clusterInfo(db: DBCluster): DbInfo {
  return {
    kind: 'cluster',
    id: db.DBClusterIdentifier ?? '',
    arn: db.DBClusterArn ?? '',
    status: db.Status ?? 'unknown',
    engine: db.Engine ?? '',
    engineVersion: db.EngineVersion,
    writerId: db.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier,
    allocatedStorageGiB: db.AllocatedStorage,
    instanceClass: db.DBClusterInstanceClass,
    subnetGroup: db.DBSubnetGroup,
    securityGroupIds: securityGroupIds(db.VpcSecurityGroups),
    parameterGroup: db.DBClusterParameterGroup,
    multiAz: db.MultiAZ,
    publiclyAccessible: db.PubliclyAccessible,
    endpoint: db.Endpoint,
    port: db.Port,
    tags: tagsOf(db.TagList),
  }
}

/** The fields DB and cluster snapshots share. */
function commonSnapshotFields(s: DBSnapshot | DBClusterSnapshot) {
  return {
    status: s.Status ?? 'unknown',
    type: s.SnapshotType ?? 'manual',
    createdAt: s.SnapshotCreateTime ? new Date(s.SnapshotCreateTime) : undefined,
    percentProgress: s.PercentProgress,
    allocatedStorageGiB: s.AllocatedStorage,
    engine: s.Engine,
    engineVersion: s.EngineVersion,
    port: s.Port,
    tags: tagsOf(s.TagList),
    sharedWith: [],
  }
}

export function snapshotInfo(s: DBSnapshot): SnapshotInfo {
  return {
    kind: 'instance',
    id: s.DBSnapshotIdentifier ?? '',
    arn: s.DBSnapshotArn ?? '',
    dbId: s.DBInstanceIdentifier ?? '',
    ...commonSnapshotFields(s),
  }
}

export function clusterSnapshotInfo(s: DBClusterSnapshot): SnapshotInfo {
  return {
    kind: 'cluster',
    id: s.DBClusterSnapshotIdentifier ?? '',
    arn: s.DBClusterSnapshotArn ?? '',
    dbId: s.DBClusterIdentifier ?? '',
    ...commonSnapshotFields(s),
  }
}

export function sdkRdsPort(client: RDSClient): RdsPort {
  async function describeDb(ref: DbRef): Promise<DbInfo | undefined> {
    try {
      if (ref.kind === 'instance') {
        const out = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: ref.id }))
        const db = out.DBInstances?.[0]
        return db ? instanceInfo(db) : undefined
      }
      const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: ref.id }))
      const db = out.DBClusters?.[0]
      return db ? clusterInfo(db) : undefined
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async function describeSnapshot(kind: DbKind, id: string): Promise<SnapshotInfo | undefined> {
    try {
      if (kind === 'instance') {
        const out = await client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }))
        const s = out.DBSnapshots?.[0]
        return s ? snapshotInfo(s) : undefined
      }
      const out = await client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: id }))
      const s = out.DBClusterSnapshots?.[0]
      return s ? clusterSnapshotInfo(s) : undefined
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async function sharedWith(s: SnapshotInfo): Promise<string[]> {
    const attributes =
      s.kind === 'instance'
        ? (await client.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: s.id })))
            .DBSnapshotAttributesResult?.DBSnapshotAttributes
        : (await client.send(new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: s.id })))
            .DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes
    return (attributes ?? []).filter((a) => a.AttributeName === 'restore').flatMap((a) => a.AttributeValues ?? [])
  }

  async function listSnapshots(kind: DbKind, dbId: string, withSharing = false): Promise<SnapshotInfo[]> {
    const all: SnapshotInfo[] = []
    if (kind === 'instance') {
      for await (const page of paginateDescribeDBSnapshots({ client, pageSize: 100 }, { DBInstanceIdentifier: dbId })) {
        for (const s of page.DBSnapshots ?? []) all.push(snapshotInfo(s))
      }
    } else {
      for await (const page of paginateDescribeDBClusterSnapshots(
        { client, pageSize: 100 },
        { DBClusterIdentifier: dbId },
      )) {
        for (const s of page.DBClusterSnapshots ?? []) all.push(clusterSnapshotInfo(s))
      }
    }
    // Only a managed manual snapshot could be deleted: ask who it is shared with (never delete those).
    if (!withSharing) return all
    for (const s of all) if (s.type === 'manual' && s.tags[MANAGED_TAG] === 'true') s.sharedWith = await sharedWith(s)
    return all
  }

  async function createSnapshot(kind: DbKind, dbId: string, snapshotId: string, tags: Record<string, string>) {
    if (kind === 'instance') {
      const out = await client.send(
        new CreateDBSnapshotCommand({
          DBInstanceIdentifier: dbId,
          DBSnapshotIdentifier: snapshotId,
          Tags: tagList(tags),
        }),
      )
      if (!out.DBSnapshot) throw new Error(`CreateDBSnapshot returned no snapshot for ${snapshotId}`)
      return snapshotInfo(out.DBSnapshot)
    }
    const out = await client.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: dbId,
        DBClusterSnapshotIdentifier: snapshotId,
        Tags: tagList(tags),
      }),
    )
    if (!out.DBClusterSnapshot) throw new Error(`CreateDBClusterSnapshot returned no snapshot for ${snapshotId}`)
    return clusterSnapshotInfo(out.DBClusterSnapshot)
  }

  return {
    describeDb,
    describeSnapshot,
    listSnapshots,

    async createSnapshot(kind, dbId, snapshotId, tags) {
      try {
        return await createSnapshot(kind, dbId, snapshotId, tags)
      } catch (error) {
        // DBSnapshotAlreadyExists / DBClusterSnapshotAlreadyExistsFault: another run was first.
        if (/AlreadyExists/.test(awsErrorName(error) ?? '')) throw new SnapshotExistsError(snapshotId, { cause: error })
        throw error
      }
    },
    async deleteSnapshot(kind, id) {
      try {
        if (kind === 'instance') await client.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id }))
        else await client.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: id }))
        return true
      } catch (error) {
        if (isNotFound(error)) return false
        throw error
      }
    },

    async restoreInstance(params) {
      const out = await client.send(new RestoreDBInstanceFromDBSnapshotCommand(params))
      if (!out.DBInstance)
        throw new Error(`RestoreDBInstanceFromDBSnapshot returned no instance for ${params.DBInstanceIdentifier}`)
      return instanceInfo(out.DBInstance)
    },

    async restoreCluster(params) {
      const out = await client.send(new RestoreDBClusterFromSnapshotCommand(params))
      if (!out.DBCluster)
        throw new Error(`RestoreDBClusterFromSnapshot returned no cluster for ${params.DBClusterIdentifier}`)
      return clusterInfo(out.DBCluster)
    },

    async createClusterInstance(params) {
      const out = await client.send(new CreateDBInstanceCommand(params))
      if (!out.DBInstance) throw new Error(`CreateDBInstance returned no instance for ${params.DBInstanceIdentifier}`)
      return instanceInfo(out.DBInstance)
    },
  }
}
