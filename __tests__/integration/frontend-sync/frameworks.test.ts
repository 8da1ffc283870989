// The frontend-sync bundle on real framework builds (a Next.js static export and an Angular app
// with lazy routes and the PWA service worker, built by scripts/build-site-fixtures.sh from pinned
// npm versions, before and after a one-line change) against moto S3 and CloudFront, through a
// recording proxy that sees every request in order.
import { createHash } from 'node:crypto'
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { type CloudFrontClient, GetInvalidationCommand } from '@aws-sdk/client-cloudfront'
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3'
import {
  type FaultProxy,
  type Moto,
  REPO_ROOT,
  removeDir,
  runBundle,
  s3UploadedKeys,
  tempDir,
  touchAll,
} from '@deploy-actions/testbed'
import { goLiveRank } from '../../../actions/frontend-sync/src/files.ts'
import { createDistribution, type FrontendAws, startFrontendAws } from './distribution.ts'

const FIXTURES = join(REPO_ROOT, '__tests__/fixtures/sites')
let aws: FrontendAws
let moto: Moto
let proxy: FaultProxy
let s3: S3Client
let cloudfront: CloudFrontClient
let distributionId: string
let work: string

beforeAll(async () => {
  aws = await startFrontendAws()
  ;({ moto, proxy, s3, cloudfront } = aws)
  for (const Bucket of ['next-site', 'angular-site']) await s3.send(new CreateBucketCommand({ Bucket }))
  distributionId = await createDistribution(cloudfront, 'next-site', 'frontend-sync-frameworks')
  work = tempDir('frontend-sync-frameworks')
})

afterAll(async () => {
  await aws?.stop()
  if (work) removeDir(work)
})

/** Relative path → SHA-256 of every file under `dir`. */
function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue
    const full = join(e.parentPath, e.name)
    out.set(relative(dir, full).split(sep).join('/'), createHash('sha256').update(readFileSync(full)).digest('hex'))
  }
  return out
}

/** Files of `to` that are new or differ from `from`; files of `from` gone from `to`. */
function changes(from: string, to: string) {
  const [a, b] = [hashes(from), hashes(to)]
  return {
    changed: [...b]
      .filter(([p, h]) => a.get(p) !== h)
      .map(([p]) => p)
      .sort(),
    gone: [...a.keys()].filter((p) => !b.has(p)).sort(),
  }
}

/** Lays a fixture build into `dir` as a fresh checkout would (new mtimes). */
function checkout(fixture: string, dir: string): string {
  rmSync(dir, { recursive: true, force: true })
  cpSync(join(FIXTURES, fixture), dir, { recursive: true })
  touchAll(dir)
  return dir
}

/** The site files uploaded (PutObject / multipart), in arrival order; the action's own state object aside. */
function siteUploads(bucket: string): string[] {
  return s3UploadedKeys(proxy.requests, bucket).filter((k) => !k.split('/').includes('.frontend-sync'))
}

function sync(source: string, bucket: string, inputs: Record<string, string> = {}) {
  proxy.clear()
  return runBundle('frontend-sync', {
    inputs: { source, bucket, 'distribution-id': distributionId, concurrency: '8', ...inputs },
    env: { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, GITHUB_WORKSPACE: work },
  })
}

const requests = (method: string, bucket: string) =>
  proxy.requests.filter((r) => r.method === method && r.path.startsWith(`/${bucket}/`))

async function invalidated(id: string): Promise<string[]> {
  const inv = await cloudfront.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: id }))
  return [...(inv.Invalidation?.InvalidationBatch?.Paths?.Items ?? [])].sort()
}

async function readable(bucket: string, key: string): Promise<boolean> {
  try {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    await r.Body?.transformToByteArray() // read whole, so no half-read response is left open
    return true
  } catch {
    return false
  }
}

