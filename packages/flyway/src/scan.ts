// Finds migrations in `locations` (folders, optionally written `filesystem:dir`), recursively, as
// Flyway's filesystem scanner does. The `script` recorded in history is the path relative to its
// location ("V1__init.sql", "sub/V2__more.sql"), as Flyway records it.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { flywayChecksum } from './checksum.ts'
import { abbreviateDescription, type FileName, type Naming, parseFileName } from './names.ts'
import { compareVersions, type Version } from './version.ts'

export interface ResolvedMigration {
  kind: 'versioned' | 'repeatable'
  version?: Version
  description: string
  /** Path relative to its location, as stored in the history table's `script` column. */
  script: string
  /** Path on disk (relative to the working directory when possible), for annotations. */
  file: string
  checksum: number
  /**
   * Repeatables, once placeholders are known: the checksum of the file as it is, while `checksum`
   * is that of the text after placeholder replacement (SqlMigrationResolver.getChecksumForLoadableResource).
   */
  equivalentChecksum?: number
  /** The file's text with a leading BOM removed (placeholders not yet replaced). */
  sql: string
}

export interface ScanResult {
  migrations: ResolvedMigration[]
  /** Files skipped, each with the reason (undo files, callbacks, bad names). */
  notes: string[]
}

export class ScanError extends Error {
  override name = 'ScanError'
}

export interface SourceFile {
  /** Relative to its location, with forward slashes. */
  script: string
  file: string
  content: Uint8Array | string
}

/** Location strings as users write them: `db/migration`, `filesystem:db/migration`. */
export function locationPath(location: string): string {
  const m = /^filesystem:(.*)$/.exec(location.trim())
  return (m ? m[1]! : location).trim()
}

/**
 * The files under `dir`, as FileSystemScanner.findResourceNamesFromFileSystem walks: symlinks are
 * followed (java.io.File.isDirectory/isFile follow them), hidden directories are skipped (#1807:
 * a Kubernetes ConfigMap mount's `..2024_…/` and `..data/`, whose files the visible symlinks
 * already name), unreadable entries are passed over. A directory reached twice (a link loop) is
 * walked once.
 */
function walk(dir: string, seen: Set<string>, out: string[]): void {
  const real = realpathSync(dir)
  if (seen.has(real)) return
  seen.add(real)
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )
  for (const entry of entries) {
    const path = join(dir, entry.name)
    // The entry's own type answers for plain files and folders; only links (and the rare file
    // system that reports no type) need a stat to learn what they point at.
    let isDirectory = entry.isDirectory()
    let isFile = entry.isFile()
    if (!isDirectory && !isFile) {
      try {
        const stat = statSync(path)
        isDirectory = stat.isDirectory()
        isFile = stat.isFile()
      } catch {
        continue // a dangling link or an entry we may not read
      }
    }
    if (isDirectory) {
      if (!entry.name.startsWith('.')) walk(path, seen, out)
    } else if (isFile) out.push(path)
  }
}

/** Reads every file under the locations; a missing folder throws ScanError naming it. */
export function readLocations(locations: string[], cwd = process.cwd()): SourceFile[] {
  const files: SourceFile[] = []
  for (const location of locations) {
    if (/^classpath:/.test(location)) throw new ScanError(`${location}: classpath locations need a JVM; use a folder`)
    const root = resolve(cwd, locationPath(location))
    let isDir = false
    try {
      isDir = statSync(root).isDirectory()
    } catch {}
    if (!isDir) throw new ScanError(`${location}: no such folder (resolved to ${root})`)
    const paths: string[] = []
    walk(root, new Set(), paths)
    // walk() joins every path onto `root`, so the relative names are slices, not one
    // path.relative per file (it resolves both sides each time: 600 calls cost ~6 ms at start).
    const rootRel = relative(cwd, root)
    const under = root.endsWith(sep) ? root.length : root.length + 1
    for (const abs of paths) {
      const sub = abs.slice(under)
      files.push({
        script: sep === '/' ? sub : sub.split(sep).join('/'),
        file: rootRel.startsWith('..') || isAbsolute(rootRel) ? abs : rootRel ? `${rootRel}${sep}${sub}` : sub,
        content: readFileSync(abs),
      })
    }
  }
  return files
}

/** Encodings `encoding` accepts (WHATWG labels Node decodes), Flyway's default UTF-8 first. */
export const ENCODINGS = ['UTF-8', 'ISO-8859-1', 'windows-1252', 'UTF-16LE', 'UTF-16BE'] as const

/**
 * The file's text. Bytes that are not valid in the encoding fail as Flyway's ChecksumCalculator
 * does (a MalformedInputException under the strict decoder), never replaced silently.
 */
export function decodeMigration(f: SourceFile, encoding = 'UTF-8'): string {
  if (typeof f.content === 'string') return f.content
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(f.content)
  } catch {
    throw new ScanError(
      `Unable to calculate checksum of ${f.script}: it is not valid ${encoding}. Please ensure you have configured the correct file encoding (the encoding input, e.g. ISO-8859-1)`,
    )
  }
}

/** Turns files into migrations: names parsed, checksums computed, duplicates rejected. */
export interface ResolveOptions {
  encoding?: string
  naming?: Naming
}

export function resolveMigrations(files: SourceFile[], options: ResolveOptions = {}): ScanResult {
  const migrations: ResolvedMigration[] = []
  const notes: string[] = []
  for (const f of files) {
    const base = f.script.slice(f.script.lastIndexOf('/') + 1)
    const name: FileName = parseFileName(base, options.naming)
    if (name.kind === 'ignored') {
      notes.push(`${f.file}: ignored, ${name.reason}`)
      continue
    }
    const text = decodeMigration(f, options.encoding)
    const m: ResolvedMigration = {
      kind: name.kind,
      // What the history holds and validate compares: at most 200 characters, as Flyway writes it.
      description: abbreviateDescription(name.description),
      script: f.script,
      file: f.file,
      checksum: flywayChecksum(text),
      sql: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
    }
    if (name.kind === 'versioned') m.version = name.version
    migrations.push(m)
  }
  const versioned = migrations
    .filter((m) => m.kind === 'versioned')
    .sort((a, b) => compareVersions(a.version!, b.version!))
  for (let i = 1; i < versioned.length; i++) {
    const a = versioned[i - 1]!
    const b = versioned[i]!
    if (compareVersions(a.version!, b.version!) === 0) {
      throw new ScanError(`found more than one migration with version ${b.version!.text}: ${a.file} and ${b.file}`)
    }
  }
  const repeatable = migrations.filter((m) => m.kind === 'repeatable').sort(compareRepeatables)
  for (let i = 1; i < repeatable.length; i++) {
    const a = repeatable[i - 1]!
    const b = repeatable[i]!
    if (a.description === b.description) {
      throw new ScanError(
        `found more than one repeatable migration with description "${b.description}": ${a.file} and ${b.file}`,
      )
    }
  }
  return { migrations: [...versioned, ...repeatable], notes }
}

/** Flyway applies repeatable migrations in the order of their descriptions (String.compareTo). */
export function compareRepeatables(a: { description: string }, b: { description: string }): number {
  return a.description < b.description ? -1 : a.description > b.description ? 1 : 0
}

export function scanLocations(locations: string[], cwd?: string, options: ResolveOptions = {}): ScanResult {
  return resolveMigrations(readLocations(locations, cwd), options)
}
