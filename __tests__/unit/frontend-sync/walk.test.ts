// Reading the site from disk: every file hashed in order, small ones read whole in slices and
// large ones streamed, with the digests `openssl`/`md5sum` would give.
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashEntries, listSource, walkSource } from '../../../actions/frontend-sync/src/walk.ts'

let root: string
const contents = new Map<string, Buffer>()

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'frontend-sync-walk-'))
  const put = (path: string, body: Buffer) => {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), body)
    contents.set(path, body)
  }
  // More small files than one slice, an empty one, and two past the small-file limit (1 MiB).
  for (let i = 0; i < 300; i++) put(`pages/p${String(i).padStart(3, '0')}.html`, Buffer.from(`<p>${i}</p>`.repeat(i)))
  put('empty.txt', Buffer.alloc(0))
  put('media/a.bin', Buffer.alloc(3 * 1024 * 1024 + 17, 7))
  put('media/b.bin', Buffer.alloc(1024 * 1024 + 1, 9))
  put('exact.bin', Buffer.alloc(1024 * 1024, 1))
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

const digest = (algorithm: string, body: Buffer) => createHash(algorithm).update(body).digest('hex')

test('every file is hashed, in path order, small and large alike', async () => {
  const files = await walkSource(root)
  expect(files.map((f) => f.path)).toEqual([...contents.keys()].sort())
  for (const f of files) {
    const body = contents.get(f.path)!
    expect(f).toEqual({
      path: f.path,
      file: join(root, f.path),
      size: body.length,
      md5: digest('md5', body),
      sha256: digest('sha256', body),
    })
  }
})

test('hashEntries keeps the order it is given', async () => {
  const entries = (await listSource(root)).reverse()
  const files = await hashEntries(entries, 2)
  expect(files.map((f) => f.path)).toEqual(entries.map((e) => e.path))
})

test('a file that is gone by the time it is read fails the read', async () => {
  const entries = [{ file: join(root, 'missing.html'), path: 'missing.html' }]
  await expect(hashEntries(entries)).rejects.toMatchObject({ code: 'ENOENT' })
})
