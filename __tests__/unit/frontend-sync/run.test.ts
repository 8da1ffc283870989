// `run` with injected in-memory S3 and CloudFront ports and a fake clock (no network, no waits).
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { ConfigurationError, DeployError, recordingLogger, steppingClock } from '@deploy-actions/kit'
import type { Inputs } from '../../../actions/frontend-sync/src/inputs.ts'
import { type Deps, run } from '../../../actions/frontend-sync/src/main.ts'
import type { RemoteObject } from '../../../actions/frontend-sync/src/plan.ts'
import {
  AwsCallError,
  BucketNotFoundError,
  type CloudFrontPort,
  InvalidationThrottledError,
  type S3Port,
} from '../../../actions/frontend-sync/src/ports.ts'
import { leftOf, newReport, outputsOf, type Report, renderSummary } from '../../../actions/frontend-sync/src/report.ts'

interface Stored {
  body: Buffer
  etag: string
  contentType: string
  cacheControl: string
  sha256?: string
}

function fakeS3(options: { failOn?: string } = {}) {
  const objects = new Map<string, Stored>()
  const calls: string[] = []
  const texts = new Map<string, string>()
  const tags = new Map<string, Record<string, string>>()
  const port: S3Port = {
    async getText(_bucket, key) {
      return texts.get(key)
    },
    async putJson(_bucket, key, body) {
      calls.push(`state ${key}`)
      texts.set(key, body)
    },
    async setTags(_bucket, key, t) {
      calls.push(`tag ${key}`)
      if (t) tags.set(key, t)
      else tags.delete(key)
    },
    async list(bucket, prefix) {
      calls.push(`list ${bucket}`)
      if (bucket !== 'site')
        throw new BucketNotFoundError('ListObjectsV2', 'NoSuchBucket', `bucket "${bucket}" does not exist`)
      const out: RemoteObject[] = []
      for (const [key, o] of objects) if (key.startsWith(prefix)) out.push({ key, size: o.body.length, etag: o.etag })
      return out
    },
    async head(_bucket, key) {
      calls.push(`head ${key}`)
      const o = objects.get(key)
      return o?.sha256 ? { sha256: o.sha256 } : {}
    },
    async upload(_bucket, u) {
      await new Promise((r) => setTimeout(r, u.key.length % 3)) // out-of-order completion
      if (u.key === options.failOn) throw new Error(`injected failure on ${u.key}`)
      calls.push(`put ${u.key}`)
      const body = readFileSync(u.file)
      const etag = `"${createHash('md5').update(body).digest('hex')}"`
      objects.set(u.key, { body, etag, contentType: u.contentType, cacheControl: u.cacheControl, sha256: u.sha256 })
      return { etag }
    },
    async deleteKeys(_bucket, keys) {
      for (const k of keys) {
        calls.push(`delete ${k}`)
        objects.delete(k)
      }
      return []
    },
  }
  return { port, objects, calls, texts, tags }
}

function fakeCloudFront(throttles = 0) {
  const created: Array<{ paths: readonly string[]; reference: string }> = []
  let left = throttles
  const port: CloudFrontPort = {
    async createInvalidation(_id, paths, reference) {
      created.push({ paths, reference })
      if (left-- > 0)
        throw new InvalidationThrottledError('CreateInvalidation', 'TooManyInvalidationsInProgress', 'busy')
      return `I${created.length}`
    },
    async waitCompleted(_d, _id, _t, log) {
      log('waiting for invalidation: 20.0s so far (InProgress)')
    },
  }
  return { port, created }
}

const fakeClock = () => steppingClock()

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fs-run-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function write(files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
}

function inputs(over: Partial<Inputs> = {}): Inputs {
  return {
    source: dir,
    bucket: 'site',
    prefix: '',
    delete: true,
    cacheRules: [],
    typeOverrides: [],
    exclude: [],
    distributionId: 'E123TEST',
    invalidate: 'changed',
    waitForInvalidation: true,
    concurrency: 4,
    dryRun: false,
    region: 'us-east-1',
    runId: 'local',
    runAttempt: '1',
    keepOldAssets: { kind: 'time', ms: 0 },
    framework: 'auto',
    cleanUrls: false,
    followSymlinks: 'within',
    workspace: undefined,
    allowSourceOutsideWorkspace: false,
    ...over,
  }
}

