// frontend-sync vs `aws s3 sync` (aws CLI v1) on the same moto, through a proxy that counts the
// uploads each tool makes: a first sync of a generated 510-file site, then re-syncs after a
// "fresh checkout" (every file's mtime moved forward, no content changed); then the same on a
// real 648-page Next.js 16 static export (644 SSG posts, buildId from generateBuildId), a real
// rebuild of it with a new buildId of the same length (every page changes, sizes do not), and a
// real rebuild with one post's text changed, against `aws s3 sync` followed by an invalidation
// of `/*`. The Next.js builds are made once by `scripts/build-site-fixtures.sh next-posts 644`
// into .cache/bench-sites/ (outside git; a few minutes, needs the npm registry) and reused.
// `node bench/frontend-sync.bench.ts` (needs dist/frontend-sync: `node scripts/bundle.ts dist frontend-sync`).
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { CloudFrontClient, CreateDistributionCommand } from '@aws-sdk/client-cloudfront'
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { formatDuration, markdownTable } from '@deploy-actions/kit'
import {
  generateSite,
  REPO_ROOT,
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
const NEXT_POSTS = 644

/** The three real Next.js builds (v1, new-build-id, one-page), built once into .cache/bench-sites/. */
function nextBuilds(): string {
  const script = join(REPO_ROOT, 'scripts/build-site-fixtures.sh')
  const version = /^NEXT_VERSION=(\S+)$/m.exec(readFileSync(script, 'utf8'))?.[1] ?? 'unknown'
  const dir = join(REPO_ROOT, '.cache/bench-sites', `next-${version}-${NEXT_POSTS}`)
  if (!existsSync(join(dir, 'one-page'))) {
    console.error(`building the ${NEXT_POSTS}-post Next.js ${version} site once into ${dir} (a few minutes)`)
    const r = spawnSync('bash', [script, 'next-posts', String(NEXT_POSTS), dir], { stdio: 'inherit' })
    if (r.status !== 0) throw new Error(`${script} next-posts ${NEXT_POSTS} failed`)
  }
  return dir
}

/** A fresh checkout of `build` at `dir`: the same content, every file written now (new mtimes). */
function checkout(build: string, dir: string): void {
  removeDir(dir)
  cpSync(build, dir, { recursive: true })
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')
const nextBuild = nextBuilds()
const loadAtStart = load()
const aws = requireBinary('aws', 'pip install awscli')
const moto = await startMoto()
const proxy = await startFaultProxy(moto.endpoint)
const work = tempDir('bench-frontend-sync')

try {
  const site = join(work, 'out')
  const files = generateSite(site)
  const next = join(work, 'next')
  checkout(join(nextBuild, 'v1'), next)
  const pages = readdirSync(next, { recursive: true }).filter((f) => String(f).endsWith('.html')).length
  const nextFiles = readdirSync(next, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length
  const config = {
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  }
  const s3 = new S3Client({ ...config, forcePathStyle: true })
  for (const Bucket of ['bench-ours', 'bench-aws', 'next-ours', 'next-aws']) {
    await s3.send(new CreateBucketCommand({ Bucket }))
  }
  const cf = new CloudFrontClient(config)
  const distribution = await cf.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: 'bench',
        Comment: '',
        Enabled: true,
        Origins: {
          Quantity: 1,
          Items: [{ Id: 's3', DomainName: 'next-ours.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' } }],
        },
        DefaultCacheBehavior: {
          TargetOriginId: 's3',
          ViewerProtocolPolicy: 'redirect-to-https',
          MinTTL: 0,
          ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } },
        },
      },
    }),
  )
  const distributionId = distribution.Distribution!.Id!
  cf.destroy()
  const env = { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, GITHUB_WORKSPACE: work }

  interface Measure {
    ms: number
    uploads: number
    heads: number
  }
  function counted(bucket: string, ms: number): Measure {
    // Site files only: the action's small state object (written when something changed) aside.
    const uploads = s3UploadedKeys(proxy.requests, bucket).filter((k) => !k.startsWith('.frontend-sync/'))
    const heads = proxy.requests.filter((r) => r.method === 'HEAD' && r.path.startsWith(`/${bucket}/`)).length
    return { ms, uploads: uploads.length, heads }
  }

  async function ours(source: string, bucket: string, inputs: Record<string, string> = {}): Promise<Measure> {
    proxy.clear()
    const started = performance.now()
    const run = await runBundle('frontend-sync', { inputs: { source, bucket, ...inputs }, env })
    const ms = performance.now() - started
    if (run.code !== 0) throw new Error(`frontend-sync failed:\n${run.stdout.slice(-2000)}`)
    return counted(bucket, ms)
  }

  // Async spawn: the counting proxy lives in this process and must keep serving meanwhile.
  async function awsCli(args: string[]): Promise<void> {
    const child = spawn(aws, ['--endpoint-url', proxy.endpoint, '--region', 'us-east-1', ...args], {
      env: { ...process.env, ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    if (code !== 0) throw new Error(`aws ${args.join(' ')} failed: ${stderr}`)
  }

  async function theirs(source: string, bucket: string, invalidateAll = false): Promise<Measure> {
    proxy.clear()
    const started = performance.now()
    await awsCli(['s3', 'sync', source, `s3://${bucket}/`, '--delete', '--only-show-errors'])
    if (invalidateAll) {
      await awsCli(['cloudfront', 'create-invalidation', '--distribution-id', distributionId, '--paths', '/*'])
    }
    return counted(bucket, performance.now() - started)
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const rows: unknown[][] = []
  const row = (step: string, o: Measure, a: Measure) => {
    console.error(
      `${step}: ours ${formatDuration(o.ms)} (${o.uploads} uploads, ${o.heads} HEADs), aws ${formatDuration(a.ms)} (${a.uploads} uploads)`,
    )
    rows.push([
      step,
      formatDuration(o.ms),
      o.uploads,
      o.heads,
      formatDuration(a.ms),
      a.uploads,
      `${(a.ms / o.ms).toFixed(1)}x`,
    ])
  }
  const notes: string[] = []

  /** `times` re-syncs after a fresh checkout (every mtime moved forward, no content changed). */
  async function resyncs(label: string, source: string, oursBucket: string, awsBucket: string, times: number) {
    const o: Measure[] = []
    const a: Measure[] = []
    for (let i = 0; i < times; i++) {
      touchAll(source, new Date(Date.now() + (i + 1) * 60_000))
      o.push(await ours(source, oursBucket))
      a.push(await theirs(source, awsBucket))
    }
    const pick = (ms: Measure[]) => ({
      ms: median(ms.map((m) => m.ms)),
      uploads: Math.max(...ms.map((m) => m.uploads)),
      heads: Math.max(...ms.map((m) => m.heads)),
    })
    row(`${label}: re-sync after fresh checkout (median of ${times})`, pick(o), pick(a))
    const runs = o.map(
      (m, i) => `${(a[i]!.ms / m.ms).toFixed(1)}x (${formatDuration(m.ms)} vs ${formatDuration(a[i]!.ms)})`,
    )
    notes.push(`${label} re-syncs, speed-up per run (ours vs aws): ${runs.join(', ')}`)
  }

  row(`${files.length}-file site: first sync`, await ours(site, 'bench-ours'), await theirs(site, 'bench-aws'))
  await resyncs(`${files.length}-file site`, site, 'bench-ours', 'bench-aws', RESYNCS)

  const label = `${pages}-page Next.js export (${nextFiles} files)`
  row(`${label}: first sync`, await ours(next, 'next-ours'), await theirs(next, 'next-aws'))
  await resyncs(label, next, 'next-ours', 'next-aws', RESYNCS)
  checkout(join(nextBuild, 'new-build-id'), next)
  row(
    `${label}: rebuild with a new buildId (every page changed, same sizes)`,
    await ours(next, 'next-ours'),
    await theirs(next, 'next-aws'),
  )
  checkout(join(nextBuild, 'one-page'), next)
  row(
    `${label}: rebuild with one post changed + invalidation (ours: the page's paths; aws: \`/*\`)`,
    await ours(next, 'next-ours', { 'distribution-id': distributionId }),
    await theirs(next, 'next-aws', true),
  )

  // The floor both tools pay on a re-sync: moto listing the 510 objects (one ListObjectsV2 page).
  const lists: number[] = []
  for (let i = 0; i < RESYNCS; i++) {
    const started = performance.now()
    await s3.send(new ListObjectsV2Command({ Bucket: 'bench-ours' }))
    lists.push(performance.now() - started)
  }
  s3.destroy()
  console.log(`frontend-sync vs aws s3 sync on moto (${moto.endpoint}), uploads and HEADs counted at a proxy\n`)
  console.log(markdownTable(['step', 'frontend-sync', 'uploads', 'HEADs', 'aws s3 sync', 'uploads', 'speed-up'], rows))
  console.log(`\n${notes.join('\n')}`)
  console.log(
    `moto's own ListObjectsV2 of the ${files.length} objects (paid by both tools on every sync): ${formatDuration(median(lists))} (median)`,
  )
  console.log(
    'frontend-sync times include starting the bundle (node) as the runner does, and (last row) waiting for the invalidation; aws times include starting the CLI (python).',
  )
  console.log(`load average (1, 5, 15 min): ${loadAtStart} at the start, ${load()} at the end`)
} finally {
  await proxy.stop()
  await moto.stop()
  removeDir(work)
}
