// Per-file headers: Cache-Control by glob rules with defaults, Content-Type from mime-types
// with overrides, and which files are "entry points" that must go live after their assets.
// Pure: no SDK, no @actions/*.
import { posix } from 'node:path'
import mime from 'mime-types'
import { minimatch } from 'minimatch'
import type { CacheRule, TypeOverride } from './config.ts'
import { type Framework, fileKind, isEntryPoint, isFingerprinted } from './files.ts'

export { type CacheRule, cacheRules, type TypeOverride, typeOverrides } from './config.ts'
export { type FileKind, fileKind, isEntryPoint, isFingerprinted } from './files.ts'

/** Fingerprinted assets never change under their name: cache them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Entry points (HTML, service workers, manifests): the browser revalidates every time. */
export const NO_CACHE = 'no-cache'
/**
 * Everything else (favicon.ico, robots.txt, images referenced by a fixed name): five minutes,
 * so a changed file reaches browsers soon after its invalidation while repeat views stay cached.
 */
export const DEFAULT_CACHE = 'public, max-age=300'

/** Globs matched against the path relative to `source` (`*.html` matches at any depth). */
const GLOB_OPTIONS = { dot: true, matchBase: true } as const

export function matchesGlob(path: string, glob: string): boolean {
  return minimatch(path, glob, GLOB_OPTIONS)
}

/**
 * Which rule gave a file its Cache-Control: the first matching user rule, else a default
 * (with the framework's presets: Next.js RSC payloads revalidate like HTML, `_next/static/**`
 * is immutable, Angular's `ngsw.json` and workers revalidate).
 */
export function cacheControlFor(
  path: string,
  rules: readonly CacheRule[],
  framework: Framework = 'none',
): { value: string; source: string } {
  for (const rule of rules) if (matchesGlob(path, rule.glob)) return { value: rule.value, source: rule.glob }
  if (isEntryPoint(path, framework)) return { value: NO_CACHE, source: `default (${fileKind(path, framework)})` }
  if (isFingerprinted(path, framework)) return { value: IMMUTABLE, source: 'default (fingerprinted)' }
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