/** Runs a sync with a fresh report and returns the report. */
async function sync(i: Inputs, deps: Deps): Promise<Report> {
  const report = newReport(i)
  await run(i, deps, report)
  return report
}

const site = {
  'index.html': '<html>home</html>',
  'docs/page3/index.html': '<html>page 3</html>',
  'sw.js': 'self.addEventListener("fetch", () => {})',
  'manifest.webmanifest': '{"name":"x"}',
  'assets/main.3f2a9c1b.js': 'console.log(1)',
  'assets/chunk-AB12CD34.js': 'export const a = 1',
  'assets/logo.png': 'PNG',
  'favicon.ico': 'ICO',
}

test('uploads assets, then entry points, then deletes, then invalidates replaced and deleted paths', async () => {
  write(site)
  const s3 = fakeS3()
  const cf = fakeCloudFront()
  const log = recordingLogger()
  const first = await sync(inputs(), { s3: s3.port, cloudfront: cf.port, clock: fakeClock(), log })
  expect(first).toMatchObject({ uploaded: 8, unchanged: 0, deleted: 0, paths: [] })
  expect(cf.created).toEqual([]) // only new objects: nothing was cached yet

  const puts = s3.calls.filter((c) => c.startsWith('put ')).map((c) => c.slice(4))
  const lastAsset = Math.max(
    ...['assets/main.3f2a9c1b.js', 'assets/chunk-AB12CD34.js', 'assets/logo.png', 'favicon.ico'].map((k) =>
      puts.indexOf(k),
    ),
  )
  const firstEntry = Math.min(
    ...['index.html', 'docs/page3/index.html', 'sw.js', 'manifest.webmanifest'].map((k) => puts.indexOf(k)),
  )
  expect(lastAsset).toBeLessThan(firstEntry)
  expect(s3.objects.get('assets/main.3f2a9c1b.js')).toMatchObject({
    cacheControl: 'public, max-age=31536000, immutable',
  })
  expect(s3.objects.get('sw.js')).toMatchObject({
    cacheControl: 'no-cache',
    contentType: 'text/javascript; charset=utf-8',
  })

  // change two files, delete one, add one
  s3.calls.length = 0
  write({
    'docs/page3/index.html': '<html>page 3 v2</html>',
    'assets/main.4b5c6d7e.js': 'console.log(2)',
    'favicon.ico': 'ICO2',
  })
  rmSync(join(dir, 'assets/main.3f2a9c1b.js'))
  const second = await sync(inputs(), { s3: s3.port, cloudfront: cf.port, clock: fakeClock(), log })
  expect(second).toMatchObject({
    uploaded: 3,
    deleted: 1,
    unchanged: 5,
    invalidationId: 'I1',
    invalidationStatus: 'completed',
  })
  // the invalidation paths are recorded before the first upload, and cleared once it is created
  expect(s3.calls.slice(0, 2)).toEqual(['list site', 'state .frontend-sync/state.json'])
  expect(new Set(s3.calls.slice(2, 4))).toEqual(new Set(['put assets/main.4b5c6d7e.js', 'put favicon.ico']))
  expect(s3.calls.slice(4)).toEqual([
    'put docs/page3/index.html',
    'delete assets/main.3f2a9c1b.js',
    'state .frontend-sync/state.json',
  ])
  expect(JSON.parse(s3.texts.get('.frontend-sync/state.json')!)).toMatchObject({ release: 2, pending: {} })
  // a fingerprinted name that left the build is never invalidated (keep-old-assets: 0 deletes it at once)
  expect(cf.created[0]!.paths).toEqual(['/docs/page3/', '/docs/page3/index.html', '/favicon.ico'])
  expect(log.lines).toContain('waiting for invalidation: 20.0s so far (InProgress)')

  const summary = renderSummary(second)
  expect(summary).toContain('| upload | 3 |')
  expect(summary).toContain('| unchanged | 5 |')
  expect(summary).toContain('`I1`')
  expect(outputsOf(second)).toEqual({
    uploaded: 3,
    deleted: 1,
    unchanged: 5,
    'bytes-uploaded': 14 + 4 + 22,
    'invalidation-id': 'I1',
    'paths-invalidated': 3,
  })

  // a third run changes nothing and says so
  const third = await sync(inputs(), { s3: s3.port, cloudfront: cf.port, clock: fakeClock(), log })
  expect(third).toMatchObject({ uploaded: 0, deleted: 0, unchanged: 8, invalidationNote: 'nothing changed' })
  expect(cf.created).toHaveLength(1)
  expect(log.lines.at(-1)).toMatch(/nothing to do/)
})

