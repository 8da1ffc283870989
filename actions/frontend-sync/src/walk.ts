// Reads the site from disk: every file under `source`, hashed with MD5 (to compare with S3 ETags)
// and SHA-256. Symlinked directories are not followed (a link cannot loop); symlinked files by
// the `follow-symlinks` policy: `within` (the default) follows links whose target resolves inside
// `source` and refuses the run when one points outside (a link to /etc/passwd in a build must not
// be published with public caching), `refuse` refuses any link, `all` follows every file link.
import { createHash } from 'node:crypto'
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs'
import { readdir, readlink, realpath, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { ConfigurationError, mapLimit } from '@deploy-actions/kit'
import type { LocalFile } from './diff.ts'

export const SYMLINK_POLICIES = ['within', 'refuse', 'all'] as const
export type SymlinkPolicy = (typeof SYMLINK_POLICIES)[number]

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

/**
 * Every file under `root`, sorted; `onFile` sees each as it is found (in no set order). Throws a
 * ConfigurationError naming the links the policy refuses.
 */
export async function listFiles(
  root: string,
  onFile?: (file: string) => void,
  policy: SymlinkPolicy = 'within',
): Promise<string[]> {
  const out: string[] = []
  const refused: string[] = []
  const realRoot = await realpath(root)
  const found = (file: string) => {
    out.push(file)
    onFile?.(file)
  }
  const link = async (full: string) => {
    const [target, real] = await Promise.all([stat(full), realpath(full)]).catch(() => [])
    if (!target || !real) return // a dangling link: nothing to publish
    const shown = `${relative(root, full).split(sep).join('/')} → ${await readlink(full).catch(() => real)}`
    if (policy === 'refuse' || (policy === 'within' && !inside(realRoot, real))) refused.push(shown)
    else if (target.isFile()) found(full)
  }
  // Sibling directories are read concurrently (scandir runs whole on the libuv pool, so at most
  // its size are open at once); the result is sorted, so the order does not depend on timing.
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true })
    const pending: Promise<void>[] = []
    for (const e of entries) {
      const full = join(dir, e.name)
      if (e.isDirectory()) pending.push(visit(full))
      else if (e.isFile()) found(full)
      else if (e.isSymbolicLink()) pending.push(link(full))
    }
    await Promise.all(pending)
  }
  await visit(root)
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
  return out.sort()
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

export interface SourceEntry {
  /** Absolute path. */
  file: string
  /** Relative to the root, `/`-separated. */
  path: string
}

function sourcePath(root: string, file: string): string {
  return relative(root, file).split(sep).join('/')
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
    ? (file: string) => {
        if (kept || skip(sourcePath(root, file))) return
        kept = true
        onFirstKept()
      }
    : undefined
  return (await listFiles(root, onFile, policy))
    .map((file) => ({ file, path: sourcePath(root, file) }))
    .filter(({ path }) => !skip(path))
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
