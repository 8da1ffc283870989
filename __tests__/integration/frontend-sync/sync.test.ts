// The frontend-sync bundle against moto S3 and CloudFront, through a recording proxy that sees
// every request in order (so upload order and upload counts are observed, not inferred).
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type CloudFrontClient, GetInvalidationCommand } from '@aws-sdk/client-cloudfront'
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3'
import {
  type FaultProxy,
  generateSite,
  type Moto,
  removeDir,
  runBundle,
  s3UploadedKeys,
  tempDir,
  touchAll,
} from '@deploy-actions/testbed'
import { isEntryPoint } from '../../../actions/frontend-sync/src/rules.ts'
import { createDistribution, type FrontendAws, startFrontendAws } from './distribution.ts'

let aws: FrontendAws
let moto: Moto
let proxy: FaultProxy
let s3: S3Client
let cloudfront: CloudFrontClient
let distributionId: string
let work: string
let site: string
let paths: string[]
const BUCKET = 'www-example'

beforeAll(async () => {
  aws = await startFrontendAws()
  ;({ moto, proxy, s3, cloudfront } = aws)
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
  distributionId = await createDistribution(cloudfront, BUCKET, 'frontend-sync-test')
  work = tempDir('frontend-sync')
  site = join(work, 'out')
  paths = generateSite(site)
})

afterAll(async () => {
  await aws?.stop()
  if (work) removeDir(work)
})

/** The site files uploaded (PutObject / multipart), in arrival order; the action's own state object aside. */
function siteUploads(bucket: string): string[] {
  return s3UploadedKeys(proxy.requests, bucket).filter((k) => !k.split('/').includes('.frontend-sync'))
}

function sync(inputs: Record<string, string> = {}) {
  proxy.clear()
  return runBundle('frontend-sync', {
    inputs: { source: site, bucket: BUCKET, 'distribution-id': distributionId, concurrency: '8', ...inputs },
    env: { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, GITHUB_WORKSPACE: work },
  })
}

function deleteRequests() {
  return proxy.requests.filter((r) => r.method === 'POST' && new URL(r.path, 'http://x').searchParams.has('delete'))
}

async function head(key: string) {
  return s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
}

function sha256(path: string): string {
  return createHash('sha256')
    .update(readFileSync(join(site, path)))
    .digest('hex')
}

test('the generated site has 500+ files in nested folders', () => {
  expect(paths.length).toBeGreaterThanOrEqual(500)
  expect(paths).toContain('docs/section-3/page-7/index.html')
})

test('first sync uploads every file, assets before any HTML, service worker or manifest', async () => {
  const run = await sync()
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
  expect(run.outputs).toMatchObject({
    uploaded: String(paths.length),
    deleted: '0',
    unchanged: '0',
    'paths-invalidated': '0',
    'invalidation-id': '',
  })
  expect(Number(run.outputs['bytes-uploaded'])).toBeGreaterThan(400_000)

  const order = siteUploads(BUCKET)
  expect([...order].sort()).toEqual(paths)
  const lastAsset = Math.max(...order.map((k, i) => (isEntryPoint(k) ? -1 : i)))
  const firstEntry = order.findIndex((k) => isEntryPoint(k))
  expect(order.filter((k) => isEntryPoint(k))).toHaveLength(1 + 1 + 10 * 11 + 2) // pages, sw.js, manifest
  expect(lastAsset).toBeLessThan(firstEntry)
  expect(run.summary).toContain(`| upload | ${paths.length} |`)
  expect(run.summary).toContain('**Largest changes**')

  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1000 }))
  expect(listed.KeyCount).toBe(paths.length + 1) // and the state the next sync reads
  expect(listed.Contents?.map((o) => o.Key)).toContain('.frontend-sync/state.json')
})

