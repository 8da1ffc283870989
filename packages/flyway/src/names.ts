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

export function parseFileName(fileName: string): FileName {
  if (!/\.sql$/i.test(fileName)) return { kind: 'ignored', reason: 'not a .sql file' }
  const stem = fileName.slice(0, -'.sql'.length)
  if (CALLBACK.test(fileName)) return { kind: 'ignored', reason: 'a Flyway callback (not run by this action)' }
  const prefix = stem[0]
  const rest = stem.slice(1)
  const sep = rest.indexOf('__')
  const left = sep >= 0 ? rest.slice(0, sep) : rest
  const description = sep >= 0 ? rest.slice(sep + 2).replace(/_/g, ' ') : ''
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
