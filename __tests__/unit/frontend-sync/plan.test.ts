import { createHash } from 'node:crypto'
import {
  buildPlan,
  compare,
  isMultipartEtag,
  type LocalFile,
  largest,
  normalizePrefix,
  type PlanOptions,
  type RemoteObject,
} from '../../../actions/frontend-sync/src/plan.ts'

function file(path: string, content = `content of ${path}`): LocalFile {
  const b = Buffer.from(content)
  return {
    path,
    file: `/src/${path}`,
    size: b.length,
    md5: createHash('md5').update(b).digest('hex'),
    sha256: createHash('sha256').update(b).digest('hex'),
  }
}

function stored(f: LocalFile, key = f.path, etag = `"${f.md5}"`): RemoteObject {
  return { key, size: f.size, etag }
}

const options: PlanOptions = { prefix: '', delete: true, exclude: [], cacheRules: [], typeOverrides: [] }
const a = file('main.3f2a9c1b.js')
const kmsEtag = '"0123456789abcdef0123456789abcdef"'

describe('compare', () => {
  test.each([
    ['same single-part MD5 ETag', a, stored(a), undefined, 'same'],
    ['ETag in upper case and unquoted', a, stored(a, a.path, a.md5.toUpperCase()), undefined, 'same'],
    ['different size, no request needed', a, { ...stored(a), size: a.size + 1 }, undefined, 'changed'],
    ['multipart ETag needs a HEAD', a, stored(a, a.path, '"abc-3"'), undefined, 'head'],
    [
      'single-part ETag that differs (change or SSE-KMS) needs a HEAD',
      a,
      stored(a, a.path, kmsEtag),
      undefined,
      'head',
    ],
    [
      'HEAD with equal SHA-256',
      a,
      stored(a, a.path, kmsEtag),
      { sha256: a.sha256, serverSideEncryption: 'aws:kms' },
      'same',
    ],
    ['HEAD with other SHA-256', a, stored(a, a.path, '"abc-3"'), { sha256: 'ff'.repeat(32) }, 'changed'],
    ['HEAD without SHA-256 (uploaded by another tool)', a, stored(a, a.path, '"abc-3"'), {}, 'changed'],
    ['size differs even with matching metadata', a, { ...stored(a), size: 0 }, { sha256: a.sha256 }, 'changed'],
  ] as const)('%s', (_name, local, remote, head, expected) => {
    expect(compare(local, remote, head)).toBe(expected)
  })

  test.each([
    ['"d41d8cd98f00b204e9800998ecf8427e"', false],
    ['"9b2cf535f27731c974343645a3985328-12"', true],
    ['W/"abc-2"', true],
  ])('isMultipartEtag(%s) = %s', (etag, expected) => {
    expect(isMultipartEtag(etag)).toBe(expected)
  })
})

describe('normalizePrefix', () => {
  test.each([
    ['', ''],
    ['/', ''],
    ['site', 'site/'],
    ['/site/', 'site/'],
    ['a/b//', 'a/b/'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizePrefix(raw)).toBe(expected)
  })
})

