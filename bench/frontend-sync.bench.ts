// frontend-sync vs `aws s3 sync` (aws CLI v1) on the same moto, through a proxy that counts the
// uploads each tool makes: a first sync of a generated 510-file site, then re-syncs after a
// "fresh checkout" (every file's mtime moved forward, no content changed).
// `node bench/frontend-sync.bench.ts` (needs dist/frontend-sync: `node scripts/bundle.ts dist frontend-sync`).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { formatDuration, markdownTable } from '@deploy-actions/kit'
import {
  generateSite,
  removeDir,
  requireBinary,
  runBundle,
  s3UploadedKeys,
  startFaultProxy,
  startMoto,
  tempDir,
  touchAll,
} from '@deploy-actions/testbed'

const RESYNCS = 5
const aws = requireBinary('aws', 'pip install awscli')
const moto = await startMoto()
const proxy = await startFaultProxy(moto.endpoint)
const work = tempDir('bench-frontend-sync')
try {
  const site = join(work, 'out')
  const files = generateSite(site)
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
  for (const Bucket of ['bench-ours', 'bench-aws']) await s3.send(new CreateBucketCommand({ Bucket }))
  const env = { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint }

  async function ours(): Promise<{ ms: number; uploads: number }> {
    proxy.clear()
    const started = performance.now()
    const run = await runBundle('frontend-sync', { inputs: { source: site, bucket: 'bench-ours' }, env })
    const ms = performance.now() - started
    if (run.code !== 0) throw new Error(`frontend-sync failed:\n${run.stdout.slice(-2000)}`)
    // Site files only: the action's small state object (written when something changed) aside.
    const uploads = s3UploadedKeys(proxy.requests, 'bench-ours').filter((k) => !k.startsWith('.frontend-sync/'))
    return { ms, uploads: uploads.length }
  }

  // Async spawn: the counting proxy lives in this process and must keep serving meanwhile.
  async function theirs(): Promise<{ ms: number; uploads: number }> {
    proxy.clear()
    const started = performance.now()
    const child = spawn(
      aws,
      ['--endpoint-url', proxy.endpoint, 's3', 'sync', site, 's3://bench-aws/', '--delete', '--only-show-errors'],
      {
        env: { ...process.env, ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    const ms = performance.now() - started
    if (code !== 0) throw new Error(`aws s3 sync failed: ${stderr}`)
    return { ms, uploads: s3UploadedKeys(proxy.requests, 'bench-aws').length }
  }

  const rows: unknown[][] = []
  const first = { ours: await ours(), aws: await theirs() }
  rows.push([
    'first sync',
    formatDuration(first.ours.ms),
    first.ours.uploads,
    formatDuration(first.aws.ms),
    first.aws.uploads,
    '—',
  ])
  const resync = { ours: [] as number[], aws: [] as number[], oursUploads: 0, awsUploads: 0 }
  for (let i = 0; i < RESYNCS; i++) {
    touchAll(site, new Date(Date.now() + (i + 1) * 60_000))
    const o = await ours()
    const a = await theirs()
    resync.ours.push(o.ms)
    resync.aws.push(a.ms)
    resync.oursUploads = Math.max(resync.oursUploads, o.uploads)
    resync.awsUploads = Math.max(resync.awsUploads, a.uploads)
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  // The floor both tools pay on a re-sync: moto listing the 510 objects (one ListObjectsV2 page).
  const lists: number[] = []
  for (let i = 0; i < RESYNCS; i++) {
    const started = performance.now()
    await s3.send(new ListObjectsV2Command({ Bucket: 'bench-ours' }))
    lists.push(performance.now() - started)
  }
  s3.destroy()
  const [o, a] = [median(resync.ours), median(resync.aws)]
  rows.push([
    `re-sync after fresh checkout (median of ${RESYNCS})`,
    formatDuration(o),
    resync.oursUploads,
    formatDuration(a),
    resync.awsUploads,
    `${(a / o).toFixed(1)}x`,
  ])
  console.log(
    `frontend-sync vs aws s3 sync: ${files.length} files on moto (${moto.endpoint}), uploads counted at a proxy\n`,
  )
  console.log(markdownTable(['step', 'frontend-sync', 'uploads', 'aws s3 sync', 'uploads', 'speed-up'], rows))
  console.log(
    `\nre-sync times, frontend-sync: ${resync.ours.map(formatDuration).join(', ')}; aws s3 sync: ${resync.aws.map(formatDuration).join(', ')}`,
  )
  console.log(
    `moto's own ListObjectsV2 of the ${files.length} objects (paid by both tools on every sync): ${formatDuration(median(lists))} (median)`,
  )
  console.log(
    'frontend-sync times include starting the bundle (node) as the runner does; aws times include starting the CLI (python).',
  )
} finally {
  await proxy.stop()
  await moto.stop()
  removeDir(work)
}
