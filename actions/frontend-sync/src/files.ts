// What a file of a built site is, from its path alone: which framework built the tree, whether a
// name carries a content hash, what kind of file it is and when it may go live. Pure and free of
// dependencies (the S3 and plan phases use it without loading minimatch or mime-db).
import { posix } from 'node:path'

export const FRAMEWORKS = ['next', 'angular', 'vite', 'none'] as const
export type Framework = (typeof FRAMEWORKS)[number]

/**
 * The framework that built a tree, from the files each one always writes: Next.js's `_next/`
 * folder, Angular's service-worker manifest `ngsw.json` or its esbuild `main-<hash>.js` /
 * `polyfills-<hash>.js` at the root (a zoneless app without service worker has only `main`),
 * Vite's `.vite/manifest.json` (build.manifest). `none` when no sign is found.
 */
export function detectFramework(paths: Iterable<string>): Framework {
  let found: Framework = 'none'
  for (const path of paths) {
    if (path.startsWith('_next/')) return 'next'
    if (path === 'ngsw.json' || /^(main|polyfills)-[A-Z0-9]{8}\.js$/.test(path)) found = 'angular'
    else if (path === '.vite/manifest.json' && found === 'none') found = 'vite'
  }
  return found
}

/** True when a path's last name part is a build content hash; the test in `isFingerprinted`. */
function isHashToken(token: string, separator: string, framework: Framework): boolean {
  const digit = /\d/.test(token)
  // webpack/CRA/Next `main.3f2a9c1b.js`, `index-5b4a6d3c2e1f0a9b.js`: 8 to 64 lower-case hex.
  if (/^[0-9a-f]{8,64}$/.test(token)) return digit
  // esbuild (Angular's application builder) `chunk-AB12CD34.js`, `styles-5INURTSO.css`: 8
  // characters of base32 (A-Z, 2-7). About one such hash in five has no digit (`chunk-ABCDEFGH`):
  // accepted once the tree is known to be an esbuild build, where every such name is a hash.
  if (/^[A-Z0-9]{8}$/.test(token)) {
    if (digit) return /[A-Z]/.test(token)
    return separator === '-' && (framework === 'angular' || framework === 'vite') && /^[A-Z2-7]{8}$/.test(token)
  }
  // Vite/Rollup/Rolldown `index-BXk3Qp9a.js` (and Angular's lazy chunks since it builds with
  // Rolldown): 8 base64url characters mixing digits, upper and lower case (a word plus a number
  // such as `Medium12` does not count). In a Vite or Angular tree a token without a digit counts
  // too when it mixes cases the way a word does not (`CWjzFDOl`, not `Download`).
  if (separator === '-' && /^[A-Za-z0-9_-]{8}$/.test(token)) {
    const mixed = /[A-Z]/.test(token) && /[a-z]/.test(token)
    if (digit) return mixed && !/^[A-Z]?[a-z]+\d+$/.test(token)
    return (framework === 'vite' || framework === 'angular') && mixed && !/^[A-Z]?[a-z]+$/.test(token)
  }
  return false
}

/**
 * A fingerprinted name carries a content hash, so its content never changes under that name:
 * `main.3f2a9c1b.js`, `chunk-AB12CD34.js`, `index-BXk3Qp9a.js`, their `.map`, `.gz` and `.br`
 * companions, and everything under Next.js's `_next/static/` (its buildId folder included: the
 * build writes a new one each build).
 */