describe('Next.js static export', () => {
  const B = 'next-site'
  let site: string

  test('first publish: headers by the Next.js preset, entry points in dependency order', async () => {
    site = checkout('next/v1', join(work, 'next'))
    const run = await sync(site, B)
    expect(run.code).toBe(0)
    const files = [...hashes(site).keys()].sort()
    const order = siteUploads(B)
    expect([...order].sort()).toEqual(files)
    // Every upload's go-live rank is at least the one before it (web manifest < pages < …).
    const ranks = order.map((k) => goLiveRank(k, 'next'))
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
    expect(order.indexOf('site.webmanifest')).toBeLessThan(order.indexOf('index.html'))
    const head = async (key: string) => s3.send(new HeadObjectCommand({ Bucket: B, Key: key }))
    expect((await head('about.txt')).CacheControl).toBe('no-cache') // RSC payload revalidates like HTML
    expect((await head('about/__next.about.__PAGE__.txt')).CacheControl).toBe('no-cache')
    expect((await head('about.html')).CacheControl).toBe('no-cache')
    const chunk = files.find((f) => f.startsWith('_next/static/chunks/'))!
    expect((await head(chunk)).CacheControl).toBe('public, max-age=31536000, immutable')
    expect((await head('_next/static/fixture-build/_buildManifest.js')).CacheControl).toBe(
      'public, max-age=31536000, immutable',
    )
    expect(run.summary).toContain('Build: next')
  })

  test('a one-line change: exactly the changed files, no HeadObject, clean URLs invalidated, no fingerprinted path', async () => {
    const { changed, gone } = changes(join(FIXTURES, 'next/v1'), join(FIXTURES, 'next/v2'))
    site = checkout('next/v2', site)
    const run = await sync(site, B, { 'clean-urls': 'true' })
    expect(run.code).toBe(0)
    expect(siteUploads(B).sort()).toEqual(changed)
    expect(requests('HEAD', B)).toEqual([]) // the listing decided every file
    expect(run.stdout).toContain('told apart by size or ETag in the listing (no HeadObject)')
    // old fingerprinted chunks stay readable for open tabs; nothing else left the build
    for (const key of gone) expect([key, await readable(B, key)]).toEqual([key, key.startsWith('_next/static/')])
    const paths = await invalidated(run.outputs['invalidation-id']!)
    expect(paths).toContain('/about.html')
    expect(paths).toContain('/about') // clean-urls
    expect(paths).toContain('/about.txt')
    expect(paths.filter((p) => p.startsWith('/_next/static/'))).toEqual([])
  })

  test('a fresh clone with no change uploads nothing and sends no HEAD', async () => {
    touchAll(site, new Date(Date.now() + 60_000))
    const run = await sync(site, B)
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ uploaded: '0', deleted: '0', 'paths-invalidated': '0' })
    expect(proxy.requests.filter((r) => r.method !== 'GET')).toEqual([])
  })

  test('a rebuild that changed only the random buildId is named in the summary with the fix', async () => {
    site = checkout('next/v1', site)
    expect((await sync(site, B)).code).toBe(0)
    site = checkout('next/v1-random-id', site)
    const run = await sync(site, B)
    expect(run.code).toBe(0)
    expect(run.summary).toMatch(/Next\.js gave this build a new buildId \(`fixture-build` → `[^`]+`\)/)
    expect(run.summary).toContain('generateBuildId')
    expect(run.stdout).toMatch(/::warning::Next\.js gave this build a new buildId/)
  })
})

describe('Angular app with lazy routes and the service worker', () => {
  const B = 'angular-site'
  let site: string

  test('first publish: ngsw.json after index.html, workers last, headers by the Angular preset', async () => {
    site = checkout('angular/v1', join(work, 'angular'))
    const run = await sync(site, B)
    expect(run.code).toBe(0)
    const order = siteUploads(B)
    expect(order.length).toBe(hashes(site).size)
    const at = (k: string) => order.indexOf(k)
    expect(at('manifest.webmanifest')).toBeLessThan(at('index.html'))
    expect(at('index.html')).toBeLessThan(at('ngsw.json'))
    expect(at('ngsw.json')).toBeLessThan(at('ngsw-worker.js'))
    expect(at('ngsw.json')).toBeLessThan(at('safety-worker.js'))
    const head = async (key: string) => s3.send(new HeadObjectCommand({ Bucket: B, Key: key }))
    for (const key of ['ngsw.json', 'ngsw-worker.js', 'index.html'])
      expect((await head(key)).CacheControl).toBe('no-cache')
    // every hashed name of the build is immutable, those without a digit too (chunk-CWjzFDOl.js)
    for (const key of order.filter((k) => /^(chunk|main|styles)-/.test(k))) {
      expect([key, (await head(key)).CacheControl]).toEqual([key, 'public, max-age=31536000, immutable'])
    }
  })

  test('a one-line change keeps the old chunks for open tabs, tagged, never invalidated; gone after the grace period', async () => {
    const { changed, gone } = changes(join(FIXTURES, 'angular/v1'), join(FIXTURES, 'angular/v2'))
    expect(gone.length).toBeGreaterThan(0)
    site = checkout('angular/v2', site)
    const run = await sync(site, B, { 'keep-old-assets': '4s' })
    const deployedAt = Date.now()
    expect(run.code).toBe(0)
    expect(siteUploads(B).sort()).toEqual(changed)
    expect(requests('HEAD', B)).toEqual([])
    expect(run.outputs.deleted).toBe('0')
    for (const key of gone) {
      expect([key, await readable(B, key)]).toEqual([key, true])
      const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: key }))
      expect(tags.TagSet?.map((t) => t.Key).sort()).toEqual(['frontend-sync:last-release', 'frontend-sync:retired-at'])
    }
    expect(run.summary).toContain('**Kept for open tabs**')
    for (const key of gone) expect(run.summary).toContain(key)
    const paths = await invalidated(run.outputs['invalidation-id']!)
    expect(paths).toContain('/ngsw.json')
    for (const key of gone) expect(paths).not.toContain(`/${key}`)

    // a later sync after the grace period deletes them, still without invalidating them
    await new Promise((r) => setTimeout(r, Math.max(0, deployedAt + 4500 - Date.now())))
    touchAll(site)
    const later = await sync(site, B, { 'keep-old-assets': '4s' })
    expect(later.code).toBe(0)
    expect(later.outputs).toMatchObject({ uploaded: '0', deleted: String(gone.length), 'paths-invalidated': '0' })
    for (const key of gone) expect([key, await readable(B, key)]).toEqual([key, false])
    expect(later.summary).toContain(`(${gone.length} old assets past their grace period)`)
  }, 60_000)
})

describe('keep-old-assets as a count of releases', () => {
  test('old chunks stay through the next release and go with the one after', async () => {
    const B = 'angular-releases'
    await s3.send(new CreateBucketCommand({ Bucket: B }))
    const { gone } = changes(join(FIXTURES, 'angular/v1'), join(FIXTURES, 'angular/v2'))
    let site = checkout('angular/v1', join(work, 'angular-releases'))
    expect((await sync(site, B, { 'keep-old-assets': '1 release' })).code).toBe(0) // release 1
    site = checkout('angular/v2', site)
    const second = await sync(site, B, { 'keep-old-assets': '1 release' }) // release 2
    expect(second.outputs.deleted).toBe('0')
    expect(second.summary).toContain('with release 3')
    for (const key of gone) expect([key, await readable(B, key)]).toEqual([key, true])

    writeFileSync(join(site, 'robots.txt'), 'User-agent: *\n') // the next release
    const third = await sync(site, B, { 'keep-old-assets': '1 release' }) // release 3
    expect(third.code).toBe(0)
    expect(third.outputs).toMatchObject({ uploaded: '1', deleted: String(gone.length), 'paths-invalidated': '0' })
    for (const key of gone) expect([key, await readable(B, key)]).toEqual([key, false])
  })
})

describe('Vite app with lazy modules', () => {
  const B = 'vite-site'
  let site: string

  test('every hashed name under assets/ is immutable, those without a digit too; a one-line change keeps the old chunks', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: B }))
    site = checkout('vite/v1', join(work, 'vite'))
    const first = await sync(site, B)
    expect(first.code).toBe(0)
    expect(first.summary).toContain('Build: vite')
    const assets = siteUploads(B).filter((k) => k.startsWith('assets/'))
    expect(assets).toContain('assets/index-CWTHYcfD.js') // a Rolldown hash without a digit
    for (const key of assets) {
      const h = await s3.send(new HeadObjectCommand({ Bucket: B, Key: key }))
      expect([key, h.CacheControl]).toEqual([key, 'public, max-age=31536000, immutable'])
    }

    const { changed, gone } = changes(join(FIXTURES, 'vite/v1'), join(FIXTURES, 'vite/v2'))
    site = checkout('vite/v2', site)
    const run = await sync(site, B)
    expect(run.code).toBe(0)
    expect(siteUploads(B).sort()).toEqual(changed)
    expect(requests('HEAD', B)).toEqual([])
    expect(gone).toEqual(['assets/about-DcA3Ynm9.js', 'assets/index-CWTHYcfD.js'])
    for (const key of gone) expect([key, await readable(B, key)]).toEqual([key, true])
    const paths = await invalidated(run.outputs['invalidation-id']!)
    expect(paths.filter((p) => p.startsWith('/assets/'))).toEqual([])
  })
})
