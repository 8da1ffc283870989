// The engine's I/O edge: one `pg` connection, the advisory lock, the history table, and the
// commands migrate / info / validate / baseline / repair. Decisions come from plan.ts; this file
// only reads, writes and reports.

import { randomUUID } from 'node:crypto'
import {
  type Clock,
  DeployError,
  formatDuration,
  isTransientNetworkError,
  type Logger,
  realClock,
  retry,
  waitUntil,
} from '@deploy-actions/kit'
import type pg from 'pg'
import { BATCH_MAX_CHARS, BATCH_MAX_MIGRATIONS, type BatchMember, batchText, markerIndex } from './batch.ts'
import { flywayChecksum } from './checksum.ts'
import { copyFromStdin } from './copy.ts'
import {
  advisoryLockKey,
  BASELINE_DESCRIPTION,
  createTableSql,
  insertRowSql,
  qualifiedTable,
  quoteIdent,
  SCHEMA_CREATION_DESCRIPTION,
  selectRowsSql,
} from './history.ts'
import { abbreviateDescription, abbreviateScript } from './names.ts'
import { builtinPlaceholders, type PlaceholderSyntax, replacePlaceholders } from './placeholders.ts'
import { type AppliedRow, buildPlan, type Plan, type ValidationIssue } from './plan.ts'
import type { Command, Report } from './report.ts'
import type { ResolvedMigration } from './scan.ts'
import {
  lineAt,
  mayBeIncomplete,
  mixedProblem,
  offsetOfPosition,
  type Statement,
  searchPathNames,
  splitStatements,
  type TransactionMode,
  transactionMode,
} from './sql.ts'
import type { ConnectionSettings } from './url.ts'
import type { Version } from './version.ts'

export interface EngineOptions {
  connection: ConnectionSettings
  /**
   * Managed schemas; the first holds the history table. Empty: the connection's current schema,
   * as Flyway's `Connection.getCurrentSchema` (`currentSchema=` in the URL, else `current_schema`).
   */
  schemas: string[]
  table: string
  target?: Version
  baselineVersion: Version
  baselineDescription?: string
  baselineOnMigrate: boolean
  outOfOrder: boolean
  placeholders: Record<string, string>
  dryRun: boolean
  log: Logger
  clock?: Clock
  /** How long to keep retrying while the database is waking up (default 60 s). */
  connectTimeoutMs?: number
  /** How long to wait for another run's advisory lock (default 10 min). */
  lockTimeoutMs?: number
  /** `placeholderPrefix` / `placeholderSuffix` (default `${` `}`) and `placeholderReplacement` (default true). */
  placeholderSyntax?: PlaceholderSyntax
  placeholderReplacement?: boolean
  /** Flyway's `mixed`: allow transactional and non-transactional statements in one migration (default false). */
  mixed?: boolean
  /** Flyway's `validateOnMigrate` (default true). */
  validateOnMigrate?: boolean
  /** Flyway's `connectRetries`: when set, that many retries with back-off instead of the 60 s window. */
  connectRetries?: number
  /** Flyway's `initSql`: run on the connection right after it opens. */
  initSql?: string
  /** Flyway's `createSchemas` (default true). */
  createSchemas?: boolean
  /** Flyway's `defaultSchema`: holds the history table (default: the first of `schemas`). */
  defaultSchema?: string
  /** Flyway's `tablespace` for the history table. */
  tablespace?: string
  /** Flyway's `ignoreMigrationPatterns` (`*:missing`, `versioned:ignored`, …; default `*:future`). */
  ignoreMigrationPatterns?: string[]
  /**
   * Aborted when the job is cancelled: no further migration starts, and the running statement is
   * cancelled on the server (pg_cancel_backend), so a transactional migration rolls back whole.
   */
  signal?: AbortSignal
}

/** Options with Flyway's defaults (the current schema, table flyway_schema_history, baseline 1, …). */
export function engineOptions(
  given: Pick<EngineOptions, 'connection' | 'log'> & Partial<EngineOptions>,
): EngineOptions {
  return {
    schemas: [],
    table: 'flyway_schema_history',
    baselineVersion: { text: '1', parts: [1n] },
    baselineOnMigrate: false,
    outOfOrder: false,
    placeholders: {},
    dryRun: false,
    ...given,
  }
}

/** A migration that failed; carries file and line for the annotation. */
export class MigrationError extends DeployError {
  override name = 'MigrationError'
  readonly file: string
  readonly line: number | undefined
  readonly sqlState: string | undefined
  constructor(
    message: string,
    options: { file: string; line?: number; sqlState?: string; leftState: string; cause?: unknown },
  ) {
    super(message, { leftState: options.leftState, cause: options.cause })
    this.file = options.file
    this.line = options.line
    this.sqlState = options.sqlState
  }
}

export class ValidationError extends DeployError {
  override name = 'ValidationError'
  readonly issues: ValidationIssue[]
  constructor(issues: ValidationIssue[], leftState: string) {
    super(`Validate failed: ${issues.map((i) => i.message).join('; ')}`, { leftState })
    this.issues = issues
  }
}

interface PgError extends Error {
  code?: string
  position?: string
  internalPosition?: string
  where?: string
  detail?: string
  hint?: string
}

/** Errors that mean "the server is not ready yet": refused, reset, starting up, too many clients. */
export function isWakingUp(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  if (code === '57P03' || code === '53300') return true
  if (isTransientNetworkError(error)) return true
  const msg = error instanceof Error ? error.message : ''
  return /Connection terminated unexpectedly|timeout expired|the database system is (starting up|shutting down)/i.test(
    msg,
  )
}

function sslOption(mode: ConnectionSettings['sslmode']): pg.ClientConfig['ssl'] {
  switch (mode) {
    case 'disable':
      return false
    case 'verify-full':
      return { rejectUnauthorized: true }
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined }
    default:
      return { rejectUnauthorized: false }
  }
}

