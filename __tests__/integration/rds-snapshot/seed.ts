// Seeds moto directly (not through the fault proxy) with the network, DBs and snapshots a test needs.
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBParameterGroupCommand,
  CreateDBSnapshotCommand,
  CreateDBSubnetGroupCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
} from '@aws-sdk/client-rds'
import type { Moto } from '@deploy-actions/testbed'

export function rdsClient(moto: Moto, endpoint = moto.endpoint): RDSClient {
  return new RDSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
}

/** One EC2 Query call to moto (no EC2 SDK client in this repo); returns the response XML. */
async function ec2(moto: Moto, params: Record<string, string>): Promise<string> {
  const res = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Version: '2016-11-15', ...params }).toString(),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`EC2 ${params.Action}: ${res.status} ${text}`)
  return text
}

function xmlValue(xml: string, element: string): string {
  const m = new RegExp(`<${element}>([^<]+)</${element}>`).exec(xml)
  if (!m) throw new Error(`no ${element} in ${xml.slice(0, 300)}`)
  return m[1]!
}

export interface Network {
  subnetGroup: string
  securityGroups: string[]
  parameterGroup: string
}

/** A VPC with two subnets, a DB subnet group, two security groups and a DB parameter group. */
export async function seedNetwork(moto: Moto): Promise<Network> {
  const vpc = xmlValue(await ec2(moto, { Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' }), 'vpcId')
  const subnets: string[] = []
  for (const [i, az] of ['us-east-1a', 'us-east-1b'].entries()) {
    const xml = await ec2(moto, {
      Action: 'CreateSubnet',
      VpcId: vpc,
      CidrBlock: `10.0.${i + 1}.0/24`,
      AvailabilityZone: az,
    })
    subnets.push(xmlValue(xml, 'subnetId'))
  }
  const securityGroups: string[] = []
  for (const name of ['db-app', 'db-admin']) {
    const xml = await ec2(moto, { Action: 'CreateSecurityGroup', GroupName: name, GroupDescription: name, VpcId: vpc })
    securityGroups.push(xmlValue(xml, 'groupId'))
  }
  const rds = rdsClient(moto)
  await rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: 'shop-private',
      DBSubnetGroupDescription: 'private',
      SubnetIds: subnets,
    }),
  )
  await rds.send(
    new CreateDBParameterGroupCommand({
      DBParameterGroupName: 'pg15-shop',
      DBParameterGroupFamily: 'postgres15',
      Description: 'shop',
    }),
  )
  return { subnetGroup: 'shop-private', securityGroups, parameterGroup: 'pg15-shop' }
}

export async function seedInstance(moto: Moto, id: string, net?: Network): Promise<void> {
  await rdsClient(moto).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      DBInstanceClass: 'db.m5.large',
      Engine: 'postgres',
      AllocatedStorage: 20,
      MasterUsername: 'shop',
      MasterUserPassword: 'password123',
      MultiAZ: true,
      PubliclyAccessible: false,
      ...(net
        ? {
            DBSubnetGroupName: net.subnetGroup,
            VpcSecurityGroupIds: net.securityGroups,
            DBParameterGroupName: net.parameterGroup,
          }
        : {}),
    }),
  )
}

export async function seedCluster(moto: Moto, id: string, net?: Network): Promise<void> {
  const rds = rdsClient(moto)
  await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: id,
      Engine: 'aurora-postgresql',
      MasterUsername: 'shop',
      MasterUserPassword: 'password123',
      ...(net ? { DBSubnetGroupName: net.subnetGroup, VpcSecurityGroupIds: net.securityGroups } : {}),
    }),
  )
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: `${id}-1`,
      DBClusterIdentifier: id,
      Engine: 'aurora-postgresql',
      DBInstanceClass: 'db.r6g.xlarge',
    }),
  )
}

export async function seedSnapshot(
  moto: Moto,
  dbId: string,
  snapshotId: string,
  tags: Record<string, string>,
  options: { cluster?: boolean; sharedWith?: string } = {},
): Promise<void> {
  const rds = rdsClient(moto)
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
  if (options.cluster) {
    await rds.send(
      new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: dbId, DBClusterSnapshotIdentifier: snapshotId, Tags }),
    )
    return
  }
  await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: dbId, DBSnapshotIdentifier: snapshotId, Tags }))
  if (options.sharedWith) {
    await rds.send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: snapshotId,
        AttributeName: 'restore',
        ValuesToAdd: [options.sharedWith],
      }),
    )
  }
}