test('backs off on TooManyInvalidationsInProgress with the same CallerReference', async () => {
  write({ 'a.js': '1' })
  const s3 = fakeS3()
  await sync(inputs({ distributionId: undefined }), { s3: s3.port, clock: fakeClock(), log: recordingLogger() })
  write({ 'a.js': '2' })
  const cf = fakeCloudFront(2)
  const clock = fakeClock()
  const log = recordingLogger()
  const result = await sync(inputs(), { s3: s3.port, cloudfront: cf.port, clock, log })
  expect(result.invalidationId).toBe('I3')
  expect(cf.created.map((c) => c.reference)).toEqual(Array(3).fill(cf.created[0]!.reference))
  expect(cf.created[0]!.reference).toMatch(/^frontend-sync-/)
  expect(clock.slept).toHaveLength(2)
  expect(clock.slept[1]!).toBeGreaterThanOrEqual(5000)
  expect(log.lines.filter((l) => l.startsWith('too many invalidations in progress'))).toHaveLength(2)
})

test('every run uses a new CallerReference', async () => {
  const s3 = fakeS3()
  const cf = fakeCloudFront()
  for (const content of ['1', '2', '3']) {
    write({ 'a.js': content })
    await sync(inputs({ invalidate: 'all' }), {
      s3: s3.port,
      cloudfront: cf.port,
      clock: fakeClock(),
      log: recordingLogger(),
    })
  }
  expect(new Set(cf.created.map((c) => c.reference)).size).toBe(3)
  expect(cf.created.map((c) => c.paths)).toEqual([['/*'], ['/*'], ['/*']])
})

test.each([
  [
    'an empty',
    () => {},
    /has no files; with delete: true this would delete every object under s3:\/\/site\/app\/, so frontend-sync refuses/,
  ],
  ['a missing', () => rmSync(dir, { recursive: true }), /does not exist; with delete: true .* refuses/],
  ['an empty-after-exclude', () => write({ 'a.map': 'x' }), /has no files left after exclude/],
])('%s source with delete: true is refused before any request', async (_name, setup, message) => {
  setup()
  const s3 = fakeS3()
  const exclude = _name === 'an empty-after-exclude' ? ['*.map'] : []
  const error = await sync(inputs({ prefix: 'app/', exclude }), {
    s3: s3.port,
    clock: fakeClock(),
    log: recordingLogger(),
  }).catch((e) => e)
  expect(error).toBeInstanceOf(ConfigurationError)
  expect(error.message).toMatch(message)
  expect(s3.calls).toEqual([])
})

test('an empty source with delete: false syncs nothing and deletes nothing', async () => {
  const s3 = fakeS3()
  const result = await sync(inputs({ delete: false }), { s3: s3.port, clock: fakeClock(), log: recordingLogger() })
  expect(result).toMatchObject({ uploaded: 0, deleted: 0 })
})

test('a missing bucket is named in the error', async () => {
  write(site)
  const error = await sync(inputs({ bucket: 'no-such-bucket' }), {
    s3: fakeS3().port,
    clock: fakeClock(),
    log: recordingLogger(),
  }).catch((e) => e)
  expect(error).toBeInstanceOf(DeployError)
  expect(error.message).toBe('bucket "no-such-bucket" does not exist (NoSuchBucket)')
  expect(error.leftState).toBe('nothing uploaded or deleted')
})