test('stored objects carry the planned headers, content types and SHA-256 metadata', async () => {
  const hashed = paths.find((p) => /^assets\/js\/chunk\.[0-9a-f]{8}\.js$/.test(p))!
  const esbuild = paths.find((p) => /^assets\/js\/chunk-[0-9A-F]{8}\.js$/.test(p))!
  const css = paths.find((p) => p.startsWith('assets/css/'))!
  const expected: Array<[string, string, string]> = [
    [hashed, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    [esbuild, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    [`${hashed}.map`, 'application/json; charset=utf-8', 'public, max-age=31536000, immutable'],
    [css, 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['index.html', 'text/html; charset=utf-8', 'no-cache'],
    ['docs/section-3/page-7/index.html', 'text/html; charset=utf-8', 'no-cache'],
    ['sw.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['manifest.webmanifest', 'application/manifest+json; charset=utf-8', 'no-cache'],
    ['assets/wasm/engine.wasm', 'application/wasm', 'public, max-age=300'],
    ['assets/js/module.mjs', 'text/javascript; charset=utf-8', 'public, max-age=300'],
    ['assets/img/2/image-7.png', 'image/png', 'public, max-age=300'],
    ['assets/fonts/inter.woff2', 'font/woff2', 'public, max-age=300'],
    ['robots.txt', 'text/plain; charset=utf-8', 'public, max-age=300'],
  ]
  for (const [key, type, cache] of expected) {
    const h = await head(key)
    expect({ key, type: h.ContentType, cache: h.CacheControl, sha256: h.Metadata?.sha256 }).toEqual({
      key,
      type,
      cache,
      sha256: sha256(key),
    })
  }
})

test('a fresh checkout (every mtime new) re-syncs nothing', async () => {
  expect(touchAll(site, new Date(Date.now() + 60_000))).toBe(paths.length)
  const run = await sync()
  expect(run.code).toBe(0)
  expect(run.outputs).toMatchObject({
    uploaded: '0',
    deleted: '0',
    unchanged: String(paths.length),
    'bytes-uploaded': '0',
    'paths-invalidated': '0',
  })
  expect(siteUploads(BUCKET)).toEqual([])
  expect(proxy.requests.filter((r) => r.method !== 'GET')).toEqual([]) // listing only: no HEAD, no write
  // Two requests in all: one listing page and the state object (no HeadBucket, no GetBucketLocation).
  expect(proxy.requests.map((r) => r.path.split('?')[0]).sort()).toEqual([
    `/${BUCKET}/`,
    `/${BUCKET}/.frontend-sync/state.json`,
  ])
  expect(run.stdout).toContain('already matches')
})

test('changing 3 files and deleting 2 uploads, deletes and invalidates exactly those', async () => {
  writeFileSync(join(site, 'docs/section-2/page-4/index.html'), '<html>rewritten</html>')
  writeFileSync(join(site, 'assets/img/1/image-11.png'), 'new pixels')
  writeFileSync(join(site, 'robots.txt'), 'User-agent: *\nDisallow: /private/\n')
  rmSync(join(site, 'docs/section-9/page-9/index.html'))
  rmSync(join(site, 'assets/fonts/inter.woff2'))
  const run = await sync()
  expect(run.code).toBe(0)
  expect(run.outputs).toMatchObject({
    uploaded: '3',
    deleted: '2',
    unchanged: String(paths.length - 5),
    'paths-invalidated': '7',
  })
  expect(siteUploads(BUCKET).sort()).toEqual([
    'assets/img/1/image-11.png',
    'docs/section-2/page-4/index.html',
    'robots.txt',
  ])
  const lastPut = proxy.requests.findLastIndex((r) => r.method === 'PUT' && !r.path.includes('/.frontend-sync/'))
  expect(deleteRequests()).toHaveLength(1)
  expect(proxy.requests.indexOf(deleteRequests()[0]!)).toBeGreaterThan(lastPut)
  await expect(head('docs/section-9/page-9/index.html')).rejects.toThrow()
  await expect(head('assets/fonts/inter.woff2')).rejects.toThrow()
  expect(await head('robots.txt')).toMatchObject({
    CacheControl: 'public, max-age=300',
    Metadata: { sha256: sha256('robots.txt') },
  })

  const id = run.outputs['invalidation-id']!
  expect(id).not.toBe('')
  const inv = await cloudfront.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: id }))
  expect(inv.Invalidation?.Status).toBe('Completed')
  expect([...(inv.Invalidation?.InvalidationBatch?.Paths?.Items ?? [])].sort()).toEqual([
    '/assets/fonts/inter.woff2',
    '/assets/img/1/image-11.png',
    '/docs/section-2/page-4/',
    '/docs/section-2/page-4/index.html',
    '/docs/section-9/page-9/',
    '/docs/section-9/page-9/index.html',
    '/robots.txt',
  ])
  expect(inv.Invalidation?.InvalidationBatch?.CallerReference).toMatch(/^frontend-sync-/)
  expect(run.summary).toContain(`\`${id}\``)
  expect(run.summary).toContain('(completed)')
  expect(run.stdout).toContain(`invalidation ${id} completed`)
})

test('dry-run prints the plan and writes nothing', async () => {
  writeFileSync(join(site, 'index.html'), '<html>draft</html>')
  const run = await sync({ 'dry-run': 'true' })
  expect(run.code).toBe(0)
  expect(run.outputs).toMatchObject({ uploaded: '1', deleted: '0', 'invalidation-id': '', 'paths-invalidated': '2' })
  expect(run.stdout).toMatch(/upload \(entry\) changed index\.html .*no-cache/)
  expect(run.stdout).toContain('invalidate /index.html')
  expect(proxy.requests.filter((r) => r.method !== 'GET')).toEqual([])
  expect(run.summary).toContain('dry run')
})

test('a large file goes up in parts and is later recognised by its stored SHA-256', async () => {
  const big = Buffer.alloc(9 * 1024 * 1024 + 123, 7)
  mkdirSync(join(site, 'media'), { recursive: true })
  writeFileSync(join(site, 'media/intro.mp4'), big)
  let run = await sync({ 'distribution-id': '' })
  expect(run.code).toBe(0)
  expect(run.outputs).toMatchObject({ uploaded: '2' }) // intro.mp4 and the draft index.html
  expect(proxy.requests.filter((r) => r.path.includes('partNumber=')).length).toBe(2)
  expect((await head('media/intro.mp4')).ETag).toMatch(/-2"$/)

  touchAll(site)
  run = await sync({ 'distribution-id': '' })
  expect(run.outputs).toMatchObject({ uploaded: '0', deleted: '0' })
  expect(proxy.requests.filter((r) => r.method === 'HEAD').map((r) => r.path)).toEqual([`/${BUCKET}/media/intro.mp4`])
})

test('an empty source with delete: true is refused and says so, before any request', async () => {
  const empty = join(work, 'empty')
  mkdirSync(empty)
  proxy.clear()
  const run = await runBundle('frontend-sync', {
    inputs: { source: empty, bucket: BUCKET },
    env: { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, GITHUB_WORKSPACE: work },
  })
  expect(run.code).not.toBe(0)
  expect(run.stdout).toMatch(
    /::error::Invalid input source: ".*empty" has no files; with delete: true this would delete every object under s3:\/\/www-example\/, so frontend-sync refuses to run/,
  )
  const missing = await runBundle('frontend-sync', {
    inputs: { source: join(work, 'not-built'), bucket: BUCKET },
    env: { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, GITHUB_WORKSPACE: work },
  })
  expect(missing.code).not.toBe(0)
  expect(missing.stdout).toMatch(/not-built" does not exist; with delete: true .* refuses to run/)
  expect(proxy.requests).toEqual([])
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1000 }))
  expect(listed.KeyCount).toBeGreaterThan(500)
})

