// Flyway's file naming (org.flywaydb.core.internal.resource.ResourceNameParser with the default
// prefixes V / U / R, separator "__" and suffix ".sql"): prefix, version (versioned only), "__",
// description with underscores read as spaces, suffix (matched case-insensitively, as
// ResourceNameParser.stripSuffix does: `V2__x.SQL` is a migration). Callbacks (beforeMigrate.sql, …), undo
// files (U…) and anything else are not migrations here and are reported as ignored.
import { parseVersion, type Version } from './version.ts'

export type FileName =
  | { kind: 'versioned'; version: Version; description: string }
  | { kind: 'repeatable'; description: string }
  | { kind: 'ignored'; reason: string }

const CALLBACK = /^(before|after)[A-Z]\w*(__.*)?\.sql$/i

/** Flyway stores at most 200 characters of a description (AbbreviationUtils.abbreviateDescription). */
export function abbreviateDescription(description: string): string {
  return description.length <= 200 ? description : `${description.slice(0, 197)}...`
}

/** And at most 1000 of a script path (AbbreviationUtils.abbreviateScript). */
export function abbreviateScript(script: string): string {
  return script.length <= 1000 ? script : `...${script.slice(3, 1000)}`
}

/** Flyway's naming settings: sqlMigrationPrefix, repeatableSqlMigrationPrefix, sqlMigrationSeparator, sqlMigrationSuffixes. */
export interface Naming {
  versioned: string
  repeatable: string
  separator: string
  suffixes: string[]
}

export const DEFAULT_NAMING: Naming = { versioned: 'V', repeatable: 'R', separator: '__', suffixes: ['.sql'] }

export function parseFileName(fileName: string, naming: Naming = DEFAULT_NAMING): FileName {
  const suffix = naming.suffixes.find((s) => fileName.toUpperCase().endsWith(s.toUpperCase()))
  if (suffix === undefined) return { kind: 'ignored', reason: `not a ${naming.suffixes.join(' / ')} file` }
  const stem = fileName.slice(0, fileName.length - suffix.length)
  if (CALLBACK.test(`${stem}.sql`)) return { kind: 'ignored', reason: 'a Flyway callback (not run by this action)' }
  // ResourceNameParser.findPrefix: the longest matching prefix wins (RRR before R, V before nothing).
  const prefixes: Array<{ text: string; kind: 'V' | 'R' | 'U' }> = [
    { text: naming.versioned, kind: 'V' },
    { text: naming.repeatable, kind: 'R' },
    { text: 'U', kind: 'U' },
  ]
  prefixes.sort((a, b) => b.text.length - a.text.length)
  const found = prefixes.find((p) => stem.startsWith(p.text))
  const prefix = found?.kind
  const rest = found ? stem.slice(found.text.length) : stem
  const sep = rest.indexOf(naming.separator)
  const left = sep >= 0 ? rest.slice(0, sep) : rest
  const description = sep >= 0 ? rest.slice(sep + naming.separator.length).replace(/_/g, ' ') : ''
  if (prefix === 'U') return { kind: 'ignored', reason: 'an undo migration (Flyway Teams; never run by migrate)' }
  if (prefix === 'R') {
    if (sep < 0 || left !== '') {
      return { kind: 'ignored', reason: 'not a valid repeatable migration name (expected R__description.sql)' }
    }
    return { kind: 'repeatable', description }
  }
  if (prefix === 'V') {
    const version = parseVersion(left)
    if (!version) {
      return { kind: 'ignored', reason: `not a valid versioned migration name (could not read version "${left}")` }
    }
    return { kind: 'versioned', version, description }
  }
  return {
    kind: 'ignored',
    reason: 'not a migration name (expected V<version>__<description>.sql or R__<description>.sql)',
  }
}