test('a failed asset upload stops before any HTML and says what was left', async () => {
  write(site)
  const s3 = fakeS3({ failOn: 'assets/logo.png' })
  const result = newReport(inputs())
  const error = await run(
    inputs({ concurrency: 1 }),
    { s3: s3.port, clock: fakeClock(), log: recordingLogger() },
    result,
  ).catch((e) => e)
  expect(error).toBeInstanceOf(DeployError)
  expect(error.message).toMatch(/injected failure on assets\/logo.png/)
  expect(error.leftState).toMatch(
    /^1 of 4 assets uploaded; no HTML, service worker or manifest replaced and nothing deleted/,
  )
  expect(s3.calls.filter((c) => c.includes('.html'))).toEqual([])
  expect(result.uploaded).toBe(1)
})

test('dry-run prints the plan and writes nothing', async () => {
  write(site)
  const s3 = fakeS3()
  const cf = fakeCloudFront()
  const log = recordingLogger()
  const result = await sync(inputs({ dryRun: true }), { s3: s3.port, cloudfront: cf.port, clock: fakeClock(), log })
  expect(result).toMatchObject({ dryRun: true, uploaded: 8, deleted: 0 })
  expect(s3.calls).toEqual(['list site'])
  expect(log.lines).toContain('group: Dry run: the plan (nothing is written)')
  expect(log.lines.filter((l) => l.startsWith('upload ('))).toHaveLength(8)
  expect(log.lines.find((l) => l.includes('sw.js'))).toMatch(/^upload \(entry\) new +sw.js .*no-cache/)
  expect(renderSummary(result)).toContain('dry run')
})

test('objects with ambiguous ETags are settled by HeadObject on the stored SHA-256', async () => {
  write({ 'big.bin': 'same content' })
  const s3 = fakeS3()
  await sync(inputs({ distributionId: undefined }), { s3: s3.port, clock: fakeClock(), log: recordingLogger() })
  s3.objects.get('big.bin')!.etag = '"0123456789abcdef0123456789abcdef-2"' // as if multipart
  s3.calls.length = 0
  const result = await sync(inputs({ distributionId: undefined }), {
    s3: s3.port,
    clock: fakeClock(),
    log: recordingLogger(),
  })
  expect(result).toMatchObject({ uploaded: 0, unchanged: 1 })
  expect(s3.calls).toEqual(['list site', 'head big.bin'])
})

test.each([
  ['gone', 'uploaded'],
  ['AccessDenied', 'refused'],
])('a HeadObject that finds the object %s: %s', async (name, outcome) => {
  write({ 'big.bin': 'content' })
  const s3 = fakeS3()
  await sync(inputs({ distributionId: undefined }), { s3: s3.port, clock: fakeClock(), log: recordingLogger() })
  s3.objects.get('big.bin')!.etag = '"0123456789abcdef0123456789abcdef-2"'
  s3.port.head = async (bucket, key) => {
    if (name === 'gone') return undefined
    throw new AwsCallError('HeadObject', name, `cannot read s3://${bucket}/${key} (HeadObject): ${name}: denied`)
  }
  const attempt = sync(inputs({ distributionId: undefined }), {
    s3: s3.port,
    clock: fakeClock(),
    log: recordingLogger(),
  })
  if (outcome === 'uploaded') {
    expect(await attempt).toMatchObject({ uploaded: 1, unchanged: 0 })
  } else {
    const error = await attempt.catch((e) => e)
    expect(error).toBeInstanceOf(DeployError)
    expect(error.message).toBe('cannot read s3://site/big.bin (HeadObject): AccessDenied: denied')
    expect(error.leftState).toBe('nothing uploaded or deleted')
  }
})