describe('buildPlan', () => {
  const html = file('index.html')
  const page = file('docs/page3/index.html')
  const sw = file('sw.js')
  const manifest = file('manifest.webmanifest')
  const css = file('styles-5INURTSO.css')
  const img = file('img/logo.png')

  test('first sync: everything new, in go-live order (assets, web manifest, pages, worker manifest, worker), each sorted', () => {
    const ngsw = file('ngsw.json')
    const plan = buildPlan([html, sw, ngsw, img, page, css, manifest, a], [], options)
    expect(plan.uploads.map((u) => u.key)).toEqual([
      'img/logo.png',
      'main.3f2a9c1b.js',
      'styles-5INURTSO.css',
      'manifest.webmanifest',
      'docs/page3/index.html',
      'index.html',
      'ngsw.json',
      'sw.js',
    ])
    expect(plan.uploads.map((u) => u.phase)).toEqual([1, 1, 1, 2, 3, 3, 4, 5])
    expect(plan.uploads.every((u) => u.reason === 'new')).toBe(true)
    expect(plan.deletes).toEqual([])
  })

  test('headers are planned per file', () => {
    const plan = buildPlan([html, a, img], [], options)
    const byKey = Object.fromEntries(plan.uploads.map((u) => [u.key, u]))
    expect(byKey['main.3f2a9c1b.js']).toMatchObject({
      contentType: 'text/javascript; charset=utf-8',
      cacheControl: 'public, max-age=31536000, immutable',
    })
    expect(byKey['index.html']).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' })
    expect(byKey['img/logo.png']).toMatchObject({ contentType: 'image/png', cacheControl: 'public, max-age=300' })
  })

  test('re-sync of identical content: nothing to do, whatever the mtimes', () => {
    const files = [html, a, img]
    const plan = buildPlan(
      files,
      files.map((f) => stored(f)),
      options,
    )
    expect(plan.uploads).toEqual([])
    expect(plan.unchanged).toEqual(['img/logo.png', 'index.html', 'main.3f2a9c1b.js'])
    expect(plan.deletes).toEqual([])
  })

  test('changed, new, stale: replaced, added, deleted (deletes sorted)', () => {
    const html2 = file('index.html', 'new index of same length?')
    const plan = buildPlan([html2, a, css], [stored(html), stored(a), stored(img), stored(sw)], options)
    expect(plan.uploads.map((u) => [u.key, u.reason])).toEqual([
      ['styles-5INURTSO.css', 'new'],
      ['index.html', 'changed'],
    ])
    expect(plan.unchanged).toEqual(['main.3f2a9c1b.js'])
    expect(plan.deletes.map((d) => d.key)).toEqual(['img/logo.png', 'sw.js'])
  })

  test('delete: false keeps stale objects', () => {
    const plan = buildPlan([a], [stored(a), stored(img)], { ...options, delete: false })
    expect(plan.deletes).toEqual([])
  })

  test('prefix: keys are prefixed, objects outside it are never touched', () => {
    const plan = buildPlan(
      [a, html],
      [
        stored(a, `site/${a.path}`),
        stored(img, 'site/img/logo.png'),
        stored(img, 'other/img/logo.png'),
        stored(img, 'site/empty-dir/'),
      ],
      { ...options, prefix: 'site/' },
    )
    expect(plan.uploads.map((u) => u.key)).toEqual(['site/index.html'])
    expect(plan.unchanged).toEqual(['site/main.3f2a9c1b.js'])
    expect(plan.deletes.map((d) => d.key)).toEqual(['site/img/logo.png'])
  })

  test('exclude: excluded paths are neither uploaded nor deleted', () => {
    const plan = buildPlan([a, file('main.3f2a9c1b.js.map'), html], [stored(img), stored(file('keep/me.txt'))], {
      ...options,
      exclude: ['*.map', 'keep/**'],
    })
    expect(plan.uploads.map((u) => u.key)).toEqual(['main.3f2a9c1b.js', 'index.html'])
    expect(plan.deletes.map((d) => d.key)).toEqual(['img/logo.png'])
    expect(plan.excludedRemote).toBe(1)
  })

  test('ambiguous ETags are listed for HEAD, then settled by the stored SHA-256', () => {
    const big = file('video.mp4', 'x'.repeat(100))
    const kms = file('kms.txt')
    const remote = [stored(big, big.path, '"abc-2"'), stored(kms, kms.path, kmsEtag), stored(a)]
    const first = buildPlan([big, kms, a], remote, options)
    expect(first.toHead).toEqual(['kms.txt', 'video.mp4'])
    expect(first.uploads).toEqual([])
    const heads = new Map([
      ['video.mp4', { sha256: big.sha256 }],
      ['kms.txt', { sha256: 'ff'.repeat(32), serverSideEncryption: 'aws:kms' }],
    ])
    const second = buildPlan([big, kms, a], remote, options, heads)
    expect(second.toHead).toEqual([])
    expect(second.unchanged).toEqual(['main.3f2a9c1b.js', 'video.mp4'])
    expect(second.uploads.map((u) => [u.key, u.reason])).toEqual([['kms.txt', 'changed']])
  })

  test('largest changes, largest first', () => {
    const plan = buildPlan([file('s', 'x'), file('m', 'xx'), file('l', 'xxx')], [], options)
    expect(largest(plan.uploads, 2).map((u) => u.key)).toEqual(['l', 'm'])
  })
})
