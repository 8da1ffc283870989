// Hardening probes of the frontend-sync bundle against moto S3 and CloudFront, run as the runner
// runs it: invalidation paths encoded as CloudFront requires, unusable inputs refused as inputs,
// nothing outside `source` (symlinks) or the workspace published, a failed invalidation completed
// by the next run.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type CloudFrontClient, GetInvalidationCommand } from '@aws-sdk/client-cloudfront'
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import {
  type FaultProxy,
  generateSite,
  type Moto,
  removeDir,
  runBundle,
  s3UploadedKeys,
  tempDir,
} from '@deploy-actions/testbed'
import { createDistribution, type FrontendAws, startFrontendAws } from './distribution.ts'

let aws: FrontendAws
let moto: Moto
let proxy: FaultProxy
let s3: S3Client
let cloudfront: CloudFrontClient
let distributionId: string
let work: string
let bucketCount = 0

beforeAll(async () => {
  aws = await startFrontendAws()
  ;({ moto, proxy, s3, cloudfront } = aws)
  distributionId = await createDistribution(cloudfront, 'site', 'frontend-sync-hardening')
  work = tempDir('frontend-sync-hardening')
})

afterAll(async () => {
  await aws?.stop()
  if (work) removeDir(work)
})

async function newBucket(): Promise<string> {
  const bucket = `hardening-${++bucketCount}`
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  return bucket
}

function writeSite(dir: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  return dir
}

/** Site files uploaded, in arrival order; the action's own state object aside. */
function siteUploads(bucket: string): string[] {
  return s3UploadedKeys(proxy.requests, bucket).filter((k) => !k.startsWith('.frontend-sync/'))
}

function sync(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  cancelWhen?: (stdout: string) => boolean,
) {
  proxy.clear()
  return runBundle('frontend-sync', {
    inputs: { 'distribution-id': distributionId, ...inputs },
    env: { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, GITHUB_WORKSPACE: work, ...env },
    ...(cancelWhen ? { cancelWhen, timeoutMs: 60_000 } : {}),
  })
}

async function invalidated(id: string): Promise<string[]> {
  const inv = await cloudfront.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: id }))
  return [...(inv.Invalidation?.InvalidationBatch?.Paths?.Items ?? [])].sort()
}

async function stateOf(bucket: string): Promise<{ pending: Record<string, { paths: string[] }> }> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: '.frontend-sync/state.json' }))
  return JSON.parse(await r.Body!.transformToString())
}

describe('issue 14 item 6: invalidation paths and unusable inputs', () => {
  test('invalidation paths are percent-encoded as CloudFront requires (?, *, spaces, non-ASCII)', async () => {
    const bucket = await newBucket()
    const names = ['what?.html', 'star*.js', 'two words.html', 'café/menu.html', 'plain.html']
    const site = writeSite(join(work, 'encoded'), Object.fromEntries(names.map((n) => [n, `v1 ${n}`])))
    expect((await sync({ source: site, bucket })).code).toBe(0)
    writeSite(site, Object.fromEntries(names.map((n) => [n, `v2 of ${n}`])))
    const run = await sync({ source: site, bucket })
    expect(run.code).toBe(0)
    expect(siteUploads(bucket).sort()).toEqual([...names].sort())
    expect(await invalidated(run.outputs['invalidation-id']!)).toEqual([
      '/caf%C3%A9/menu.html',
      '/plain.html',
      '/star%2A.js',
      '/two%20words.html',
      '/what%3F.html',
    ])
  })

  test.each([
    ['a prefix with ..', { prefix: 'site/../other' }, 'prefix', /"\." or "\.\." segments/],
    ['a prefix that climbs', { prefix: '../../etc' }, 'prefix', /"\." or "\.\." segments/],
    [
      'a 70 KB exclude',
      { exclude: 'x'.repeat(70_000) },
      'exclude',
      /globs of at most 1024 characters, got "x{60}… \(70000 characters\)"/,
    ],
    ['a grace period in years', { 'keep-old-assets': '10y' }, 'keep-old-assets', /a grace period such as 7d/],
    ['a concurrency of 100000', { concurrency: '100000' }, 'concurrency', /./],
  ])('%s is refused as an input, before any request, without a stack', async (_label, inputs, name, form) => {
    const bucket = await newBucket()
    const site = writeSite(join(work, 'small'), { 'index.html': 'hi' })
    const run = await sync({ source: site, bucket, ...inputs })
    expect(run.code).not.toBe(0)
    const error = run.stdout.split('\n').find((l) => l.startsWith('::error::'))!
    expect(error).toMatch(new RegExp(`^::error::Invalid input ${name}: `))
    expect(error).toMatch(form)
    expect(error.length).toBeLessThan(600)
    expect(run.stdout + run.stderr).not.toMatch(/^\s+at /m) // no stack trace, no bundle source
    expect(proxy.requests).toEqual([])
  })
})