test('a cancelled sync stops starting uploads, deletes nothing, and says what it left', async () => {
  write(site)
  const s3 = fakeS3()
  await sync(inputs(), { s3: s3.port, cloudfront: fakeCloudFront().port, clock: fakeClock(), log: recordingLogger() })
  write(Object.fromEntries(Object.keys(site).map((k) => [k, `${k} v2`])))
  rmSync(join(dir, 'favicon.ico'))
  const controller = new AbortController()
  const upload = s3.port.upload
  s3.port.upload = async (bucket, u, signal) => {
    const r = await upload(bucket, u, signal)
    controller.abort(new Error('cancelled (SIGINT)')) // cancelled once the first upload is done
    return r
  }
  s3.calls.length = 0
  const report = newReport(inputs({ concurrency: 1 }))
  const error = await run(
    inputs({ concurrency: 1 }),
    {
      s3: s3.port,
      cloudfront: fakeCloudFront().port,
      clock: fakeClock(),
      log: recordingLogger(),
      signal: controller.signal,
    },
    report,
  ).catch((e) => e)
  expect(error.message).toBe('cancelled (SIGINT)')
  expect(s3.calls.filter((c) => c.startsWith('put '))).toHaveLength(1)
  expect(s3.calls.filter((c) => c.startsWith('delete '))).toEqual([])
  expect(report).toMatchObject({ uploaded: 1, deleted: 0, stage: 'upload' })
  expect(leftOf(report)).toBe(
    '1 of 7 files uploaded (no page, manifest or service worker replaced, so the live site still works); nothing deleted; the 10 invalidation paths are recorded, and a re-run sends them; a re-run uploads the rest',
  )
  expect(renderSummary(report)).toContain('**Stopped during the upload phase.** Left: 1 of 7 files uploaded')
})

describe('HeadObject only where the listing cannot decide', () => {
  const files = { 'a.html': 'aaaa', 'b.html': 'bbbb', 'c.html': 'cccc' }
  async function published(etag: (key: string) => string, sse?: string) {
    write(files)
    const s3 = fakeS3()
    await sync(inputs({ distributionId: undefined }), { s3: s3.port, clock: fakeClock(), log: recordingLogger() })
    s3.texts.clear() // as if published by another tool: no state, nothing known about the ETags
    for (const [key, o] of s3.objects) o.etag = etag(key)
    const head = s3.port.head
    s3.port.head = async (bucket, key) => ({
      ...(await head(bucket, key)),
      ...(sse ? { serverSideEncryption: sse } : {}),
    })
    s3.calls.length = 0
    return s3
  }

  test('a same-size file whose plain ETag differs: one HeadObject learns the ETags are MD5s, the rest upload without one', async () => {
    const s3 = await published((k) => `"${'0'.repeat(31)}${k.length}"`)
    write({ 'a.html': 'AAAA', 'b.html': 'BBBB', 'c.html': 'CCCC' })
    const log = recordingLogger()
    const report = await sync(inputs({ distributionId: undefined }), { s3: s3.port, clock: fakeClock(), log })
    expect(report).toMatchObject({ uploaded: 3 })
    expect(s3.calls.filter((c) => c.startsWith('head '))).toEqual(['head a.html'])
    expect(log.lines).toContain('ETags in this bucket are content MD5s (checked on a.html)')
    expect(JSON.parse(s3.texts.get('.frontend-sync/state.json')!).etags).toBe('md5')
    // the next sync knows it: no HeadObject at all
    write({ 'a.html': 'aaaa' })
    s3.calls.length = 0
    await sync(inputs({ distributionId: undefined }), { s3: s3.port, clock: fakeClock(), log })
    expect(s3.calls.filter((c) => c.startsWith('head '))).toEqual([])
    expect(s3.calls.filter((c) => c.startsWith('put '))).toEqual(['put a.html'])
  })

  test('an SSE-KMS bucket (ETags are not MD5s): every such file is settled by its stored SHA-256', async () => {
    const s3 = await published((k) => `"${'f'.repeat(31)}${k.length}"`, 'aws:kms')
    const log = recordingLogger()
    const report = await sync(inputs({ distributionId: undefined }), { s3: s3.port, clock: fakeClock(), log })
    expect(report).toMatchObject({ uploaded: 0, unchanged: 3 })
    expect(s3.calls.filter((c) => c.startsWith('head ')).sort()).toEqual(['head a.html', 'head b.html', 'head c.html'])
    expect(log.lines).toContain('2 objects checked with HeadObject (2 ETags that are not MD5s (SSE-KMS))')
  })
})
