// The I/O edge: scan the locations, then run the command against the database. Everything the run
// learns goes into `report`, which the caller turns into outputs and a summary even on failure.
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  engineOptions,
  MigrationError,
  type Report,
  readLocations,
  resolveMigrations,
  runCommand,
  ScanError,
  stateCounts,
  ValidationError,
} from '@deploy-actions/flyway'
import { type Clock, ConfigurationError, DeployError, type Logger } from '@deploy-actions/kit'
import type { Inputs } from './inputs.ts'

export interface Deps {
  log: Logger
  clock?: Clock
  cwd?: string
  connectTimeoutMs?: number
  lockTimeoutMs?: number
}

export async function run(inputs: Inputs, deps: Deps, report: Report): Promise<void> {
  const { log } = deps
  let files: ReturnType<typeof readLocations>
  try {
    files = readLocations(inputs.locations, deps.cwd)
  } catch (error) {
    if (error instanceof ScanError)
      throw new ConfigurationError('locations', `existing folders of migrations (${error.message})`)
    throw error
  }
  let scan: ReturnType<typeof resolveMigrations>
  try {
    scan = resolveMigrations(files)
  } catch (error) {
    throw new DeployError((error as Error).message, { leftState: 'nothing changed (not connected)' })
  }
  report.notes.push(...scan.notes)
  for (const note of scan.notes) log.info(note)
  log.info(`found ${scan.migrations.length} migration(s) in ${inputs.locations.join(', ')}`)

  try {
    await log.group(`flyway ${inputs.command}${inputs.dryRun ? ' (dry run)' : ''} on ${inputs.displayUrl}`, () =>
      runCommand(
        inputs.command,
        engineOptions({
          connection: inputs.connection,
          schemas: inputs.schemas,
          table: inputs.table,
          ...(inputs.target ? { target: inputs.target } : {}),
          baselineVersion: inputs.baselineVersion,
          baselineOnMigrate: inputs.baselineOnMigrate,
          outOfOrder: inputs.outOfOrder,
          placeholders: inputs.placeholders,
          dryRun: inputs.dryRun,
          log,
          ...(deps.clock ? { clock: deps.clock } : {}),
          ...(deps.connectTimeoutMs !== undefined ? { connectTimeoutMs: deps.connectTimeoutMs } : {}),
          ...(deps.lockTimeoutMs !== undefined ? { lockTimeoutMs: deps.lockTimeoutMs } : {}),
        }),
        scan.migrations,
        report,
      ),
    )
  } catch (error) {
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
    throw error
  } finally {
    for (const a of report.actions) log.info(a)
    const before = stateCounts(report.infoBefore)
    log.info(
      `schema version ${report.schemaVersionBefore ?? 'empty'} → ${report.schemaVersion ?? 'empty'}; before: ${before}; applied ${report.applied.length}; pending ${report.pending.length}`,
    )
  }
}

/** Writes the JSON report next to the runner's temp files; returns its path. */
export function writeReport(report: Report, env: NodeJS.ProcessEnv = process.env): string {
  const path = join(env.RUNNER_TEMP || tmpdir(), `flyway-migrate-report-${process.pid}-${Date.now()}.json`)
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`)
  return path
}

export function outputsOf(report: Report, reportPath: string): Record<string, string | number> {
  return {
    applied: report.applied.length,
    pending: report.pending.length,
    'schema-version': report.schemaVersion ?? '',
    report: reportPath,
  }
}