/** Opens a connection, retrying while the database wakes up; `prefer`/`allow` fall back to plain TCP. */
export async function connect(options: EngineOptions): Promise<pg.Client> {
  const c = options.connection
  const clock = options.clock ?? realClock
  // Flyway's connectRetries: that many retries, 1 s doubling up to 2 min; else a 60 s window.
  const retries = options.connectRetries
  const deadline = retries === undefined ? clock.now() + (options.connectTimeoutMs ?? 60_000) : undefined
  // Loaded here, not at import, so that input validation never pays for the driver.
  const { default: driver } = await import('pg')
  // TIMESTAMP without time zone comes back as the text the server wrote, not reinterpreted locally.
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === 1114 ? (v: string) => v : driver.types.getTypeParser(oid, format)) as typeof driver.types.getTypeParser,
  }
  const open = async (ssl: pg.ClientConfig['ssl']) => {
    const client = new driver.Client({
      host: c.host,
      port: c.port,
      database: c.database || undefined,
      user: c.user,
      password: c.password,
      ssl,
      application_name: c.applicationName ?? 'flyway-migrate',
      // pgjdbc's currentSchema sets the session's search_path at connect; the same through libpq options.
      ...(c.currentSchema ? { options: `-c search_path=${c.currentSchema.replace(/[\\ ]/g, '\\$&')}` } : {}),
      connectionTimeoutMillis: 15_000,
      types,
    })
    client.on('error', () => {})
    try {
      await client.connect()
      return client
    } catch (error) {
      await client.end().catch(() => {})
      throw error
    }
  }
  return retry(
    async () => {
      if (c.sslmode === 'prefer' || c.sslmode === 'allow') {
        try {
          return await open(sslOption(c.sslmode))
        } catch (error) {
          if (!/does not support SSL/i.test(String((error as Error)?.message))) throw error
          return open(false)
        }
      }
      return open(sslOption(c.sslmode))
    },
    {
      attempts: retries === undefined ? 1000 : retries + 1,
      baseDelayMs: retries === undefined ? 500 : 1000,
      maxDelayMs: retries === undefined ? 5000 : 120_000,
      ...(deadline === undefined ? {} : { deadline }),
      clock,
      retryable: isWakingUp,
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: ({ error, delayMs }) =>
        options.log.info(
          `database ${c.host}:${c.port} not ready (${(error as Error).message}); retrying in ${formatDuration(delayMs)}`,
        ),
    },
  )
}

interface Session {
  client: pg.Client
  /** current_user at connect: the role every migration starts as and history rows are written by. */
  user: string
  database: string
  serverVersionNum: number
  /** search_path at connect. */
  searchPath: string
  /** current_schema at connect (the first existing schema of the search path), if any. */
  currentSchema: string | undefined
  /** The server process of this session, for pg_cancel_backend. */
  pid: number
}

async function describeSession(client: pg.Client): Promise<Session> {
  const r = await client.query(
    "SELECT current_user AS u, current_database() AS d, current_setting('server_version_num')::int AS v, current_setting('search_path') AS p, current_schema AS s, pg_backend_pid() AS pid",
  )
  const row = r.rows[0] as { u: string; d: string; v: number; p: string; s: string | null; pid: number }
  return {
    client,
    user: row.u,
    database: row.d,
    serverVersionNum: row.v,
    searchPath: row.p,
    currentSchema: row.s ?? undefined,
    pid: row.pid,
  }
}

/**
 * The schema Flyway defaults to when `schemas` is not set (PostgreSQLConnection.doGetCurrentSchema):
 * `current_schema`, else the search path's first entry ("$user" meaning the user), else an error.
 */
export function defaultSchemaOf(session: Pick<Session, 'currentSchema' | 'searchPath' | 'user'>): string {
  if (session.currentSchema) return session.currentSchema
  const first =
    session.searchPath
      .split(',')[0]
      ?.trim()
      .replace(/^"(.*)"$/, '$1') ?? ''
  if (first === '$user') return session.user
  if (first) return first
  throw new DeployError(
    'Unable to determine the current schema as search_path is empty: set currentSchema in the URL or the schemas input',
    { leftState: 'nothing changed' },
  )
}

/** A migration ready to send (Engine.prepare). */
interface Prepared {
  m: ResolvedMigration
  sql: string
  mode: TransactionMode
  /** Transactional: `BEGIN` and the session reset, sent before the script. */
  head?: string
  /** Transactional: the history row and `COMMIT`, sent after it. */
  row?: string
  /** What preparing it threw, for apply to throw when its turn comes. */
  error?: unknown
}

/** A statement with its `$n` parameters written in as literals (for a multi-statement round trip). */
function inlineParams(sql: string, params: unknown[]): string {
  return sql.replace(/\$(\d)/g, (_, i) => literal(params[Number(i) - 1]))
}

/** A migration that can go in a batch: transactional, sent whole, prepared without error. */
function batchable(p: Prepared): boolean {
  return p.mode.transactional && !p.mode.statements && p.error === undefined
}

/** A string literal for SQL sent as text (standard_conforming_strings is on since PostgreSQL 9.1). */
function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

export class Engine {
  readonly options: EngineOptions
  readonly resolved: ResolvedMigration[]
  readonly report: Report
  private session: Session | undefined
  private locked = false
  /** `options.schemas`, or the connection's current schema when none was given. */
  private schemas: string[] = []
  /** The managed schemas that exist, once asked (and after createHistory made the missing ones). */
  private knownSchemas: Set<string> | undefined
  /** The statements that put the session back before each migration (see sessionReset). */
  private reset = ''
  /** Transactional migrations go in batches (batch.ts) unless a batch failed for a reason of its own. */
  private batching = true
  /** What this run's marker notices start with (batch.ts). */
  private readonly markerToken = `flyway-migrate-${randomUUID().slice(0, 8)}`
  private withReplacedChecksums: ResolvedMigration[] | undefined
  /** Each migration's text after placeholder replacement, by file: computed once (preflight, apply). */
  private readonly replaced = new Map<string, string>()
  /** One `${flyway:timestamp}` per run, as ParsingContext.populate fixes it once. */
  private readonly startedAt: Date

