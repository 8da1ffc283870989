// Reads the site from disk: every file under `source`, hashed with MD5 (to compare with S3 ETags)
// and SHA-256. Symlinked directories are not followed (a link cannot loop); symlinked files by
// the `follow-symlinks` policy: `within` (the default) follows links whose target resolves inside
// `source` and refuses the run when one points outside (a link to /etc/passwd in a build must not
// be published with public caching), `refuse` refuses any link, `all` follows every file link.
import { createHash } from 'node:crypto'
import {
  closeSync,
  createReadStream,
  fstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs'
import { join, sep } from 'node:path'
import { ConfigurationError, mapLimit } from '@deploy-actions/kit'
import type { LocalFile } from './diff.ts'

export const SYMLINK_POLICIES = ['within', 'refuse', 'all'] as const
export type SymlinkPolicy = (typeof SYMLINK_POLICIES)[number]

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

export interface SourceEntry {
  /** The path on disk (under `root` as given). */
  file: string
  /** Relative to the root, `/`-separated. */
  path: string
}

const byPath = (a: SourceEntry, b: SourceEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)

/**
 * Every file under `root`, sorted by path; `onFile` sees each as it is found (in no set order).
 * Throws a ConfigurationError naming the links the policy refuses. The tree is read with
 * synchronous calls: one readdir per directory (a few milliseconds for thousands of files, a
 * fraction of what the same walk costs through promises and the thread pool). Relative paths
 * are built while walking (no path.relative per file: it resolves both paths, every time).
 */
export async function listFiles(
  root: string,
  onFile?: (entry: SourceEntry) => void,
  policy: SymlinkPolicy = 'within',
): Promise<SourceEntry[]> {
  const out: SourceEntry[] = []
  const refused: string[] = []
  const realRoot = realpathSync(root)
  const found = (file: string, path: string) => {
    const entry = { file, path }
    out.push(entry)
    onFile?.(entry)
  }
  const link = (full: string, path: string) => {
    let target: Stats
    let real: string
    try {
      target = statSync(full)
      real = realpathSync(full)
    } catch {
      return // a dangling link: nothing to publish
    }
    if (policy === 'refuse' || (policy === 'within' && !inside(realRoot, real))) {
      let to = real
      try {
        to = readlinkSync(full)
      } catch {}
      refused.push(`${path} → ${to}`)
    } else if (target.isFile()) found(full, path)
  }
  const visit = (dir: string, base: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name)
      const path = base + e.name
      if (e.isDirectory()) visit(full, `${path}/`)
      else if (e.isFile()) found(full, path)
      else if (e.isSymbolicLink()) link(full, path)
    }
  }
  visit(root, '')
  if (refused.length > 0) {
    refused.sort()
    const list = refused.slice(0, 10).join(', ') + (refused.length > 10 ? ` and ${refused.length - 10} more` : '')
    throw new ConfigurationError(
      'follow-symlinks',
      policy === 'refuse'
        ? `no symlinks in source with follow-symlinks: refuse; found ${refused.length}: ${list}`
        : `symlinks whose target is inside source (follow-symlinks: within); ${refused.length} point outside and would be published: ${list}. Remove them, or set follow-symlinks: all`,
    )
  }
  return out.sort(byPath)
}

/** Files up to this size are read whole in the calling thread (see hashEntries); larger ones are streamed. */
const SMALL_FILE_MAX = 1024 * 1024
/** Small files read between two turns of the event loop: at most this many, or this many bytes. */
const SLICE_FILES = 64
const SLICE_BYTES = 1024 * 1024

type Digests = { size: number; md5: string; sha256: string }

function digestsOf(body: Buffer): Digests {
  return {
    size: body.length,
    md5: createHash('md5').update(body).digest('hex'),
    sha256: createHash('sha256').update(body).digest('hex'),
  }
}

/**
 * The whole content when the file is at most `max` bytes, else `undefined`: one descriptor for
 * the size and the read (open, fstat, read, close; no separate stat by path).
 */
function readWholeSync(file: string, max: number): Buffer | undefined {
  const fd = openSync(file, 'r')
  try {
    const { size } = fstatSync(fd)
    if (size > max) return undefined
    const body = Buffer.allocUnsafe(size)
    let read = 0
    while (read < size) {
      const bytesRead = readSync(fd, body, read, size - read, read)
      if (bytesRead === 0) break // shrank while read
      read += bytesRead
    }
    return read < size ? body.subarray(0, read) : body
  } finally {
    closeSync(fd)
  }
}

async function hashStream(file: string): Promise<Digests> {
  const md5 = createHash('md5')
  const sha256 = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    md5.update(chunk as Buffer)
    sha256.update(chunk as Buffer)
    size += (chunk as Buffer).length
  }
  return { size, md5: md5.digest('hex'), sha256: sha256.digest('hex') }
}

/** A file's size and digests, whatever its size. */
export async function hashFile(file: string): Promise<Digests> {
  const body = readWholeSync(file, SMALL_FILE_MAX)
  return body ? digestsOf(body) : hashStream(file)
}

/**
 * The files under `root` that `skip(path)` does not exclude, sorted. `onFirstKept` is called once,
 * as soon as the first such file is found (so work that needs a non-empty source can start
 * before the whole tree has been read).
 */
export async function listSource(
  root: string,
  skip: (path: string) => boolean = () => false,
  onFirstKept?: () => void,
  policy: SymlinkPolicy = 'within',
): Promise<SourceEntry[]> {
  let kept = false
  const onFile = onFirstKept
    ? ({ path }: SourceEntry) => {
        if (kept || skip(path)) return
        kept = true
        onFirstKept()
      }
    : undefined
  return (await listFiles(root, onFile, policy)).filter(({ path }) => !skip(path))
}

/**
 * Hashes every entry, in order. Small files (most of a site) are read with synchronous calls in
 * slices: four system calls each, without a round trip through libuv's thread pool per call,
 * which costs more than the read itself for a file of a few KiB (and waits longest on a busy
 * machine). Between slices (a few milliseconds each) the event loop turns, so the request for
 * the listing's next page, a cancellation or a progress line is never held up for long. Large
 * files are then streamed, `concurrency` at a time.
 */
export async function hashEntries(entries: readonly SourceEntry[], concurrency = 8): Promise<LocalFile[]> {
  const out: LocalFile[] = new Array(entries.length)
  const large: number[] = []
  let files = 0
  let bytes = 0
  for (let i = 0; i < entries.length; i++) {
    const { file, path } = entries[i]!
    const body = readWholeSync(file, SMALL_FILE_MAX)
    if (!body) {
      large.push(i)
      continue
    }
    out[i] = { path, file, ...digestsOf(body) }
    bytes += body.length
    if (++files >= SLICE_FILES || bytes >= SLICE_BYTES) {
      files = 0
      bytes = 0
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  await mapLimit(large, concurrency, async (i) => {
    const { file, path } = entries[i]!
    out[i] = { path, file, ...(await hashStream(file)) }
  })
  return out
}

/** Walks and hashes `root`; `skip(path)` drops excluded paths before they are read. */
export async function walkSource(
  root: string,
  skip?: (path: string) => boolean,
  concurrency = 8,
): Promise<LocalFile[]> {
  return hashEntries(await listSource(root, skip), concurrency)
}