describe('issue 14 item 7: nothing outside source or the workspace is published', () => {
  test('a symlink out of source (to /etc/passwd) is refused with the list, before any upload', async () => {
    const bucket = await newBucket()
    const site = writeSite(join(work, 'links'), { 'index.html': 'hi', 'css/real.css': 'a{}' })
    symlinkSync('/etc/passwd', join(site, 'leak.txt'))
    symlinkSync('real.css', join(site, 'css/inner.css'))
    const run = await sync({ source: site, bucket })
    expect(run.code).not.toBe(0)
    expect(run.stdout).toMatch(
      /::error::Invalid input follow-symlinks: .*1 point outside and would be published: leak\.txt → \/etc\/passwd\. Remove them, or set follow-symlinks: all/,
    )
    expect(proxy.requests.filter((r) => r.method !== 'GET')).toEqual([])

    // refuse: every link, the one inside source too
    const refuse = await sync({ source: site, bucket, 'follow-symlinks': 'refuse' })
    expect(refuse.code).not.toBe(0)
    expect(refuse.stdout).toMatch(
      /no symlinks in source with follow-symlinks: refuse; found 2: css\/inner\.css → real\.css, leak\.txt → \/etc\/passwd/,
    )
  })

  test('within publishes links inside source; all publishes every file link', async () => {
    const bucket = await newBucket()
    const outside = writeSite(join(work, 'elsewhere'), { 'shared.txt': 'shared text' })
    const site = writeSite(join(work, 'links-ok'), { 'index.html': 'hi', 'css/real.css': 'a{}' })
    symlinkSync('real.css', join(site, 'css/inner.css'))
    const within = await sync({ source: site, bucket })
    expect(within.code).toBe(0)
    expect(siteUploads(bucket).sort()).toEqual(['css/inner.css', 'css/real.css', 'index.html'])
    symlinkSync(join(outside, 'shared.txt'), join(site, 'shared.txt'))
    const all = await sync({ source: site, bucket, 'follow-symlinks': 'all' })
    expect(all.code).toBe(0)
    expect(siteUploads(bucket)).toEqual(['shared.txt'])
  })

  test('a source that resolves outside GITHUB_WORKSPACE is refused unless allowed', async () => {
    const bucket = await newBucket()
    const workspace = join(work, 'checkout')
    mkdirSync(workspace, { recursive: true })
    const site = writeSite(join(work, 'outside-build'), { 'index.html': 'hi' })
    symlinkSync(site, join(workspace, 'dist'))
    for (const source of ['../outside-build', 'dist', site]) {
      const run = await sync({ source, bucket }, { GITHUB_WORKSPACE: workspace })
      expect([source, run.code]).toEqual([source, 1])
      expect(run.stdout).toMatch(
        /::error::Invalid input source: a directory inside the workspace .* resolves to .*outside-build\. Set allow-source-outside-workspace: true/,
      )
      expect(proxy.requests).toEqual([])
    }
    const allowed = await sync(
      { source: 'dist', bucket, 'allow-source-outside-workspace': 'true' },
      { GITHUB_WORKSPACE: workspace },
    )
    expect(allowed.code).toBe(0)
    expect(allowed.outputs.uploaded).toBe('1')
  })
})

