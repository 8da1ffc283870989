import {
  cacheControlFor,
  cacheRules,
  contentTypeFor,
  DEFAULT_CACHE,
  fileKind,
  IMMUTABLE,
  isFingerprinted,
  NO_CACHE,
  typeOverrides,
} from '../../../actions/frontend-sync/src/rules.ts'

describe('isFingerprinted', () => {
  test.each([
    ['static/js/main.3f2a9c1b.js', true],
    ['chunk-AB12CD34.js', true],
    ['main-2F3KX7QW.js', true],
    ['styles-5INURTSO.css', true],
    ['assets/index-BXk3Qp9a.js', true],
    ['static/js/main.3f2a9c1b.js.map', true],
    ['static/js/787.8e1d1c3f.chunk.js', true],
    ['static/css/main.073c9b0a.css.gz', true],
    ['_next/static/chunks/pages/index-5b4a6d3c2e1f0a9b.js', true],
    ['_next/static/abc/_buildManifest.js', true],
    ['media/roboto.a1b2c3d4e5f6.woff2', true],
    ['main.js', false],
    ['favicon.ico', false],
    ['robots.txt', false],
    ['chunk-vendors.js', false],
    ['fonts/Roboto-Regular2020.woff2', false],
    ['font-Medium12.woff2', false],
    ['polyfills.js', false],
    ['android-chrome-192x192.png', false],
    ['deadbeef.js', false],
    ['img/facadefacade.png', false],
  ])('%s → %s', (path, expected) => {
    expect(isFingerprinted(path)).toBe(expected)
  })
})

describe('fileKind', () => {
  test.each([
    ['index.html', 'html'],
    ['docs/page3/index.HTML', 'html'],
    ['old.htm', 'html'],
    ['sw.js', 'service-worker'],
    ['service-worker.js', 'service-worker'],
    ['ngsw-worker.js', 'service-worker'],
    ['manifest.json', 'manifest'],
    ['ngsw.json', 'manifest'],
    ['site.webmanifest', 'manifest'],
    ['app.webmanifest', 'manifest'],
    ['asset-manifest.json', 'manifest'],
    ['main.3f2a9c1b.js', 'asset'],
    ['data.json', 'asset'],
  ])('%s is %s', (path, kind) => {
    expect(fileKind(path)).toBe(kind)
  })
})

describe('cacheControlFor', () => {
  const rules = cacheRules({ 'images/**': 'public, max-age=86400', '*.json': 'no-store', 'index.html': 'no-store' })
  test.each([
    // defaults
    ['main.3f2a9c1b.js', [], IMMUTABLE],
    ['chunk-AB12CD34.js', [], IMMUTABLE],
    ['index.html', [], NO_CACHE],
    ['docs/page3/index.html', [], NO_CACHE],
    ['sw.js', [], NO_CACHE],
    ['ngsw-worker.js', [], NO_CACHE],
    ['manifest.webmanifest', [], NO_CACHE],
    ['favicon.ico', [], DEFAULT_CACHE],
    ['robots.txt', [], DEFAULT_CACHE],
    // user rules first, first match wins, matched at any depth when the glob has no slash
    ['images/logo.png', rules, 'public, max-age=86400'],
    ['images/a/b.3f2a9c1b.png', rules, 'public, max-age=86400'],
    ['data/x.json', rules, 'no-store'],
    ['index.html', rules, 'no-store'],
    ['docs/index.html', rules, 'no-store'],
    ['about.html', rules, NO_CACHE],
    ['.well-known/x.json', rules, 'no-store'],
  ] as const)('%s → %s', (path, r, expected) => {
    expect(cacheControlFor(path, r).value).toBe(expected)
  })

  test('says which rule applied', () => {
    expect(cacheControlFor('images/logo.png', rules).source).toBe('images/**')
    expect(cacheControlFor('main.3f2a9c1b.js', []).source).toBe('default (fingerprinted)')
    expect(cacheControlFor('sw.js', []).source).toBe('default (service-worker)')
  })
})

describe('contentTypeFor', () => {
  test.each([
    ['app.wasm', 'application/wasm'],
    ['module.mjs', 'text/javascript; charset=utf-8'],
    ['main.js', 'text/javascript; charset=utf-8'],
    ['site.webmanifest', 'application/manifest+json; charset=utf-8'],
    ['main.3f2a9c1b.js.map', 'application/json; charset=utf-8'],
    ['index.html', 'text/html; charset=utf-8'],
    ['style.CSS', 'text/css; charset=utf-8'],
    ['logo.svg', 'image/svg+xml'],
    ['font.woff2', 'font/woff2'],
    ['data.json', 'application/json; charset=utf-8'],
    ['LICENSE', 'application/octet-stream'],
    ['blob.unknownext', 'application/octet-stream'],
  ])('%s → %s', (path, type) => {
    expect(contentTypeFor(path)).toBe(type)
  })

  test.each([
    ['model.data', 'application/x-model'],
    ['deep/model.DATA', 'application/x-model'],
    ['apple-app-site-association', 'application/json'],
    ['.well-known/apple-app-site-association', 'application/json'],
    ['feeds/rss', 'application/rss+xml'],
    ['main.js', 'text/javascript; charset=utf-8'],
  ])('override: %s → %s', (path, type) => {
    const overrides = typeOverrides({
      '.data': 'application/x-model',
      'apple-app-site-association': 'application/json',
      'feeds/*': 'application/rss+xml',
    })
    expect(contentTypeFor(path, overrides)).toBe(type)
  })
})
