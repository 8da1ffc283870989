import {
  detectFramework,
  fileKind,
  goLiveRank,
  isFingerprinted,
  nextBuildIdOnlyChange,
} from '../../../actions/frontend-sync/src/files.ts'
import { cacheControlFor, IMMUTABLE, NO_CACHE } from '../../../actions/frontend-sync/src/rules.ts'

describe('detectFramework', () => {
  test.each([
    [['index.html', '_next/static/chunks/0cz1d0mv5g_q7.js'], 'next'],
    [['index.html', 'ngsw.json', 'main-XK5BFSXX.js'], 'angular'],
    [['index.html', 'polyfills-AB12CD34.js'], 'angular'],
    [['index.html', 'main-XK5BFSXX.js', 'chunk-CWjzFDOl.js'], 'angular'],
    [['index.html', '.vite/manifest.json', 'assets/index-BXk3Qp9a.js'], 'vite'],
    [['index.html', 'assets/app.js'], 'none'],
  ])('%j → %s', (paths, framework) => {
    expect(detectFramework(paths)).toBe(framework)
  })
})

describe('fingerprints without a digit, by framework', () => {
  test.each([
    // esbuild base32 and Rolldown base64url hashes with no digit: hashes in an Angular/Vite tree,
    // not trusted in an unknown tree (`logo-FACEBOOK.png` must not be cached for a year)
    ['chunk-ABCDEFGH.js', 'angular', true],
    ['chunk-CWjzFDOl.js', 'angular', true],
    ['assets/index-DkqWrtYp.js', 'vite', true],
    ['chunk-ABCDEFGH.js', 'none', false],
    ['logo-FACEBOOK.png', 'none', false],
    ['chunk-CWjzFDOl.js', 'none', false],
    ['Download-Document.pdf', 'vite', false],
    ['assets/Button-Download.js', 'vite', false],
    ['main-XK5BFSXX.js', 'none', true],
    ['_next/static/chunks/0cz1d0mv5g_q7.js', 'next', true],
  ] as const)('%s in a %s tree → %s', (path, framework, expected) => {
    expect(isFingerprinted(path, framework)).toBe(expected)
  })
})

describe('framework presets', () => {
  test.each([
    ['about.txt', 'next', 'payload', NO_CACHE, 3],
    ['blog/first/__next.blog.$d$slug.__PAGE__.txt', 'next', 'payload', NO_CACHE, 3],
    ['__next._tree.txt', 'next', 'payload', NO_CACHE, 3],
    ['robots.txt', 'next', 'asset', 'public, max-age=300', 1],
    ['_next/static/fixture-build/_buildManifest.js', 'next', 'asset', IMMUTABLE, 1],
    ['about.txt', 'none', 'asset', 'public, max-age=300', 1],
    ['ngsw.json', 'angular', 'manifest', NO_CACHE, 4],
    ['ngsw-worker.js', 'angular', 'service-worker', NO_CACHE, 5],
    ['safety-worker.js', 'angular', 'service-worker', NO_CACHE, 5],
    ['worker-basic.min.js', 'angular', 'service-worker', NO_CACHE, 5],
    ['manifest.webmanifest', 'angular', 'manifest', NO_CACHE, 2],
    ['index.html', 'angular', 'html', NO_CACHE, 3],
  ] as const)('%s (%s): %s, %s, rank %d', (path, framework, kind, cache, rank) => {
    expect(fileKind(path, framework)).toBe(kind)
    expect(cacheControlFor(path, [], framework).value).toBe(cache)
    expect(goLiveRank(path, framework)).toBe(rank)
  })
})

describe('nextBuildIdOnlyChange', () => {
  const tree = (id: string) => [
    'index.html',
    'index.txt',
    `_next/static/${id}/_buildManifest.js`,
    `_next/static/${id}/_ssgManifest.js`,
    '_next/static/chunks/0cz1d0mv5g_q7.js',
  ]
  test('a new buildId with every other hashed asset unchanged', () => {
    const changed = new Set([
      'index.html',
      'index.txt',
      '_next/static/B/_buildManifest.js',
      '_next/static/B/_ssgManifest.js',
    ])
    expect(nextBuildIdOnlyChange(tree('B'), tree('A'), changed)).toEqual({ from: 'A', to: 'B' })
  })
  test('not when a chunk changed too (a real change), nor with the same buildId', () => {
    const changed = new Set(['index.html', '_next/static/chunks/0cz1d0mv5g_q7.js'])
    expect(nextBuildIdOnlyChange(tree('B'), tree('A'), changed)).toBeUndefined()
    expect(nextBuildIdOnlyChange(tree('A'), tree('A'), new Set(['index.html']))).toBeUndefined()
  })
})
