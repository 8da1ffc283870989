// flyway-migrate's orchestration: read the migrations, then run the command against the database.
// Everything the run learns goes into `report`, which index.ts turns into outputs and a summary
// even on failure.
import { engineOptions, MigrationError, resolveMigrations, stateCounts, ValidationError } from '@deploy-actions/flyway'
import { type Clock, DeployError, type Logger } from '@deploy-actions/kit'
import type { Inputs } from './inputs.ts'
import type { FlywayPorts } from './ports.ts'
import type { MigrateReport } from './report.ts'

export interface Deps extends FlywayPorts {
  log: Logger
  clock?: Clock
  connectTimeoutMs?: number
  lockTimeoutMs?: number
  /** The job's cancellation: no new migration starts and the running statement is cancelled. */
  signal?: AbortSignal
}

export async function run(inputs: Inputs, deps: Deps, report: MigrateReport): Promise<void> {
  const { log } = deps
  const files = deps.readMigrations(inputs.locations)
  let scan: ReturnType<typeof resolveMigrations>
  try {
    scan = resolveMigrations(files, { encoding: inputs.encoding, naming: inputs.naming })
  } catch (error) {
    throw new DeployError((error as Error).message, { leftState: 'nothing changed (not connected)' })
  }
  if (inputs.configFiles.length > 0) log.info(`Flyway configuration read from ${inputs.configFiles.join(', ')}`)
  report.notes.push(...scan.notes)
  for (const note of scan.notes) log.info(note)
  log.info(`found ${scan.migrations.length} migration(s) in ${inputs.locations.join(', ')}`)

  const options = engineOptions({
    connection: inputs.connection,
    schemas: inputs.schemas,
    table: inputs.table,
    ...(inputs.target ? { target: inputs.target } : {}),
    baselineVersion: inputs.baselineVersion,
    baselineOnMigrate: inputs.baselineOnMigrate,
    outOfOrder: inputs.outOfOrder,
    placeholders: inputs.placeholders,
    placeholderSyntax: inputs.placeholderSyntax,
    placeholderReplacement: inputs.placeholderReplacement,
    ignoreMigrationPatterns: inputs.ignoreMigrationPatterns,
    mixed: inputs.mixed,
    validateOnMigrate: inputs.validateOnMigrate,
    createSchemas: inputs.createSchemas,
    ...(inputs.defaultSchema ? { defaultSchema: inputs.defaultSchema } : {}),
    ...(inputs.tablespace ? { tablespace: inputs.tablespace } : {}),
    ...(inputs.baselineDescription ? { baselineDescription: inputs.baselineDescription } : {}),
    ...(inputs.connectRetries !== undefined ? { connectRetries: inputs.connectRetries } : {}),
    ...(inputs.initSql ? { initSql: inputs.initSql } : {}),
    dryRun: inputs.dryRun,
    log,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.connectTimeoutMs !== undefined ? { connectTimeoutMs: deps.connectTimeoutMs } : {}),
    ...(deps.lockTimeoutMs !== undefined ? { lockTimeoutMs: deps.lockTimeoutMs } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  })
  try {
    await log.group(`flyway ${inputs.command}${inputs.dryRun ? ' (dry run)' : ''} on ${inputs.displayUrl}`, () =>
      deps.runCommand(inputs.command, options, scan.migrations, report),
    )
    report.outcome = 'succeeded'
  } catch (error) {
    if (deps.signal?.aborted) report.outcome = 'cancelled'
    if (error instanceof DeployError && error.leftState) report.left = error.leftState
    annotate(log, error)
    throw error
  } finally {
    for (const a of report.actions) log.info(a)
    const before = stateCounts(report.infoBefore)
    log.info(
      `schema version ${report.schemaVersionBefore ?? 'empty'} → ${report.schemaVersion ?? 'empty'}; before: ${before}; applied ${report.applied.length}; pending ${report.pending.length}`,
    )
  }
}

/** A failed migration or validation as annotations on the files concerned. */
function annotate(log: Logger, error: unknown): void {
  if (error instanceof MigrationError) {
    log.error(error.message, {
      file: error.file,
      ...(error.line ? { startLine: error.line } : {}),
      title: 'Migration failed',
    })
  } else if (error instanceof ValidationError) {
    for (const issue of error.issues)
      log.error(issue.message, { ...(issue.file ? { file: issue.file } : {}), title: 'Flyway validation' })
  }
}
