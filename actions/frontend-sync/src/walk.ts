// Reads the site from disk: every file under `source` (symlinked files followed, symlinked
// directories not, so a link cannot loop), hashed with MD5 (to compare with S3 ETags) and SHA-256.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { mapLimit } from '@deploy-actions/kit'
import type { LocalFile } from './plan.ts'

export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = []
  const visit = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true })
    for (const e of entries) {
      const full = join(dir, e.name)
      if (e.isDirectory()) await visit(full)
      else if (e.isFile()) out.push(full)
      else if (e.isSymbolicLink()) {
        const target = await stat(full).catch(() => undefined)
        if (target?.isFile()) out.push(full)
      }
    }
  }
  await visit(root)
  return out.sort()
}

/** Files up to this size are read in one call; larger ones are streamed. */
const READ_WHOLE_MAX = 8 * 1024 * 1024

export async function hashFile(file: string): Promise<{ size: number; md5: string; sha256: string }> {
  const md5 = createHash('md5')
  const sha256 = createHash('sha256')
  const { size } = await stat(file)
  if (size <= READ_WHOLE_MAX) {
    const body = await readFile(file)
    md5.update(body)
    sha256.update(body)
    return { size: body.length, md5: md5.digest('hex'), sha256: sha256.digest('hex') }
  }
  let read = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    md5.update(chunk as Buffer)
    sha256.update(chunk as Buffer)
    read += (chunk as Buffer).length
  }
  return { size: read, md5: md5.digest('hex'), sha256: sha256.digest('hex') }
}

export interface SourceEntry {
  /** Absolute path. */
  file: string
  /** Relative to the root, `/`-separated. */
  path: string
}

/** The files under `root` that `skip(path)` does not exclude, sorted. */
export async function listSource(root: string, skip: (path: string) => boolean = () => false): Promise<SourceEntry[]> {
  return (await listFiles(root))
    .map((file) => ({ file, path: relative(root, file).split(sep).join('/') }))
    .filter(({ path }) => !skip(path))
}

export function hashEntries(entries: readonly SourceEntry[], concurrency = 8): Promise<LocalFile[]> {
  return mapLimit(
    entries,
    concurrency,
    async ({ file, path }): Promise<LocalFile> => ({ path, file, ...(await hashFile(file)) }),
  )
}

/** Walks and hashes `root`; `skip(path)` drops excluded paths before they are read. */
export async function walkSource(
  root: string,
  skip?: (path: string) => boolean,
  concurrency = 8,
): Promise<LocalFile[]> {
  return hashEntries(await listSource(root, skip), concurrency)
}