export function isFingerprinted(path: string, framework: Framework = 'none'): boolean {
  if (/(^|\/)_next\/static\//.test(path)) return true
  let stem = posix.basename(path)
  stem = stem.replace(/\.(map|gz|br)$/i, '')
  stem = stem.replace(/\.[^.]+$/, '') // the extension
  stem = stem.replace(/\.(min|chunk|bundle)$/i, '')
  const dash = /-([A-Za-z0-9_-]{8})$/.exec(stem)
  if (dash && isHashToken(dash[1]!, '-', framework)) return true
  const m = /[.\-_]([0-9A-Za-z]{8,64})$/.exec(stem)
  return m !== null && isHashToken(m[1]!, m[0][0]!, framework)
}

/** Files the site's pages or workers load under a fixed name: uploaded after every asset. */
const SERVICE_WORKERS = new Set([
  'sw.js',
  'service-worker.js',
  'ngsw-worker.js',
  'safety-worker.js',
  'worker-basic.min.js',
  'firebase-messaging-sw.js',
])
/** Manifests a service worker reads to know which files to cache (they list pages and assets). */
const WORKER_MANIFESTS = new Set(['ngsw.json', 'asset-manifest.json'])
/** Web app manifests, referenced by the pages. */
const WEB_MANIFESTS = new Set(['manifest.json', 'site.webmanifest'])

export type FileKind = 'html' | 'payload' | 'service-worker' | 'manifest' | 'asset'

/**
 * A Next.js React Server Component payload: the `.txt` beside each exported page
 * (`about.txt`, `about/index.txt`, `__next.about.txt`), fetched on client navigation. It names the
 * page's chunks and changes with every build, like the HTML.
 */
function isPayload(path: string, base: string, framework: Framework): boolean {
  return framework === 'next' && base.endsWith('.txt') && base !== 'robots.txt' && !path.startsWith('_next/')
}

export function fileKind(path: string, framework: Framework = 'none'): FileKind {
  const base = posix.basename(path).toLowerCase()
  if (base.endsWith('.html') || base.endsWith('.htm')) return 'html'
  if (isPayload(path, base, framework)) return 'payload'
  if (SERVICE_WORKERS.has(base)) return 'service-worker'
  if (WORKER_MANIFESTS.has(base) || WEB_MANIFESTS.has(base) || base.endsWith('.webmanifest')) return 'manifest'
  return 'asset'
}

/** HTML, payloads, service workers and manifests go live last, once every asset they reference is there. */
export function isEntryPoint(path: string, framework: Framework = 'none'): boolean {
  return fileKind(path, framework) !== 'asset'
}

/**
 * When a file may go live, in dependency order: 1 assets; 2 web app manifests (pages link them);
 * 3 pages and RSC payloads; 4 service-worker manifests (they list the pages); 5 service workers
 * (they read those manifests). Each rank is uploaded whole before the next starts, so a service
 * worker never sees a manifest whose files are not live.
 */
export type GoLiveRank = 1 | 2 | 3 | 4 | 5

export function goLiveRank(path: string, framework: Framework = 'none'): GoLiveRank {
  const kind = fileKind(path, framework)
  if (kind === 'asset') return 1
  if (kind === 'html' || kind === 'payload') return 3
  if (kind === 'service-worker') return 5
  return WORKER_MANIFESTS.has(posix.basename(path).toLowerCase()) ? 4 : 2
}

export const RANK_TITLES: Record<GoLiveRank, string> = {
  1: 'assets',
  2: 'web app manifests',
  3: 'pages',
  4: 'service-worker manifests',
  5: 'service workers',
}

/** The Next.js buildIds of a tree: the folders `_next/static/<id>/` holding `_buildManifest.js`. */
export function nextBuildIds(paths: Iterable<string>): Set<string> {
  const ids = new Set<string>()
  for (const p of paths) {
    const m = /^_next\/static\/([^/]+)\/_buildManifest\.js$/.exec(p)
    if (m) ids.add(m[1]!)
  }
  return ids
}

/**
 * A Next.js rebuild that changed nothing but its buildId: the build's id differs from the one
 * online while no other `_next/static/` file changed. Next.js picks a random id per build unless
 * `generateBuildId` returns a fixed one, and the id is written into every page and RSC payload,
 * so such a rebuild re-uploads the whole site for nothing.
 */
export function nextBuildIdOnlyChange(
  localPaths: readonly string[],
  remotePaths: readonly string[],
  changedPaths: ReadonlySet<string>,
): { from: string; to: string } | undefined {
  const local = [...nextBuildIds(localPaths)]
  const remote = [...nextBuildIds(remotePaths)].filter((id) => !local.includes(id))
  if (local.length !== 1 || remote.length === 0) return undefined
  const to = local[0]!
  const hashed = localPaths.filter((p) => p.startsWith('_next/static/') && !p.startsWith(`_next/static/${to}/`))
  if (hashed.length === 0 || hashed.some((p) => changedPaths.has(p))) return undefined
  return { from: remote.sort().at(-1)!, to }
}
