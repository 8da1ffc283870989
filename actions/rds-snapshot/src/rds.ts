// The RdsPort on the AWS SDK v3: paginators for listings, the SDK's own waiters for every wait
// (polled through an observing client so each wait prints progress lines with the status and
// PercentProgress it sees), bounded by the run's one deadline.
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
  waitUntilDBClusterAvailable,
  waitUntilDBClusterSnapshotAvailable,
  waitUntilDBInstanceAvailable,
  waitUntilDBSnapshotAvailable,
} from '@aws-sdk/client-rds'
import { awsErrorName, clientConfig } from '@deploy-actions/aws'
import { DeployError, formatDuration, progressReporter, WaitTimeoutError } from '@deploy-actions/kit'
import { type DbInfo, type DbKind, type DbRef, MANAGED_TAG, type SnapshotInfo, tagList } from './plan.ts'
import { describeKind, type PortWait, type RdsPort, snapshotNoun } from './port.ts'

export function createRdsPort(region: string): RdsPort {
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

/** `creating, 45%` from a describe response, for progress lines. */
function snapshotDetail(s: SnapshotInfo | undefined): string {
  if (!s) return 'not found yet'
  return s.percentProgress !== undefined && s.status !== 'available' ? `${s.status}, ${s.percentProgress}%` : s.status
}

/** Waiter delays (seconds): fixed when a poll interval is set, else 10-30 s; always inside the time left. */
export function waiterDelays(pollIntervalMs: number | undefined, remainingS: number) {
  const [min, max] = pollIntervalMs === undefined ? [10, 30] : [pollIntervalMs / 1000, pollIntervalMs / 1000]
  const minDelay = Math.max(0.001, Math.min(min, remainingS / 2))
  return { minDelay, maxDelay: Math.max(minDelay, max) }
}

interface Observation {
  detail: string
  done: boolean
}

/**
 * Runs an SDK waiter against a client that notes every response it polls, so a progress line
 * (status, PercentProgress, or the error being retried) is printed at least every
 * `progressEveryMs` and a timeout says what was last seen.
 */
async function waitWithProgress(
  client: RDSClient,
  what: string,
  wait: PortWait,
  observe: (output: unknown) => Observation,
  waiter: (config: { client: RDSClient; maxWaitTime: number; minDelay: number; maxDelay: number }) => Promise<unknown>,
): Promise<void> {
  const progress = progressReporter(what, wait.log, wait.clock, wait.progressEveryMs)
  let detail = 'not checked yet'
  let announced = false
  const observing = Object.create(client) as RDSClient
  observing.send = (async (command: Parameters<RDSClient['send']>[0]) => {
    try {
      const output = await client.send(command)
      const seen = observe(output)
      detail = seen.detail
      if (!seen.done && !announced) {
        announced = true
        progress.tick(detail, true)
      }
      return output
    } catch (error) {
      detail = `${awsErrorName(error) ?? 'error'}: ${(error as Error).message ?? error}; retrying`
      throw error
    }
  }) as RDSClient['send']
  const timer = setInterval(() => progress.tick(detail), Math.max(50, Math.min(1000, wait.progressEveryMs / 5)))
  const timedOut = () =>
    new WaitTimeoutError(`timed out after ${formatDuration(wait.timeoutMs)} waiting for ${what} (last seen: ${detail})`)
  try {
    const remainingS = (wait.deadline - wait.clock.now()) / 1000
    if (remainingS <= 0) throw timedOut()
    await waiter({ client: observing, maxWaitTime: remainingS, ...waiterDelays(wait.pollIntervalMs, remainingS) })
    if (announced) wait.log(`${what}: done after ${formatDuration(progress.elapsed())}`)
  } catch (error) {
    if (error instanceof WaitTimeoutError) throw error
    if ((error as Error).name === 'TimeoutError') throw timedOut()
    if (/"state":"FAILURE"/.test((error as Error).message ?? '')) {
      throw new DeployError(`${what} failed: it reached status "${detail}", which it will not leave by itself`)
    }
    throw error
  } finally {
    clearInterval(timer)
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

  return {
    describeDb,
    describeSnapshot,
    listSnapshots,

    async createSnapshot(kind, dbId, snapshotId, tags) {
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
    },

    async deleteSnapshot(kind, id) {
      if (kind === 'instance') await client.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id }))
      else await client.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: id }))
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

    async waitDbAvailable(ref, wait) {
      const what = `${describeKind(ref.kind)} ${ref.id} to be available`
      if (ref.kind === 'instance') {
        await waitWithProgress(
          client,
          what,
          wait,
          (out) => {
            const status = (out as { DBInstances?: DBInstance[] }).DBInstances?.[0]?.DBInstanceStatus ?? 'not found'
            return { detail: `status ${status}`, done: status === 'available' }
          },
          (config) => waitUntilDBInstanceAvailable(config, { DBInstanceIdentifier: ref.id }),
        )
      } else {
        await waitWithProgress(
          client,
          what,
          wait,
          (out) => {
            const status = (out as { DBClusters?: DBCluster[] }).DBClusters?.[0]?.Status ?? 'not found'
            return { detail: `status ${status}`, done: status === 'available' }
          },
          (config) => waitUntilDBClusterAvailable(config, { DBClusterIdentifier: ref.id }),
        )
      }
      const db = await describeDb(ref)
      if (!db) throw new DeployError(`${describeKind(ref.kind)} ${ref.id} disappeared while waiting for it`)
      return db
    },

    async waitSnapshotAvailable(kind, id, wait) {
      const what = `${snapshotNoun(kind)} ${id} to be available`
      // The instance and cluster APIs differ only in names: pick the reader and the SDK waiter.
      const infoOf =
        kind === 'instance'
          ? (out: unknown) => {
              const s = (out as { DBSnapshots?: DBSnapshot[] }).DBSnapshots?.[0]
              return s ? snapshotInfo(s) : undefined
            }
          : (out: unknown) => {
              const s = (out as { DBClusterSnapshots?: DBClusterSnapshot[] }).DBClusterSnapshots?.[0]
              return s ? clusterSnapshotInfo(s) : undefined
            }
      await waitWithProgress(
        client,
        what,
        wait,
        (out) => {
          const info = infoOf(out)
          return { detail: snapshotDetail(info), done: info?.status === 'available' }
        },
        (config) =>
          kind === 'instance'
            ? waitUntilDBSnapshotAvailable(config, { DBSnapshotIdentifier: id })
            : waitUntilDBClusterSnapshotAvailable(config, { DBClusterSnapshotIdentifier: id }),
      )
      const s = await describeSnapshot(kind, id)
      if (!s) throw new DeployError(`${snapshotNoun(kind)} ${id} disappeared while waiting for it`)
      return s
    },
  }
}