describe('issue 14 item 11: a failed invalidation is completed by the next run', () => {
  test('paths are recorded before the upload and sent by the re-run, which has nothing to upload', async () => {
    const bucket = await newBucket()
    const site = writeSite(join(work, 'pending'), { 'index.html': 'v1', 'about.html': 'v1', 'app.css': 'v1' })
    expect((await sync({ source: site, bucket })).code).toBe(0)
    writeSite(site, { 'index.html': 'v2', 'about.html': 'v2 about' })

    // CloudFront unreachable (a closed port): the files are replaced, the invalidation fails
    const failed = await sync({ source: site, bucket }, { AWS_ENDPOINT_URL_CLOUDFRONT: 'http://127.0.0.1:9' })
    expect(failed.code).toBe(1)
    expect(failed.outputs).toMatchObject({ uploaded: '2', 'invalidation-id': '' })
    expect(failed.stdout).toMatch(
      /::error::CloudFront invalidation failed: .*\(left: site fully synced; CloudFront may serve cached copies of 3 paths/,
    )
    expect((await stateOf(bucket)).pending[distributionId]?.paths).toEqual(['/', '/about.html', '/index.html'])

    const rerun = await sync({ source: site, bucket })
    expect(rerun.code).toBe(0)
    expect(rerun.outputs).toMatchObject({ uploaded: '0', 'paths-invalidated': '3' })
    expect(await invalidated(rerun.outputs['invalidation-id']!)).toEqual(['/', '/about.html', '/index.html'])
    expect(rerun.summary).toContain('includes 3 paths a previous sync recorded and did not send')
    expect((await stateOf(bucket)).pending).toEqual({})

    const third = await sync({ source: site, bucket })
    expect(third.outputs).toMatchObject({ uploaded: '0', 'paths-invalidated': '0', 'invalidation-id': '' })
  })
})

describe('issue 14 item 9: a cancelled sync stops, writes what it knows, and the re-run finishes', () => {
  test('SIGINT during the asset uploads: no page replaced, nothing deleted, paths recorded; the re-run completes', async () => {
    const bucket = await newBucket()
    const site = join(work, 'cancelled')
    const files = generateSite(site)
    expect((await sync({ source: site, bucket })).code).toBe(0)
    generateSite(site, { salt: 'v2' }) // a new build: every file changes (hashed names too)

    const run = await sync({ source: site, bucket, concurrency: '1' }, {}, (out) =>
      /^(new|changed) +assets\//m.test(out),
    )
    expect(run.signalsSent).toEqual(['SIGINT']) // it stopped on SIGINT; SIGTERM was never due
    expect(run.code).toBe(1)
    const uploaded = Number(run.outputs.uploaded)
    expect(uploaded).toBeGreaterThan(0)
    expect(uploaded).toBeLessThan(50)
    const puts = siteUploads(bucket)
    expect(puts.every((k) => k.startsWith('assets/'))).toBe(true) // no page, manifest or worker replaced
    expect(proxy.requests.filter((r) => r.method === 'POST' && r.path.includes('?delete'))).toEqual([])
    expect(proxy.requests.filter((r) => r.path.includes('/invalidation'))).toEqual([])
    expect(run.stdout).toMatch(
      /^::error::cancelled \(SIGINT\) \(left: \d+ of \d+ files uploaded \(no page, manifest or service worker replaced, so the live site still works\); nothing deleted; the \d+ invalidation paths are recorded, and a re-run sends them; a re-run uploads the rest\)$/m,
    )
    expect(run.stdout).toMatch(/^left: \d+ of \d+ files uploaded/m)
    expect(run.summary).toContain('**Stopped during the upload phase.**')
    const recorded = (await stateOf(bucket)).pending[distributionId]!.paths
    expect(recorded).toContain('/index.html')

    const rerun = await sync({ source: site, bucket })
    expect(rerun.code).toBe(0)
    // The one PUT in flight at the SIGINT (concurrency 1) is not counted as uploaded, yet S3 may
    // have stored it all the same: the re-run then finds that file current and skips it.
    expect([0, 1]).toContain(files.length - Number(rerun.outputs.uploaded) - uploaded)
    expect(await invalidated(rerun.outputs['invalidation-id']!)).toEqual([...recorded].sort())
    expect((await stateOf(bucket)).pending).toEqual({})
    // Every file is current now.
    expect((await sync({ source: site, bucket })).outputs).toMatchObject({ uploaded: '0', 'paths-invalidated': '0' })
  })
})
