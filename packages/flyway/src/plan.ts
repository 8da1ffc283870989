// What `info`, `validate` and `migrate` see: applied history rows matched with the files found,
// each given Flyway's state (org.flywaydb.core.api.MigrationState), plus the validation errors
// Flyway raises on validate/validateOnMigrate (checksum, description or type mismatch, applied but
// missing, failed, resolved but ignored) and the ordered list of migrations to apply. Pure.
import { compareRepeatables, type ResolvedMigration } from './scan.ts'
import { compareVersions, parseVersion, type Version } from './version.ts'

/** One row of the history table, as read. */
export interface AppliedRow {
  installedRank: number
  version: string | null
  description: string
  type: string
  script: string
  checksum: number | null
  installedBy: string
  installedOn: Date | string | null
  executionTime: number
  success: boolean
}

export type State =
  | 'Success'
  | 'Pending'
  | 'Failed'
  | 'Missing'
  | 'Failed (Missing)'
  | 'Future'
  | 'Failed (Future)'
  | 'Outdated'
  | 'Superseded'
  | 'Ignored'
  | 'Ignored (Baseline)'
  | 'Baseline'
  | 'Below Baseline'
  | 'Above Target'
  | 'Deleted'
  | 'Out of Order'

export interface InfoRow {
  category: 'Versioned' | 'Repeatable' | 'Baseline' | 'Schema'
  version: string
  description: string
  type: string
  script: string
  installedOn: string
  installedRank?: number
  state: State
  /** The file on disk, where there is one. */
  file?: string
}

export interface ValidationIssue {
  message: string
  file?: string
  /** The `type:state` an ignoreMigrationPatterns entry can silence (Flyway's ValidatePattern). */
  kind?: { type: 'versioned' | 'repeatable'; state: 'missing' | 'ignored' | 'pending' | 'future' }
}

export interface PlanOptions {
  /** Highest version to migrate to; undefined means latest. */
  target?: Version
  outOfOrder: boolean
  /** Flyway's ignoreMigrationPatterns, already checked by parseIgnorePatterns. */
  ignoreMigrationPatterns?: string[]
}

const PATTERN_TYPES = ['*', 'repeatable', 'versioned']
const PATTERN_STATES = ['*', 'missing', 'pending', 'ignored', 'future']

/** Why an ignoreMigrationPatterns entry is not valid, as ValidatePattern.fromPattern says; else undefined. */
export function ignorePatternProblem(pattern: string): string | undefined {
  const parts = pattern.split(':')
  if (parts.length !== 2)
    return `Invalid pattern '${pattern}'. Pattern must be of the form <migration_type>:<migration_state>`
  const [type, state] = parts.map((p) => p.trim().toLowerCase()) as [string, string]
  if (!PATTERN_TYPES.includes(type))
    return `Invalid migration type '${parts[0]}'. Valid types are ${PATTERN_TYPES.join(', ')}`
  if (!PATTERN_STATES.includes(state))
    return `Invalid migration state '${parts[1]}'. Valid states are ${PATTERN_STATES.join(', ')}`
  return undefined
}

function ignored(issue: ValidationIssue, patterns: string[]): boolean {
  const kind = issue.kind
  if (!kind) return false
  return patterns.some((p) => {
    const [type, state] = p.split(':').map((x) => x.trim().toLowerCase()) as [string, string]
    return (type === '*' || type === kind.type) && (state === '*' || state === kind.state)
  })
}

export interface Plan {
  info: InfoRow[]
  /** Highest applied version (or the baseline), undefined for an empty history. */
  currentVersion?: string
  baselineVersion?: string
  /** Migrations `migrate` would apply, in order: versioned by version, then repeatables. */
  pending: ResolvedMigration[]
  errors: ValidationIssue[]
  /**
   * What only the `validate` command raises (migrate's own validation ignores pending, as Flyway's
   * does): pending and outdated migrations, unless an ignoreMigrationPatterns entry covers `pending`.
   */
  pendingIssues: ValidationIssue[]
  /** Applied versioned rows whose file's checksum/description differ (what repair realigns). */
  mismatched: Array<{ row: AppliedRow; resolved: ResolvedMigration }>
  /** Applied rows with no file (what repair marks deleted). */
  missing: AppliedRow[]
}

const SYNTHETIC = new Set(['SCHEMA', 'BASELINE', 'INIT', 'DELETE'])

function fmtDate(d: Date | string | null): string {
  if (!d) return ''
  if (typeof d === 'string') return d.slice(0, 19)
  const date = d instanceof Date ? d : new Date(d)
  return Number.isNaN(date.getTime()) ? String(d) : date.toISOString().replace('T', ' ').slice(0, 19)
}

function key(v: Version): string {
  return v.parts.join('.')
}

