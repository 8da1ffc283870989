// The local release demo (`npm run demo`): a sample service released three times by the product's
// own CLI (`deploy-actions release --plan release.yaml`) against real local services, then a DR
// drill. v1.0.0 goes out; v1.1.0 brings a migration and a new image through a canary
// 10→50→100 analysed by real Prometheus over the traffic the emulator sends through the
// HTTPRoute, and is promoted; v1.2.0 is a failing image: the canary aborts on the analysis and
// v1.1.0 keeps serving; finally v1.1.0's pre-release snapshot is restored into a new instance.
// Everything it starts listens on 127.0.0.1 and is stopped at the end.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { formatDuration } from '@deploy-actions/kit'
import type { KubeObject } from '@deploy-actions/kube'
import pg from 'pg'
import { main as deployActions } from '../packages/release/src/cli.ts'
import type { ReleaseOutcome } from '../packages/release/src/session.ts'
import {
  APP,
  BUCKET,
  DB_INSTANCE,
  ECR_REPOSITORY,
  NAMESPACE,
  RELEASES,
  writeSampleService,
} from './demo/sample-service.ts'
import { AWS, type Production, startProduction, tagOf } from './demo/stage.ts'

const t0 = Date.now()
const timeline: string[] = []
const at = () => `+${formatDuration(Date.now() - t0)}`.padStart(8)
const event = (line: string) => {
  timeline.push(`${at()}  ${line}`)
}
const heading = (text: string) => console.log(`\n\x1b[1m━━━━ ${text}\x1b[0m`)

/**
 * Runs the product's CLI (its main(), the code `npx deploy-actions` runs) on the service's
 * folder; in this process, so each command does not pay for another Node start.
 */
function cli(p: Production, args: string[]): Promise<number> {
  console.log(`\x1b[2m$ npx deploy-actions ${args.join(' ')}\x1b[0m`)
  // The environment a shell would have for `npx deploy-actions` (AWS endpoint and credentials, docker host).
  Object.assign(process.env, p.env, { GITHUB_WORKSPACE: p.workspace })
  return deployActions(args, process.env)
}

/** What production looks like now, in one line per part. */
async function state(p: Production): Promise<string[]> {
  const aws = { ...AWS, endpoint: p.moto.endpoint }
  const images = await new ECRClient(aws).send(new DescribeImagesCommand({ repositoryName: ECR_REPOSITORY }))
  const tags = (images.imageDetails ?? [])
    .flatMap((i) => (i.imageTags ?? []).map((t) => `${t}=${i.imageDigest?.slice(7, 19)}`))
    .sort()
  const snapshots = await new RDSClient(aws).send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: DB_INSTANCE }))
  const client = new pg.Client({ connectionString: p.databaseUrl })
  await client.connect()
  const schema = await client
    .query<{ version: string }>(
      'SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1',
    )
    .finally(() => client.end())
  const d = await p.objects.get<
    KubeObject & { spec: { template: { spec: { containers: Array<{ image: string }> } } } }
  >({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: APP,
    namespace: NAMESPACE,
  })
  const objects = await new S3Client({ ...aws, forcePathStyle: true }).send(
    new ListObjectsV2Command({ Bucket: BUCKET }),
  )
  // What serves now: the routing re-read, then one second of traffic.
  await p.traffic.refresh()
  await new Promise((resolve) => setTimeout(resolve, 1100))
  const served = p.traffic.servedShare(1000)
  const byTag = Object.entries(served.byTag)
    .map(([t, n]) => `${t} ${Math.round((100 * n) / Math.max(1, served.total))}%`)
    .join(', ')
  return [
    `ECR ${ECR_REPOSITORY}: ${tags.join('  ')}`,
    `database: schema version ${schema.rows[0]?.version ?? 'empty'}; snapshots: ${
      (snapshots.DBSnapshots ?? [])
        .filter((s) => s.SnapshotType === 'manual')
        .map((s) => s.DBSnapshotIdentifier)
        .join(', ') || 'none'
    }`,
    `Deployment ${NAMESPACE}/${APP}: ${tagOf(d.spec.template.spec.containers[0]?.image)} (revision ${d.metadata?.annotations?.['deployment.kubernetes.io/revision']})`,
    `traffic (last second, ${served.total} requests): ${byTag}; 5xx ${served.errors}`,
    `s3://${BUCKET}: ${(objects.Contents ?? []).map((o) => o.Key).join(' ')}`,
  ]
}

