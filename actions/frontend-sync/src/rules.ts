// Per-file headers: Cache-Control by glob rules with defaults, Content-Type from mime-types
// with overrides, and which files are "entry points" that must go live after their assets.
// Pure: no SDK, no @actions/*.
import { posix } from 'node:path'
import mime from 'mime-types'
import { minimatch } from 'minimatch'
import type { CacheRule, TypeOverride } from './config.ts'

export { type CacheRule, cacheRules, type TypeOverride, typeOverrides } from './config.ts'

/** Fingerprinted assets never change under their name: cache them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Entry points (HTML, service workers, manifests): the browser revalidates every time. */
export const NO_CACHE = 'no-cache'
/**
 * Everything else (favicon.ico, robots.txt, images referenced by a fixed name): five minutes,
 * so a changed file reaches browsers soon after its invalidation while repeat views stay cached.
 */
export const DEFAULT_CACHE = 'public, max-age=300'

/** Files the site's pages or workers load under a fixed name: uploaded after every asset. */
const SERVICE_WORKERS = new Set(['sw.js', 'service-worker.js', 'ngsw-worker.js', 'firebase-messaging-sw.js'])
const MANIFESTS = new Set(['manifest.json', 'asset-manifest.json', 'ngsw.json', 'site.webmanifest'])

/** Globs matched against the path relative to `source` (`*.html` matches at any depth). */
const GLOB_OPTIONS = { dot: true, matchBase: true } as const

export function matchesGlob(path: string, glob: string): boolean {
  return minimatch(path, glob, GLOB_OPTIONS)
}

export type FileKind = 'html' | 'service-worker' | 'manifest' | 'asset'

export function fileKind(path: string): FileKind {
  const base = posix.basename(path).toLowerCase()
  if (base.endsWith('.html') || base.endsWith('.htm')) return 'html'
  if (SERVICE_WORKERS.has(base)) return 'service-worker'
  if (MANIFESTS.has(base) || base.endsWith('.webmanifest')) return 'manifest'
  return 'asset'
}

/** HTML, service workers and manifests go live last, once every asset they reference is there. */
export function isEntryPoint(path: string): boolean {
  return fileKind(path) !== 'asset'
}

/** True when a path's last name part is a build content hash; the test in `isFingerprinted`. */
function isHashToken(token: string, separator: string): boolean {
  const digit = /\d/.test(token)
  // webpack/CRA/Next `main.3f2a9c1b.js`, `index-5b4a6d3c2e1f0a9b.js`: 8 to 64 lower-case hex.
  if (/^[0-9a-f]{8,64}$/.test(token)) return digit
  // esbuild/Angular `chunk-AB12CD34.js`, `styles-5INURTSO.css`: 8 upper-case base32 characters.
  if (/^[A-Z0-9]{8}$/.test(token)) return digit && /[A-Z]/.test(token)
  // Vite/Rollup `index-BXk3Qp9a.js`: 8 base64url characters mixing digits, upper and lower case
  // (a word plus a number such as `Medium12` does not count).
  if (separator === '-' && /^[A-Za-z0-9_-]{8}$/.test(token)) {
    return digit && /[A-Z]/.test(token) && /[a-z]/.test(token) && !/^[A-Z]?[a-z]+\d+$/.test(token)
  }
  return false
}

/**
 * A fingerprinted name carries a content hash, so its content never changes under that name:
 * `main.3f2a9c1b.js`, `chunk-AB12CD34.js`, `index-BXk3Qp9a.js`, their `.map`, `.gz` and `.br`
 * companions, and everything under Next.js's `_next/static/`.
 */
export function isFingerprinted(path: string): boolean {
  if (/(^|\/)_next\/static\//.test(path)) return true
  let stem = posix.basename(path)
  stem = stem.replace(/\.(map|gz|br)$/i, '')
  stem = stem.replace(/\.[^.]+$/, '') // the extension
  stem = stem.replace(/\.(min|chunk|bundle)$/i, '')
  const vite = /-([A-Za-z0-9_-]{8})$/.exec(stem)
  if (vite && isHashToken(vite[1]!, '-')) return true
  const m = /[.\-_]([0-9A-Za-z]{8,64})$/.exec(stem)
  return m !== null && isHashToken(m[1]!, m[0][0]!)
}

/** Which rule gave a file its Cache-Control: the first matching user rule, else a default. */
export function cacheControlFor(path: string, rules: readonly CacheRule[]): { value: string; source: string } {
  for (const rule of rules) if (matchesGlob(path, rule.glob)) return { value: rule.value, source: rule.glob }
  if (isEntryPoint(path)) return { value: NO_CACHE, source: `default (${fileKind(path)})` }
  if (isFingerprinted(path)) return { value: IMMUTABLE, source: 'default (fingerprinted)' }
  return { value: DEFAULT_CACHE, source: 'default' }
}

/**
 * Types pinned here rather than left to mime-db, because browsers refuse or mis-handle these
 * files when they are served wrong (WebAssembly streaming compilation needs application/wasm,
 * module scripts need a JavaScript type).
 */
const PINNED_TYPES: Record<string, string> = {
  wasm: 'application/wasm',
  mjs: 'text/javascript; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  webmanifest: 'application/manifest+json; charset=utf-8',
  map: 'application/json; charset=utf-8',
}

export const FALLBACK_TYPE = 'application/octet-stream'

function overrideMatches(path: string, pattern: string): boolean {
  if (/^\.[^/*?[\]{}]+$/.test(pattern)) return path.toLowerCase().endsWith(pattern.toLowerCase())
  return matchesGlob(path, pattern)
}

/** Content-Type: an override from `content-types`, else the pinned types, else mime-types. */
export function contentTypeFor(path: string, overrides: readonly TypeOverride[] = []): string {
  for (const o of overrides) if (overrideMatches(path, o.pattern)) return o.type
  const base = posix.basename(path).toLowerCase()
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : ''
  const pinned = PINNED_TYPES[ext]
  if (pinned) return pinned
  return (ext && mime.contentType(ext)) || FALLBACK_TYPE
}
