// rds-snapshot against moto: the bundle's create (with its checks, tags and waits) vs the runbook
// way, `aws rds create-db-snapshot` + `aws rds wait db-snapshot-available`; a re-run that
// reuses; rejection of a bad input; prune over 250 managed snapshots (3 pages); and the fault
// proxy's cost per call. `node bench/rds-snapshot.bench.ts`: prints figures, asserts nothing.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds'
import { formatDuration } from '@deploy-actions/kit'
import { REPO_ROOT, requireBinary, runBundle, startFaultProxy, startMoto } from '@deploy-actions/testbed'
import { rdsClient, seedInstance, seedSnapshot } from '../__tests__/integration/rds-snapshot/seed.ts'

if (!existsSync(join(REPO_ROOT, 'dist', 'rds-snapshot', 'index.js'))) {
  console.error('dist/rds-snapshot/index.js is missing: run `node scripts/bundle.ts dist rds-snapshot` first')
  process.exit(1)
}
const RUNS = 5
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}
const fmt = (ms: number) => formatDuration(ms)

const moto = await startMoto()
const proxy = await startFaultProxy(moto.endpoint)
try {
  await seedInstance(moto, 'webshop-prod')
  const env = { ...moto.env, GITHUB_REF: 'refs/tags/v2.1.0', GITHUB_SHA: '0123456789abcdef' }

  const create: number[] = []
  const reuse: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const inputs = { 'db-instance-identifier': 'webshop-prod', 'snapshot-identifier': `bench-action-${i}` }
    create.push(
      await timed(async () => {
        const r = await runBundle('rds-snapshot', { inputs, env })
        if (r.code !== 0) throw new Error(r.stdout)
      }),
    )
    reuse.push(await timed(() => runBundle('rds-snapshot', { inputs, env })))
  }

  const aws = requireBinary('aws', 'pip install awscli')
  const cli: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const id = `bench-cli-${i}`
    cli.push(
      await timed(() => {
        for (const args of [
          ['rds', 'create-db-snapshot', '--db-instance-identifier', 'webshop-prod', '--db-snapshot-identifier', id],
          ['rds', 'wait', 'db-snapshot-available', '--db-snapshot-identifier', id],
        ]) {
          const r = spawnSync(aws, ['--endpoint-url', moto.endpoint, ...args], {
            env: { ...process.env, ...env, AWS_DEFAULT_REGION: 'us-east-1' },
          })
          if (r.status !== 0) throw new Error(String(r.stderr))
        }
      }),
    )
  }
  const cliRerun = spawnSync(
    aws,
    [
      '--endpoint-url',
      moto.endpoint,
      'rds',
      'create-db-snapshot',
      '--db-instance-identifier',
      'webshop-prod',
      '--db-snapshot-identifier',
      'bench-cli-0',
    ],
    {
      env: { ...process.env, ...env, AWS_DEFAULT_REGION: 'us-east-1' },
      encoding: 'utf8',
    },
  )

  // Straight `node dist/rds-snapshot/index.js`, as the runner starts it (no test harness around it).
  const bundle = join(REPO_ROOT, 'dist', 'rds-snapshot', 'index.js')
  const badEnv = {
    ...process.env,
    ...env,
    'INPUT_DB-INSTANCE-IDENTIFIER': 'webshop-prod',
    INPUT_TIMEOUT: 'soon',
    GITHUB_OUTPUT: '/dev/null',
  }
  const bad: number[] = []
  for (let i = 0; i < RUNS; i++) bad.push(await timed(() => spawnSync(process.execPath, [bundle], { env: badEnv })))
  const nodeBare = median(await Promise.all([0, 1, 2].map(() => timed(() => spawnSync(process.execPath, ['-e', '0'])))))

  console.log(`create, median of ${RUNS} (moto, snapshot available at once):`)
  console.log(`  rds-snapshot bundle (create)                 ${fmt(median(create))}`)
  console.log(`  rds-snapshot bundle (re-run, reuses)         ${fmt(median(reuse))}`)
  console.log(`  aws CLI create-db-snapshot + wait            ${fmt(median(cli))}`)
  console.log(`  aws CLI re-run: exit ${cliRerun.status}, ${(cliRerun.stderr.match(/\(([A-Za-z]+)\)/) ?? [])[1] ?? ''}`)
  console.log(`bad input (timeout: soon) rejected in          ${fmt(median(bad))} (bare node -e 0: ${fmt(nodeBare)})`)

  // Prune over 250 managed snapshots (DescribeDBSnapshots pages of 100), keeping 5.
  await moto.reset()
  await seedInstance(moto, 'webshop-prod')
  const seedStart = performance.now()
  for (let i = 0; i < 250; i++)
    await seedSnapshot(moto, 'webshop-prod', `webshop-prod-pre-v1-${i}`, { 'deploy-actions:managed': 'true' })
  const seedMs = performance.now() - seedStart
  const viaProxy = { ...env, AWS_ENDPOINT_URL: proxy.endpoint }
  proxy.clear()
  const dryMs = await timed(() =>
    runBundle('rds-snapshot', {
      inputs: { mode: 'prune', 'db-instance-identifier': 'webshop-prod', retain: '5', 'dry-run': 'true' },
      env: viaProxy,
    }),
  )
  const dryCalls = proxy.count()
  proxy.clear()
  let deleted = 0
  const pruneMs = await timed(async () => {
    const r = await runBundle('rds-snapshot', {
      inputs: { mode: 'prune', 'db-instance-identifier': 'webshop-prod', retain: '5' },
      env: viaProxy,
    })
    deleted = (r.outputs.deleted ?? '').split(',').filter(Boolean).length
  })
  console.log(`prune, 250 managed snapshots, retain 5 (seeded in ${fmt(seedMs)}):`)
  console.log(`  dry run                                      ${fmt(dryMs)}, ${dryCalls} API calls`)
  console.log(
    `  prune                                        ${fmt(pruneMs)}, ${proxy.count()} API calls (${proxy.count('DescribeDBSnapshots')} DescribeDBSnapshots pages, ${proxy.count('DeleteDBSnapshot')} deletes), ${deleted} deleted`,
  )

  // The fault proxy's own cost: 200 DescribeDBInstances directly and through it.
  const direct = rdsClient(moto)
  const proxied = new RDSClient({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  })
  const cmd = () => new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'webshop-prod' })
  await direct.send(cmd())
  await proxied.send(cmd())
  const directMs = await timed(async () => {
    for (let i = 0; i < 200; i++) await direct.send(cmd())
  })
  const proxyMs = await timed(async () => {
    for (let i = 0; i < 200; i++) await proxied.send(cmd())
  })
  console.log(
    `fault proxy, 200 DescribeDBInstances: direct ${(directMs / 200).toFixed(2)} ms/call, through the proxy ${(proxyMs / 200).toFixed(2)} ms/call`,
  )
} finally {
  await proxy.stop()
  await moto.stop()
}