async function release(p: Production, i: number): Promise<ReleaseOutcome & { version: string }> {
  const r = RELEASES[i]!
  heading(`Release ${r.version}: ${r.story}`)
  writeSampleService(p.workspace, p, r)
  event(`${r.version}: release started (${r.story})`)
  const record = join(p.workspace, `release-${r.version}.json`)
  const code = await cli(p, ['release', '--plan', 'release.yaml', '--version', r.version, '--record', record])
  const outcome = JSON.parse(readFileSync(record, 'utf8')) as ReleaseOutcome & { version: string }
  for (const e of outcome.result.timeline.filter((e) => e.outcome !== 'skipped')) {
    const mark = e.outcome === 'success' ? '✔' : '✘'
    const took = formatDuration(e.endedAt - e.startedAt)
    timeline.push(
      `${`+${formatDuration(e.startedAt - t0)}`.padStart(8)}  ${r.version}: ${mark} ${e.step} (${took}) — ${e.detail}`,
    )
  }
  event(`${r.version}: ${code === 0 ? 'released' : `stopped at ${outcome.result.failure?.step}`}`)
  console.log(`\n  production after ${r.version}:`)
  for (const line of await state(p)) console.log(`    ${line}`)
  return outcome
}

async function main(): Promise<void> {
  heading(
    'Starting the local production (moto, registry, dockerd, PostgreSQL, Kubernetes simulator, Prometheus, traffic)',
  )
  const p = await startProduction((line) => console.log(`  ${line}`))
  try {
    // The canary's analysis needs Prometheus to have scraped the traffic at least once.
    await p.prometheus.waitForTargets()
    event('production up: shop v0.9.0 serving through its HTTPRoute, Prometheus scraping the traffic')
    const first = await release(p, 0)
    if (!first.result.ok) throw new Error('v1.0.0 did not release')
    const second = await release(p, 1)
    if (!second.result.ok) throw new Error('v1.1.0 did not release')

    const third = await release(p, 2)
    if (third.result.ok) throw new Error('v1.2.0 was released: its canary should have aborted')

    heading("DR drill: restore v1.1.0's pre-release snapshot into a new instance")
    const snapshot = second.result.state.snapshot!.identifier
    const target = `${DB_INSTANCE}-drill`
    event(`DR drill: restoring ${snapshot} into ${target}`)
    const code = await cli(p, ['restore', '--plan', 'release.yaml', '--snapshot', snapshot, '--target', target])
    const restored = await new RDSClient({ ...AWS, endpoint: p.moto.endpoint }).send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: target }),
    )
    const db = restored.DBInstances?.[0]
    event(
      `DR drill: ${code === 0 ? '✔' : '✘'} ${target} ${db?.DBInstanceStatus ?? 'missing'} at ${db?.Endpoint?.Address}:${db?.Endpoint?.Port} (${DB_INSTANCE} untouched)`,
    )
    if (code !== 0) throw new Error('the DR drill failed')
  } finally {
    heading('Stopping everything')
    await p.stop()
    event('every local service stopped')
  }
}

let failed = false
try {
  await main()
} catch (error) {
  failed = true
  event(`demo stopped: ${error instanceof Error ? error.message : String(error)}`)
}
heading('Timeline')
for (const line of timeline) console.log(line)
console.log(failed ? '\nThe demo did not complete.' : `\nDemo done in ${formatDuration(Date.now() - t0)}.`)
process.exit(failed ? 1 : 0)