  constructor(options: EngineOptions, resolved: ResolvedMigration[], report: Report) {
    this.options = options
    this.resolved = resolved
    this.report = report
    this.startedAt = new Date((options.clock ?? realClock).now())
  }

  private get schema(): string {
    const first = this.schemas[0]
    if (!first) throw new Error('schemas are known only once connected')
    return first
  }

  private get table(): string {
    return qualifiedTable(this.schema, this.options.table)
  }

  private get client(): pg.Client {
    if (!this.session) throw new Error('not connected')
    return this.session.client
  }

  async open(): Promise<void> {
    const client = await connect(this.options)
    if (this.options.initSql) await client.query(this.options.initSql)
    this.session = await describeSession(client)
    const given = this.options.schemas
    const first = this.options.defaultSchema ?? given[0] ?? defaultSchemaOf(this.session)
    this.schemas = [first, ...given.filter((s) => s !== first)]
    this.options.signal?.addEventListener('abort', this.onAbort, { once: true })
    this.report.database = `${this.session.database} on ${this.options.connection.host}:${this.options.connection.port}`
  }

  /** Set while a migration's statements run on the server: what a cancellation must stop. */
  private running: ResolvedMigration | undefined
  private cancelling: Promise<void> | undefined

  private readonly onAbort = () => {
    this.flushLines()
    if (this.running && this.session) this.cancelling = this.cancelRunning(this.session.pid)
  }

  /** A batch's "Migrating …" lines not yet written. */
  private lines: string[] = []
  private linesTimer: NodeJS.Timeout | undefined

  /** A line written with the others of the next 50 ms: one write, not one per migration. */
  private sayLater(line: string): void {
    this.lines.push(line)
    this.linesTimer ??= setTimeout(() => this.flushLines(), 50)
  }

  private flushLines(): void {
    clearTimeout(this.linesTimer)
    this.linesTimer = undefined
    if (this.lines.length > 0) this.options.log.info(this.lines.splice(0).join('\n'))
  }

  /**
   * Cancels the statement running in our session from a second connection, as a JDBC
   * Statement.cancel() does: the server ends it with SQLSTATE 57014, so a transactional migration
   * rolls back whole and a non-transactional one stops after its committed statements.
   */
  private async cancelRunning(pid: number): Promise<void> {
    const what = this.running?.script ?? 'the running statement'
    this.options.log.info(`cancelling ${what} on the server (pg_cancel_backend ${pid})`)
    let other: pg.Client | undefined
    try {
      other = await connect({ ...this.options, connectTimeoutMs: 3000, signal: undefined })
      await other.query('SELECT pg_cancel_backend($1)', [pid])
    } catch (error) {
      this.options.log.warning(`could not cancel ${what}: ${(error as Error).message}`)
    } finally {
      await other?.end().catch(() => {})
    }
  }

  /** Before each migration: a cancelled job starts nothing new. */
  private stopIfCancelled(next: ResolvedMigration, remaining: number): void {
    if (!this.options.signal?.aborted) return
    const done = this.report.applied.length
    throw new DeployError(`cancelled before ${next.script}`, {
      leftState: `${done} migration${done === 1 ? '' : 's'} applied${done ? ` (up to ${this.report.applied[done - 1]!.script})` : ''}; ${next.script}${remaining > 1 ? ` and ${remaining - 1} more` : ''} not applied; a re-run applies ${remaining > 1 ? 'them' : 'it'}`,
    })
  }