test('a missing bucket is named in the error', async () => {
  const run = await sync({ bucket: 'no-such-site-bucket' })
  expect(run.code).not.toBe(0)
  expect(run.stdout).toContain(
    '::error::bucket "no-such-site-bucket" does not exist (NoSuchBucket) (left: nothing uploaded or deleted)',
  )
  expect(run.outputs).toMatchObject({ uploaded: '0', deleted: '0' })
})

/** The S3 port against moto through the proxy, with the runner's environment (static credentials). */
async function withS3Port<T>(
  options: { pageSize?: number; direct?: boolean },
  fn: (port: import('../../../actions/frontend-sync/src/ports.ts').S3Port) => Promise<T>,
): Promise<T> {
  const { createS3Port } = await import('../../../actions/frontend-sync/src/ports.ts')
  const saved = { ...process.env }
  Object.assign(process.env, moto.env, { AWS_ENDPOINT_URL: proxy.endpoint, HOME: work })
  delete process.env.AWS_PROFILE
  const port = createS3Port('us-east-1', options)
  try {
    return await fn(port)
  } finally {
    process.env = saved
    await port.destroy()
  }
}

test('the direct listing and state read (no SDK) give what the SDK gives, odd key names included', async () => {
  const bucket = 'direct-read-test'
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  const keys = [
    'site/a & b <c>.html',
    'site/space and+plus.txt',
    'site/percent%20literal.txt',
    'site/ünïcødé/日本語.html',
    'site/quote\'s "double".css',
    'site/deep/a/b/c/d.js',
    ...Array.from({ length: 12 }, (_, i) => `site/f${i}.txt`),
    'sitemap.xml',
  ]
  await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `body of ${Key}` }))))
  const state = 'site/.frontend-sync/state.json'
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: state, Body: '{"version":1} & <ü>' }))
  const read = (direct: boolean) =>
    withS3Port({ pageSize: 5, direct }, async (port) => ({
      listed: await port.list(bucket, 'site/'),
      state: await port.getText(bucket, state),
      missing: await port.getText(bucket, 'site/none/state.json'),
    }))
  proxy.clear()
  const direct = await read(true)
  const directGets = proxy.requests.filter((r) => r.method === 'GET')
  proxy.clear()
  const sdk = await read(false)
  expect(direct).toEqual(sdk)
  expect(direct.listed.map((o) => o.key).sort()).toEqual([...keys.filter((k) => k.startsWith('site/')), state].sort())
  expect(direct.state).toBe('{"version":1} & <ü>')
  expect(direct.missing).toBeUndefined()
  // 19 objects by 5: four pages, then the two reads of the state; no request failed and was asked again.
  expect(directGets).toHaveLength(6)
  expect(directGets.every((r) => r.fault === undefined)).toBe(true)
  // Sent by the direct reads, not the SDK (whose GetObject URL carries `x-id=GetObject`).
  expect(directGets.filter((r) => r.path.includes('x-id=GetObject'))).toEqual([])
  expect(proxy.requests.filter((r) => r.path.includes('x-id=GetObject'))).toHaveLength(2)
})