export function buildPlan(resolved: ResolvedMigration[], applied: AppliedRow[], options: PlanOptions): Plan {
  const rows = [...applied].sort((a, b) => a.installedRank - b.installedRank)
  const info: InfoRow[] = []
  const errors: ValidationIssue[] = []
  const mismatched: Plan['mismatched'] = []
  const missing: AppliedRow[] = []

  // Rows marked deleted by a later DELETE row (written by repair) no longer count.
  const deleted = new Set<AppliedRow>()
  for (let i = 0; i < rows.length; i++) {
    const d = rows[i]!
    if (d.type !== 'DELETE') continue
    for (let j = 0; j < i; j++) {
      const r = rows[j]!
      if (r.type === 'DELETE' || SYNTHETIC.has(r.type)) continue
      const same = d.version === null ? r.version === null && r.description === d.description : r.version === d.version
      if (same) deleted.add(r)
    }
  }

  const resolvedVersioned = new Map<string, ResolvedMigration>()
  const resolvedRepeatable = new Map<string, ResolvedMigration>()
  let maxResolved: Version | undefined
  for (const m of resolved) {
    if (m.kind === 'versioned') {
      resolvedVersioned.set(key(m.version!), m)
      if (!maxResolved || compareVersions(m.version!, maxResolved) > 0) maxResolved = m.version
    } else resolvedRepeatable.set(m.description, m)
  }

  let baseline: Version | undefined
  let current: Version | undefined
  const appliedVersions = new Set<string>()
  let highestSoFar: Version | undefined
  const raise = (v: Version) => {
    if (!current || compareVersions(v, current) > 0) current = v
  }
  const latestRepeatable = new Map<string, AppliedRow>()
  for (const r of rows)
    if (r.version === null && !SYNTHETIC.has(r.type) && !deleted.has(r)) latestRepeatable.set(r.description, r)

  for (const r of rows) {
    if (r.type === 'DELETE') continue
    const base = {
      description: r.description,
      type: r.type,
      script: r.script,
      installedOn: fmtDate(r.installedOn),
      installedRank: r.installedRank,
    }
    if (r.type === 'SCHEMA') {
      info.push({ ...base, category: 'Schema', version: '', state: 'Success' })
      continue
    }
    const version = r.version === null ? undefined : parseVersion(r.version)
    if (r.type === 'BASELINE' || r.type === 'INIT') {
      info.push({
        ...base,
        category: 'Baseline',
        version: r.version ?? '',
        state: deleted.has(r) ? 'Deleted' : 'Baseline',
      })
      if (version && !deleted.has(r)) {
        baseline = version
        raise(version)
      }
      continue
    }
    if (deleted.has(r)) {
      info.push({ ...base, category: version ? 'Versioned' : 'Repeatable', version: r.version ?? '', state: 'Deleted' })
      continue
    }
    if (version) {
      appliedVersions.add(key(version))
      const file = resolvedVersioned.get(key(version))
      const future = !file && (!maxResolved || compareVersions(version, maxResolved) > 0)
      let state: State
      if (r.success) {
        const outOfOrder = highestSoFar !== undefined && compareVersions(version, highestSoFar) < 0
        state = file ? (outOfOrder ? 'Out of Order' : 'Success') : future ? 'Future' : 'Missing'
        raise(version)
      } else {
        state = file ? 'Failed' : future ? 'Failed (Future)' : 'Failed (Missing)'
      }
      if (!highestSoFar || compareVersions(version, highestSoFar) > 0) highestSoFar = version
      info.push({ ...base, category: 'Versioned', version: version.text, state, ...(file ? { file: file.file } : {}) })
      if (!r.success) {
        errors.push({
          message: `Detected failed migration to version ${version.text} (${r.description}): repair it (command: repair) after fixing the database by hand`,
          ...(file ? { file: file.file } : {}),
        })
      }
      if (!file) {
        if (!future) {
          missing.push(r)
          errors.push({
            message: `Detected applied migration not resolved locally: ${version.text} (${r.script})`,
            kind: { type: 'versioned', state: 'missing' },
          })
        }
        continue
      }
      const issues: string[] = []
      if (r.checksum !== file.checksum)
        issues.push(`checksum mismatch: applied to database = ${r.checksum}, resolved locally = ${file.checksum}`)
      if (r.description !== file.description)
        issues.push(
          `description mismatch: applied to database = "${r.description}", resolved locally = "${file.description}"`,
        )
      if (r.type !== 'SQL' && r.type !== 'UNDO_SQL')
        issues.push(`type mismatch: applied to database = ${r.type}, resolved locally = SQL`)
      if (r.success && issues.length > 0) {
        mismatched.push({ row: r, resolved: file })
        errors.push({
          message: `Migration ${issues.join('; ')} for migration version ${version.text} (${file.file})`,
          file: file.file,
        })
      }
      continue
    }
    // Repeatable.
    const file = resolvedRepeatable.get(r.description)
    const latest = latestRepeatable.get(r.description) === r
    let state: State
    if (!latest) state = 'Superseded'
    else if (!file) state = r.success ? 'Missing' : 'Failed (Missing)'
    else if (!r.success) state = 'Failed'
    else state = checksumMatches(file, r.checksum) ? 'Success' : 'Outdated'
    info.push({ ...base, category: 'Repeatable', version: '', state, ...(file ? { file: file.file } : {}) })
    if (latest && !file) {
      missing.push(r)
      errors.push({
        message: `Detected applied migration not resolved locally: repeatable "${r.description}" (${r.script})`,
        kind: { type: 'repeatable', state: 'missing' },
      })
    }
    if (latest && !r.success) {
      errors.push({
        message: `Detected failed repeatable migration: ${r.description}: repair it (command: repair) after fixing the database by hand`,
        ...(file ? { file: file.file } : {}),
      })
    }
  }

  const pending: ResolvedMigration[] = []
  const pendingIssues: ValidationIssue[] = []
  for (const m of resolved) {
    if (m.kind !== 'versioned') continue
    const v = m.version!
    if (appliedVersions.has(key(v))) continue
    const row = unappliedRow(m)
    // MigrationState BASELINE_IGNORED at the baseline's own version, BELOW_BASELINE under it.
    if (baseline && compareVersions(v, baseline) === 0) row.state = 'Ignored (Baseline)'
    else if (baseline && compareVersions(v, baseline) < 0) row.state = 'Below Baseline'
    else if (options.target && compareVersions(v, options.target) > 0) row.state = 'Above Target'
    else if (current && compareVersions(v, current) < 0 && !options.outOfOrder) {
      row.state = 'Ignored'
      errors.push({
        message: `Detected resolved migration not applied to database: ${v.text} (${m.file}) is older than the current version ${current.text}; set out-of-order: true to apply it`,
        file: m.file,
        kind: { type: 'versioned', state: 'ignored' },
      })
    } else {
      pending.push(m)
      pendingIssues.push({
        message: `Detected resolved migration not applied to database: ${v.text} (${m.file}). To fix this error, either run migrate, or set ignore-migration-patterns: '*:pending'`,
        file: m.file,
        kind: { type: 'versioned', state: 'pending' },
      })
    }
    info.push(row)
  }
  for (const m of [...resolvedRepeatable.values()].sort(compareRepeatables)) {
    const last = latestRepeatable.get(m.description)
    if (last?.success && checksumMatches(m, last.checksum)) continue
    pending.push(m)
    info.push(unappliedRow(m))
    pendingIssues.push({
      message: last
        ? `Detected outdated resolved repeatable migration that should be re-applied to database: ${m.description} (${m.file}). Run migrate to execute this migration`
        : `Detected resolved repeatable migration not applied to database: ${m.description} (${m.file}). To fix this error, either run migrate, or set ignore-migration-patterns: '*:pending'`,
      file: m.file,
      kind: { type: 'repeatable', state: 'pending' },
    })
  }

  const patterns = options.ignoreMigrationPatterns ?? []
  const plan: Plan = {
    info,
    pending,
    errors: errors.filter((e) => !ignored(e, patterns)),
    pendingIssues: pendingIssues.filter((e) => !ignored(e, patterns)),
    mismatched,
    missing,
  }
  if (current) plan.currentVersion = current.text
  if (baseline) plan.baselineVersion = baseline.text
  return plan
}

/**
 * ResolvedMigrationImpl.checksumMatches: a repeatable's checksum is taken after placeholder
 * replacement; a row written with the checksum of the file as it is (by Flyway before it replaced
 * placeholders first, or by an earlier version of this engine) still counts as applied.
 */
function checksumMatches(m: ResolvedMigration, checksum: number | null): boolean {
  return checksum === m.checksum || (m.equivalentChecksum !== undefined && checksum === m.equivalentChecksum)
}

/** The info row of a file not applied yet (its state refined by the caller). */
function unappliedRow(m: ResolvedMigration): InfoRow {
  const category = m.kind === 'versioned' ? 'Versioned' : 'Repeatable'
  const version = m.version?.text ?? ''
  return {
    category,
    version,
    description: m.description,
    type: 'SQL',
    script: m.script,
    installedOn: '',
    state: 'Pending',
    file: m.file,
  }
}

/** Counts of each state, for one-line logs ("3 Success, 2 Pending"). */
export function stateCounts(info: InfoRow[]): string {
  const counts = new Map<string, number>()
  for (const r of info) counts.set(r.state, (counts.get(r.state) ?? 0) + 1)
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'empty'
}