  async close(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.onAbort)
    await this.cancelling
    const s = this.session
    this.session = undefined
    if (!s) return
    if (this.locked) {
      await s.client
        .query('SELECT pg_advisory_unlock($1::bigint)', [advisoryLockKey(this.schema, this.options.table)])
        .catch(() => {})
      this.locked = false
    }
    await s.client.end().catch(() => {})
  }

  /**
   * Takes Flyway's session-level advisory lock for the history table, polling with
   * pg_try_advisory_lock as Flyway's PostgreSQLAdvisoryLockTemplate does (a blocking
   * pg_advisory_lock would hold a snapshot that CREATE INDEX CONCURRENTLY in the other run waits on).
   */
  async lock(): Promise<void> {
    const key = advisoryLockKey(this.schema, this.options.table)
    let first = true
    await waitUntil(
      async () => {
        const r = await this.client.query('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key])
        if ((r.rows[0] as { ok: boolean }).ok) return { done: true }
        if (first) this.options.log.info(`another migration holds the lock on ${this.table}; waiting for it to finish`)
        first = false
        return { detail: 'lock held by another session' }
      },
      {
        what: `the advisory lock on ${this.table}`,
        timeoutMs: this.options.lockTimeoutMs ?? 600_000,
        intervalMs: 200,
        ...(this.options.signal ? { signal: this.options.signal } : {}),
        log: (l) => this.options.log.info(l),
        clock: this.options.clock ?? realClock,
      },
    )
    this.locked = true
  }

  private async existingSchemas(): Promise<Set<string>> {
    const r = await this.client.query('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])', [
      this.schemas,
    ])
    this.knownSchemas = new Set(r.rows.map((x: { nspname: string }) => x.nspname))
    return this.knownSchemas
  }

  async historyExists(): Promise<boolean> {
    const r = await this.client.query('SELECT to_regclass($1) IS NOT NULL AS e', [this.table])
    return (r.rows[0] as { e: boolean }).e
  }

  /** The history's rows; `exists` when the caller knows the table is there (one round trip fewer). */
  async readHistory(exists?: boolean): Promise<AppliedRow[]> {
    if (!(exists ?? (await this.historyExists()))) return []
    const r = await this.client.query(selectRowsSql(this.schema, this.options.table))
    return r.rows.map((x) => ({
      installedRank: x.installed_rank,
      version: x.version,
      description: x.description,
      type: x.type,
      script: x.script,
      checksum: x.checksum,
      installedBy: x.installed_by,
      installedOn: x.installed_on,
      executionTime: x.execution_time,
      success: x.success,
    }))
  }

  /**
   * True when any of the existing schemas holds a table, view, sequence, function or type that
   * no extension owns: Flyway's PostgreSQLSchema.doEmpty, which skips objects with a `pg_depend`
   * row of deptype 'e' (uuid-ossp's functions do not make `public` non-empty).
   */
  private async schemasHaveObjects(schemas: string[]): Promise<boolean> {
    if (schemas.length === 0) return false
    const ownObjects = (catalog: string, alias: string, nsColumn: string, extra: string) =>
      `SELECT ${alias}.oid FROM pg_catalog.${catalog} ${alias} JOIN pg_catalog.pg_namespace n ON n.oid = ${alias}.${nsColumn}
         LEFT JOIN pg_catalog.pg_depend d ON d.objid = ${alias}.oid AND d.deptype = 'e'
         WHERE n.nspname = ANY($1::text[]) AND d.objid IS NULL${extra}`
    const r = await this.client.query(
      `SELECT EXISTS (${ownObjects('pg_class', 'c', 'relnamespace', " AND c.relkind IN ('r','p','v','m','S','f','t')")}
         UNION ALL ${ownObjects('pg_type', 't', 'typnamespace', " AND t.typcategory NOT IN ('A','C')")}
         UNION ALL ${ownObjects('pg_proc', 'p', 'pronamespace', '')}) AS busy`,
      [schemas],
    )
    return (r.rows[0] as { busy: boolean }).busy
  }

  plan(rows: AppliedRow[]): Plan {
    const o = this.options
    return buildPlan(this.effective(), rows, {
      outOfOrder: o.outOfOrder,
      ...(o.target ? { target: o.target } : {}),
      ...(o.ignoreMigrationPatterns ? { ignoreMigrationPatterns: o.ignoreMigrationPatterns } : {}),
    })
  }

  private rowParams(values: {
    version: string | null
    description: string
    type: string
    script: string
    checksum: number | null
    ms: number
    success: boolean
  }) {
    const s = this.session!
    return [
      values.version,
      abbreviateDescription(values.description),
      values.type,
      abbreviateScript(values.script),
      values.checksum,
      s.user,
      values.ms,
      values.success,
    ]
  }

  /**
   * Creates the missing schemas and the history table (with the schema-creation marker when it
   * created schemas, and a baseline row when asked), in one transaction.
   */
  private async createHistory(baseline: boolean, existing?: Set<string>): Promise<void> {
    const known = existing ?? (await this.existingSchemas())
    const missing = this.schemas.filter((s) => !known.has(s))
    if (missing.length > 0 && this.options.createSchemas === false) {
      throw new DeployError(
        `Schema ${missing.map(quoteIdent).join(', ')} does not exist and createSchemas is false: create it first, or allow Flyway to create it`,
        { leftState: 'nothing changed' },
      )
    }
    const o = this.options
    const statements = [
      ...missing.map((s) => `CREATE SCHEMA ${quoteIdent(s)}`),
      createTableSql(this.schema, o.table, o.tablespace).replace(/;\s*$/, ''),
    ]
    if (missing.length > 0) {
      const marker = this.rowParams({
        version: null,
        description: SCHEMA_CREATION_DESCRIPTION,
        type: 'SCHEMA',
        script: missing.map(quoteIdent).join(','),
        checksum: null,
        ms: 0,
        success: true,
      })
      statements.push(inlineParams(insertRowSql(this.schema, o.table, 0), marker))
    }
    if (baseline) statements.push(inlineParams(insertRowSql(this.schema, o.table, 1), this.baselineParams()))
    // One round trip: the schemas, the table and its first rows in one transaction.
    const c = this.client
    try {
      await c.query(`BEGIN;\n${statements.join(';\n')};\nCOMMIT`)
    } catch (error) {
      await c.query('ROLLBACK').catch(() => {})
      throw error
    }
    this.knownSchemas = new Set([...known, ...missing])
    if (missing.length > 0)
      this.report.actions.push(`created schema${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`)
    if (baseline) this.report.actions.push(`baselined ${this.table} at version ${o.baselineVersion.text}`)
    this.report.actions.push(`created schema history table ${this.table}`)
  }

  private baselineParams(): unknown[] {
    const o = this.options
    const description = o.baselineDescription ?? BASELINE_DESCRIPTION
    return this.rowParams({
      version: o.baselineVersion.text,
      description,
      type: 'BASELINE',
      script: description,
      checksum: null,
      ms: 0,
      success: true,
    })
  }

  private async insertBaseline(rank?: number): Promise<void> {
    const o = this.options
    await this.client.query(insertRowSql(this.schema, o.table, rank), this.baselineParams())
    this.report.actions.push(`baselined ${this.table} at version ${o.baselineVersion.text}`)
  }

  /**
   * What runs before every migration, as DbMigrate.doMigrateGroup does: restoreOriginalState
   * (PostgreSQLConnection: `SET ROLE` back to the role of the connection, so a migration's
   * `SET ROLE` neither leaks into the next one nor writes the history row), then
   * changeCurrentSchemaTo(defaultSchema): the default schema first on the original search path,
   * so a pg_dump'ed V1's `set_config('search_path', '', false)` or a migration's `SET search_path`
   * does not move the next migration's tables. Sent in the same round trip as the migration.
   */
  private async sessionReset(): Promise<string> {
    const s = this.session!
    const quoted = quoteIdent(this.schema)
    const original = s.searchPath.trim()
    const first = original.split(',')[0]?.trim()
    let path = original
    if ((first !== this.schema && first !== quoted) || !original) {
      // A schema that does not exist is not put on the path (Flyway: `!schema.exists()`).
      const existing = this.knownSchemas ?? (await this.existingSchemas())
      if (existing.has(this.schema)) path = original ? `${quoted}, ${original}` : quoted
    }
    // SET statements, not SELECT set_config(): no plan and no row to send back, before every migration.
    const names = searchPathNames(path)
    const setPath =
      names && names.length > 0
        ? `SET search_path = ${names.map(quoteIdent).join(', ')};`
        : `SELECT set_config('search_path', ${sqlString(path)}, false);`
    return `SET ROLE ${sqlString(s.user)}; ${setPath}`
  }

  private setInfo(which: 'infoBefore' | 'infoAfter', plan: Plan): void {
    this.report[which] = plan.info
    if (which === 'infoBefore') this.report.schemaVersionBefore = plan.currentVersion
    this.report.schemaVersion = plan.currentVersion
    this.report.pending = plan.pending.map((m) => ({
      version: m.version?.text ?? '',
      description: m.description,
      script: m.script,
      file: m.file,
    }))
  }

  async info(): Promise<Plan> {
    const plan = this.plan(await this.readHistory())
    this.setInfo('infoBefore', plan)
    return plan
  }

  /**
   * What Flyway finds while it parses the pending migrations, before any is applied: a
   * placeholder without a value, and (without `mixed`) a migration mixing transactional and
   * non-transactional statements. So `validate` reports them, and `migrate` fails before it starts.
   */
  private preflight(pending: ResolvedMigration[]): ValidationIssue[] {
    const issues: ValidationIssue[] = []
    for (const m of pending) {
      let sql: string
      try {
        sql = this.sqlOf(m)
      } catch (error) {
        issues.push({ message: (error as Error).message, file: m.file })
        continue
      }
      // Parser.parse: a string, dollar quote or comment that never ends.
      const incomplete = mayBeIncomplete(sql) ? splitStatements(sql).find((st) => st.incomplete) : undefined
      if (incomplete) {
        const text = incomplete.text.trim()
        issues.push({
          message: `${m.script}: Incomplete statement at line ${incomplete.line}: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`,
          file: m.file,
        })
        continue
      }
      if (this.options.mixed) continue
      const mixed = mixedProblem(sql, this.session!.serverVersionNum)
      if (mixed) issues.push({ message: `${m.script}: ${mixed.message}; set mixed: true to allow it`, file: m.file })
    }
    return issues
  }

  async validate(): Promise<void> {
    const plan = await this.info()
    // Flyway's validate: pending and outdated migrations too (unless *:pending), and what parsing them finds.
    plan.errors.push(...plan.pendingIssues, ...this.preflight(plan.pending))
    this.report.errors = plan.errors
    if (plan.errors.length > 0) throw new ValidationError(plan.errors, 'nothing changed')
  }

  async migrate(): Promise<void> {
    const o = this.options
    if (!o.dryRun) await this.lock()
    const exists = await this.historyExists()
    let rows = exists ? await this.readHistory(true) : []
    this.setInfo('infoBefore', this.plan(rows))
    let creating: Promise<void> | undefined
    if (!exists) {
      const existing = await this.existingSchemas()
      const present = [...existing]
      const busy = await this.schemasHaveObjects(present)
      if (busy && !o.baselineOnMigrate) {
        throw new DeployError(
          `Found non-empty schema(s) ${present.map(quoteIdent).join(', ')} but no schema history table ${this.table}: run the baseline command, or set baseline-on-migrate: true`,
          { leftState: 'nothing changed' },
        )
      }
      if (o.dryRun) {
        this.report.actions.push(
          `would create schema history table ${this.table}${busy ? ` baselined at ${o.baselineVersion.text}` : ''}`,
        )
        if (busy) rows = [syntheticBaseline(o.baselineVersion.text, o.baselineDescription)]
      } else {
        creating = this.createHistory(busy, existing)
        // A new table holds only what createHistory writes: a baseline, a marker for the schemas
        // it creates. Without either it stays empty, and the plan below (and the parsing of every
        // pending migration) is worked out while the server creates it.
        if (busy || this.schemas.some((schema) => !existing.has(schema))) {
          await creating
          rows = await this.readHistory(true)
        } else creating.catch(() => {}) // awaited below, before anything else is sent
      }
    }
    const plan = this.plan(rows)
    if (o.validateOnMigrate === false) plan.errors = []
    plan.errors.push(...this.preflight(plan.pending))
    await creating
    this.reset = await this.sessionReset()
    this.report.errors = plan.errors
    if (plan.errors.length > 0) throw new ValidationError(plan.errors, 'nothing applied')
    if (o.dryRun) {
      this.setInfo('infoAfter', plan)
      this.report.infoAfter = []
      return
    }
    try {
      await this.applyPending(plan.pending, Math.max(0, ...rows.map((r) => Number(r.installedRank))))
    } finally {
      // Even after a failure: what the history now says (best effort, never masking the failure).
      const after = await this.readHistory(true).catch(() => undefined)
      if (after) this.setInfo('infoAfter', this.plan(after))
    }
  }

  /**
   * The migrations with the checksums Flyway compares: a repeatable's over its text after
   * placeholder replacement (so a changed placeholder value, or `${flyway:timestamp}`, re-applies
   * it), the file's own kept as the equivalent checksum. An unknown placeholder in a repeatable
   * fails here, before anything is applied, as in Flyway's resolver.
   */
  private effective(): ResolvedMigration[] {
    this.withReplacedChecksums ??= this.resolved.map((m) =>
      m.kind === 'repeatable' && this.options.placeholderReplacement !== false
        ? { ...m, checksum: flywayChecksum(this.sqlOf(m)), equivalentChecksum: m.checksum }
        : m,
    )
    return this.withReplacedChecksums
  }

  private sqlOf(m: ResolvedMigration): string {
    if (this.options.placeholderReplacement === false) return m.sql
    const known = this.replaced.get(m.file)
    if (known !== undefined) return known
    const sql = m.sql.includes(this.options.placeholderSyntax?.prefix ?? '${') ? this.replacePlaceholders(m) : m.sql
    this.replaced.set(m.file, sql)
    return sql
  }

  private replacePlaceholders(m: ResolvedMigration): string {
    const s = this.session!
    const name = m.script.slice(m.script.lastIndexOf('/') + 1)
    const values = {
      ...builtinPlaceholders(
        {
          defaultSchema: this.schema,
          user: s.user,
          database: s.database,
          table: this.options.table,
          now: this.startedAt,
        },
        name,
      ),
      ...this.options.placeholders,
    }
    return replacePlaceholders(m.sql, values, m.file, this.options.placeholderSyntax)
  }

  private label(m: ResolvedMigration): string {
    return m.version ? `version ${m.version.text} - ${m.description}` : `repeatable "${m.description}"`
  }

  private leftState(m: ResolvedMigration, partial: boolean): string {
    const done = this.report.applied.length
    const before =
      done === 0
        ? 'no migration applied before it'
        : `${done} migration${done > 1 ? 's' : ''} applied before it (up to ${this.report.applied[done - 1]!.script})`
    if (partial)
      return `${m.script} ran outside a transaction and stopped midway: its earlier statements are committed and a failed row is recorded; fix the database, then run repair; ${before}`
    const rerun = this.options.signal?.aborted ? '; a re-run applies it and the ones after it' : ''
    return `${m.script} rolled back whole, history unchanged for it; ${before}${rerun}`
  }

  /** The history row parameters of a SQL migration run. */
  private migrationRow(m: ResolvedMigration, ms: number, success: boolean): unknown[] {
    const values = {
      version: m.version?.text ?? null,
      description: m.description,
      type: 'SQL',
      script: m.script,
      checksum: m.checksum,
    }
    return this.rowParams({ ...values, ms, success })
  }

  /**
   * The pending migrations in order: runs of transactional ones in batches (batch.ts), the others
   * one at a time. A cancelled job starts no further round trip.
   */
  private async applyPending(pending: ResolvedMigration[], base: number): Promise<void> {
    // Flyway gives each row MAX(installed_rank) + 1 (JdbcTableSchemaHistory.calculateInstalledRank).
    // Under the lock only this run writes the history, one row per pending migration in order (a
    // failure ends the run), so the k-th pending migration's row is `base` (the last rank of the
    // history read under the lock) + 1 + k: written as a literal, the server plans no MAX subquery
    // per migration (~50 µs each). A row written meanwhile by anything else collides on the
    // primary key and fails its migration whole.
    const ready = new Map<number, Prepared>()
    const prepared = (k: number) => {
      const known = ready.get(k)
      if (known) return known
      const p = this.prepare(pending[k]!, base + 1 + k)
      ready.set(k, p)
      return p
    }
    // The members of the round trip starting at `from` (batch.ts), their texts prepared on the way.
    const batchFrom = (from: number): Prepared[] => {
      const batch = [prepared(from)]
      let chars = batch[0]!.sql.length
      while (this.batching && batchable(batch[0]!) && from + batch.length < pending.length) {
        const p = prepared(from + batch.length)
        chars += p.sql.length
        if (!batchable(p) || batch.length >= BATCH_MAX_MIGRATIONS || chars > BATCH_MAX_CHARS) break
        batch.push(p)
      }
      return batch
    }
    let i = 0
    while (i < pending.length) {
      this.stopIfCancelled(pending[i]!, pending.length - i)
      const batch = batchFrom(i)
      const next = i + batch.length
      const applying = batch.length > 1 ? this.applyBatch(batch, pending.length - i) : this.applyOne(batch[0]!)
      // The next round trip's texts are made ready while the server runs this one, so the server
      // waits only for the network between two round trips, not for placeholder replacement and parsing.
      if (next < pending.length) batchFrom(next)
      await applying
      for (let k = i; k < next; k++) ready.delete(k)
      i = next
    }
  }

  private async applyOne(p: Prepared): Promise<void> {
    this.running = p.m
    try {
      await this.apply(p)
    } finally {
      this.running = undefined
    }
  }

  /**
   * Transactional migrations in one round trip (batch.ts). Each member's marker notice says it has
   * started, so every member before it has committed: it is logged and recorded then. A failure
   * is the failure of the member that had started. When none had (a statement that does not parse
   * anywhere stops the whole query before it runs, or the marker could not run), nothing was
   * applied, and the members go one at a time, which meets the failure exactly where it is.
   */
  private async applyBatch(batch: Prepared[], remaining: number): Promise<void> {
    const clock = this.options.clock ?? realClock
    const c = this.client
    const { text, sqlStarts } = batchText(batch as Array<Prepared & BatchMember>, this.markerToken)
    let started = -1
    let startedAt = clock.now()
    const begin = (k: number) => {
      while (started < k) {
        const now = clock.now()
        if (started >= 0) this.record(batch[started]!.m, now - startedAt, true)
        started++
        startedAt = now
        const m = batch[started]!.m
        this.running = m
        this.sayLater(`Migrating ${this.label(m)}`)
      }
    }
    const onNotice = (notice: { message?: string }) => {
      const k = markerIndex(notice.message, this.markerToken)
      if (k !== undefined && k < batch.length) begin(k)
    }
    c.on('notice', onNotice)
    this.running = batch[0]!.m
    try {
      await c.query(text)
      begin(batch.length - 1)
      this.record(batch[started]!.m, clock.now() - startedAt, true)
    } catch (error) {
      await c.query('ROLLBACK').catch(() => {})
      // The history's last row says which members committed (the markers say which had started):
      // a member that committed, then the next one failed before its marker (its session reset,
      // after a migration changed the session authorization), is recorded, and no committed
      // member is ever sent again.
      const committed = await this.committedThrough(batch)
      if (started < 0 && committed < 0) {
        c.off('notice', onNotice)
        this.running = undefined
        this.flushLines()
        return this.applyOneByOne(batch, remaining, error)
      }
      if (committed >= started) begin(Math.min(committed + 1, batch.length - 1))
      const { m, sql } = batch[started]!
      const where = await this.locate(error as PgError, sql, text, sqlStarts[started]!, batch[started]!.head!)
      throw this.failure(m, error as PgError, where, false)
    } finally {
      c.off('notice', onNotice)
      this.running = undefined
      this.flushLines()
    }
  }

  /** The last member of the batch the history's last row is (-1 for none, or when it cannot tell). */
  private async committedThrough(batch: Prepared[]): Promise<number> {
    try {
      const r = await this.client.query(
        `SELECT "version", "script", "checksum" FROM ${this.table} ORDER BY "installed_rank" DESC LIMIT 1`,
      )
      const last = r.rows[0] as { version: string | null; script: string; checksum: number | null } | undefined
      if (!last) return -1
      return batch.findIndex(
        ({ m }) =>
          last.version === (m.version?.text ?? null) &&
          last.script === abbreviateScript(m.script) &&
          last.checksum === m.checksum,
      )
    } catch {
      return -1
    }
  }

  /** After a batch in which nothing ran: its members one at a time; batches stop if they all succeed. */
  private async applyOneByOne(batch: Prepared[], remaining: number, error: unknown): Promise<void> {
    for (const [k, p] of batch.entries()) {
      this.stopIfCancelled(p.m, remaining - k)
      await this.applyOne(p)
    }
    // Every member ran on its own, so the batch failed for a reason of its own (the marker).
    this.batching = false
    this.options.log.debug(`migrations go one at a time from now on (a batch failed: ${(error as Error).message})`)
  }

  /**
   * A migration as apply sends it: its text after placeholders, how it runs and, for a
   * transactional one, the round trip around it. Worked out ahead, while the one before it runs; a
   * failure here (a placeholder without a value) is kept for apply to throw in its turn.
   */
  private prepare(m: ResolvedMigration, rank: number): Prepared {
    try {
      const sql = this.sqlOf(m)
      const mode = transactionMode(sql, this.session!.serverVersionNum)
      if (!mode.transactional) return { m, sql, mode }
      // execution_time is measured by the server (clock_timestamp() - transaction start); values
      // are inlined because a multi-statement query takes no parameters.
      const params = this.migrationRow(m, 0, true)
      params[6] = { sql: '(EXTRACT(EPOCH FROM clock_timestamp() - now()) * 1000)::int' }
      const insert = insertRowSql(this.schema, this.options.table, rank)
      // The session is reset first (sessionReset) and the row is written as the original role.
      const row = `${this.resetRole()} ${inlineParams(insert, params)};\nCOMMIT`
      return { m, sql, mode, head: `BEGIN; ${this.reset}\n`, row }
    } catch (error) {
      return { m, sql: '', mode: { transactional: true }, error }
    }
  }

  private async apply(prepared: Prepared): Promise<void> {
    const { m, sql, mode, head, row } = prepared
    if (prepared.error) throw prepared.error
    const clock = this.options.clock ?? realClock
    const c = this.client
    const insert = insertRowSql(this.schema, this.options.table)
    this.options.log.info(`Migrating ${this.label(m)}${mode.transactional ? '' : ' [non-transactional]'}`)
    const started = clock.now()
    if (mode.transactional) {
      // One round trip: BEGIN, the reset, the whole script as one simple query, the history row and COMMIT.
      if (mode.statements) return this.applyByStatement(m, sql, mode.statements, head!, row!)
      try {
        await c.query(`${head}${sql}\n;${row}`)
        this.record(m, clock.now() - started, true)
      } catch (error) {
        await c.query('ROLLBACK').catch(() => {})
        const where = await this.locate(error as PgError, sql, `${head}${sql}`, head!.length, head!)
        throw this.failure(m, error as PgError, where, false)
      }
      return
    }
    await c.query(this.reset)
    for (const st of mode.statements) {
      try {
        await this.execute(st)
      } catch (error) {
        // As Flyway does outside a transaction: the failure is recorded (success = false).
        await c.query(this.resetRole()).catch(() => {})
        await c.query(insert, this.migrationRow(m, clock.now() - started, false)).catch(() => {})
        const line = positionLine(error as PgError, sql, st) ?? st.line
        throw this.failure(m, error as PgError, line, true)
      }
    }
    const ms = clock.now() - started
    await c.query(this.resetRole())
    await c.query(insert, this.migrationRow(m, ms, true))
    this.record(m, ms, false)
  }

  /** One statement; a `COPY … FROM STDIN` is sent with its data. */
  private async execute(st: Statement): Promise<void> {
    if (st.copyData === undefined) await this.client.query(st.text)
    else await copyFromStdin(this.client, st.text, st.copyData)
  }

  /** A transactional migration that cannot go whole (it copies data): statement by statement in one transaction. */
  private async applyByStatement(
    m: ResolvedMigration,
    sql: string,
    statements: Statement[],
    head: string,
    row: string,
  ): Promise<void> {
    const clock = this.options.clock ?? realClock
    const started = clock.now()
    const c = this.client
    let current: Statement | undefined
    try {
      await c.query(head)
      for (const st of statements) {
        current = st
        await this.execute(st)
      }
      current = undefined
      await c.query(row)
      this.record(m, clock.now() - started, true)
    } catch (error) {
      await c.query('ROLLBACK').catch(() => {})
      const line = current ? (positionLine(error as PgError, sql, current) ?? current.line) : undefined
      throw this.failure(m, error as PgError, line, false)
    }
  }

  /** Back to the connection's role (history rows are written by it, as Flyway's own connection does). */
  private resetRole(): string {
    return `SET ROLE ${sqlString(this.session!.user)};`
  }

  private record(m: ResolvedMigration, ms: number, transactional: boolean): void {
    this.report.applied.push({
      version: m.version?.text ?? '',
      description: m.description,
      script: m.script,
      file: m.file,
      executionTimeMs: ms,
      transactional,
    })
  }

  /**
   * The file line of a failure in a script sent whole: from the server's `position` when it gave
   * one; otherwise by replaying the statements one at a time inside a transaction that is rolled
   * back, to find the one that fails (skipped for lock, timeout and resource errors).
   */
  private async locate(
    error: PgError,
    sql: string,
    sent: string,
    sqlStart: number,
    head: string,
  ): Promise<number | undefined> {
    const pos = Number(error.position)
    if (pos > 0) {
      const offset = offsetOfPosition(sent, pos) - sqlStart
      if (offset >= 0 && offset <= sql.length) return lineAt(sql, offset)
    }
    if (!error.code || /^(40|53|55|57|08)/.test(error.code)) return undefined
    const c = this.client
    let line: number | undefined
    try {
      await c.query(head)
      for (const st of splitStatements(sql)) {
        try {
          await c.query(st.text)
        } catch (e) {
          line = positionLine(e as PgError, sql, st) ?? st.line
          break
        }
      }
    } catch {
    } finally {
      await c.query('ROLLBACK').catch(() => {})
    }
    return line
  }

  private failure(m: ResolvedMigration, error: PgError, line: number | undefined, partial: boolean): MigrationError {
    const detail = [
      error.detail && `detail: ${error.detail}`,
      error.hint && `hint: ${error.hint}`,
      error.where && `where: ${error.where}`,
    ]
      .filter(Boolean)
      .join('; ')
    const message = `Migration ${m.script} failed${line ? ` at line ${line}` : ''}: ${error.message}${error.code ? ` (SQL state ${error.code})` : ''}${detail ? ` (${detail})` : ''}`
    this.report.failure = {
      file: m.file,
      message: error.message,
      ...(line ? { line } : {}),
      ...(error.code ? { sqlState: error.code } : {}),
    }
    return new MigrationError(message, {
      file: m.file,
      ...(line ? { line } : {}),
      ...(error.code ? { sqlState: error.code } : {}),
      leftState: this.leftState(m, partial),
      cause: error,
    })
  }

  async baseline(): Promise<void> {
    const o = this.options
    if (!o.dryRun) await this.lock()
    const exists = await this.historyExists()
    const rows = exists ? await this.readHistory() : []
    this.setInfo('infoBefore', this.plan(rows))
    const existing = rows.find((r) => r.type === 'BASELINE' || r.type === 'INIT')
    if (existing) {
      if (existing.version === o.baselineVersion.text) {
        this.report.actions.push(`already baselined at version ${existing.version}: nothing to do`)
        this.setInfo('infoAfter', this.plan(rows))
        return
      }
      throw new DeployError(
        `${this.table} is already baselined at version ${existing.version}, not ${o.baselineVersion.text}`,
        { leftState: 'nothing changed' },
      )
    }
    if (rows.some((r) => r.type !== 'SCHEMA')) {
      throw new DeployError(`Unable to baseline ${this.table}: it already contains migrations`, {
        leftState: 'nothing changed',
      })
    }
    if (o.dryRun) {
      this.report.actions.push(`would baseline ${this.table} at version ${o.baselineVersion.text}`)
      return
    }
    if (!exists) await this.createHistory(true)
    else await this.insertBaseline()
    this.setInfo('infoAfter', this.plan(await this.readHistory()))
  }

  async repair(): Promise<void> {
    const o = this.options
    if (!o.dryRun) await this.lock()
    if (!(await this.historyExists())) {
      this.report.actions.push(`no schema history table ${this.table}: nothing to repair`)
      return
    }
    const rows = await this.readHistory()
    const plan = this.plan(rows)
    this.setInfo('infoBefore', plan)
    const failed = rows.filter((r) => !r.success)
    const missing = plan.missing.filter((r) => r.success)
    const verb = o.dryRun ? 'would ' : ''
    for (const r of failed)
      this.report.actions.push(`${verb}remove failed row ${r.version ?? r.description} (${r.script})`)
    for (const { row, resolved } of plan.mismatched) {
      this.report.actions.push(
        `${verb}realign ${row.version} (${resolved.script}): checksum ${row.checksum} → ${resolved.checksum}${row.description !== resolved.description ? `, description "${resolved.description}"` : ''}`,
      )
    }
    for (const r of missing)
      this.report.actions.push(`${verb}mark missing ${r.version ?? r.description} (${r.script}) as deleted`)
    if (this.report.actions.length === 0) this.report.actions.push('schema history is consistent: nothing to repair')
    if (o.dryRun) return
    const c = this.client
    await c.query('BEGIN')
    try {
      if (failed.length > 0) await c.query(`DELETE FROM ${this.table} WHERE "success" = FALSE`)
      for (const { row, resolved } of plan.mismatched) {
        await c.query(
          `UPDATE ${this.table} SET "description" = $1, "type" = 'SQL', "checksum" = $2 WHERE "version" = $3 AND "success"`,
          [resolved.description, resolved.checksum, row.version],
        )
      }
      for (const r of missing) {
        await c.query(
          insertRowSql(this.schema, o.table),
          this.rowParams({
            version: r.version,
            description: r.description,
            type: 'DELETE',
            script: r.script,
            checksum: r.checksum,
            ms: 0,
            success: true,
          }),
        )
      }
      await c.query('COMMIT')
    } catch (error) {
      await c.query('ROLLBACK').catch(() => {})
      throw error
    }
    this.setInfo('infoAfter', this.plan(await this.readHistory()))
  }
}