test('a direct read that fails is asked again through the SDK (which retries and names errors)', async () => {
  const bucket = 'direct-fallback-test'
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'index.html', Body: 'x' }))
  await withS3Port({}, async (port) => {
    proxy.clear()
    proxy.failWith('', 503, { match: 'list-type=2', method: 'GET' })
    expect((await port.list(bucket, '')).map((o) => o.key)).toEqual(['index.html'])
    const lists = proxy.requests.filter((r) => r.path.includes('list-type=2'))
    expect(lists.map((r) => r.fault)).toEqual(['status', undefined])

    proxy.clear()
    proxy.resetOnce('', { match: 'state.json' })
    expect(await port.getText(bucket, '.frontend-sync/state.json')).toBeUndefined()
    expect(proxy.requests.filter((r) => r.path.includes('state.json')).length).toBeGreaterThanOrEqual(2)

    const missing = await port.list('no-such-direct-bucket', '').catch((e: unknown) => e)
    expect(missing).toMatchObject({ name: 'BucketNotFoundError', code: 'NoSuchBucket' })
  })
})

test('the S3 port lists every object under the prefix across pages', async () => {
  const { createS3Port } = await import('../../../actions/frontend-sync/src/ports.ts')
  const bucket = 'paging-test'
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  const keys = [...Array.from({ length: 35 }, (_, i) => `app/f${i}.txt`), 'other/x.txt', 'apple.txt']
  await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }))))
  const saved = { ...process.env }
  Object.assign(process.env, moto.env, { AWS_ENDPOINT_URL: proxy.endpoint })
  const port = createS3Port('us-east-1', { pageSize: 10 })
  try {
    proxy.clear()
    const listed = await port.list(bucket, 'app/')
    expect(listed.map((o) => o.key).sort()).toEqual(keys.filter((k) => k.startsWith('app/')).sort())
    expect(listed.every((o) => /^"[0-9a-f]{32}"$/.test(o.etag) && o.size > 0)).toBe(true)
    expect(proxy.requests.filter((r) => r.method === 'GET')).toHaveLength(4)
  } finally {
    process.env = saved
    await port.destroy()
  }
})