/**
 * A value inlined in SQL text. Strings read the same whatever standard_conforming_strings says, as
 * libpq's PQescapeLiteral writes them: quotes doubled, and with a backslash, an E'' string with
 * backslashes doubled too.
 */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'object' && 'sql' in v) return String(v.sql)
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  const text = String(v).replace(/'/g, "''")
  return text.includes('\\') ? ` E'${text.replace(/\\/g, '\\\\')}'` : `'${text}'`
}

function positionLine(error: PgError, script: string, st: Statement): number | undefined {
  const pos = Number(error.position)
  if (!(pos > 0)) return undefined
  return lineAt(script, st.start + offsetOfPosition(st.text, pos))
}

function syntheticBaseline(version: string, description = BASELINE_DESCRIPTION): AppliedRow {
  return {
    installedRank: 1,
    version,
    description,
    type: 'BASELINE',
    script: description,
    checksum: null,
    installedBy: '',
    installedOn: null,
    executionTime: 0,
    success: true,
  }
}

/** Runs one command end to end: connect, run, close. The report is filled in even on failure. */
export async function runCommand(
  command: Command,
  options: EngineOptions,
  resolved: ResolvedMigration[],
  report: Report,
): Promise<void> {
  const engine = new Engine(options, resolved, report)
  await engine.open()
  try {
    await engine[command]()
  } finally {
    await engine.close()
  }
}
