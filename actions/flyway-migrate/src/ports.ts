// What flyway-migrate reads and writes outside itself: the migration files, the database (the
// engine of @deploy-actions/flyway over `pg`, loaded only when a command runs) and the JSON report
// file. Scan failures become ConfigurationErrors naming the input, so main.ts only orchestrates.
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type Command,
  type EngineOptions,
  type Report,
  type ResolvedMigration,
  readLocations,
  runCommand,
  ScanError,
  type SourceFile,
} from '@deploy-actions/flyway'
import { ConfigurationError } from '@deploy-actions/kit'

export interface FlywayPorts {
  /** Every file under the locations; a missing folder is a ConfigurationError on `locations`. */
  readMigrations(locations: string[]): SourceFile[]
  /** Connects, runs one command, disconnects; fills `report` as it goes, also on failure. */
  runCommand(command: Command, options: EngineOptions, migrations: ResolvedMigration[], report: Report): Promise<void>
  /** Writes the JSON report; returns its path. */
  writeReportFile(report: unknown): string
}

export function flywayPorts(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): FlywayPorts {
  return {
    readMigrations(locations) {
      try {
        return readLocations(locations, cwd)
      } catch (error) {
        if (error instanceof ScanError)
          throw new ConfigurationError('locations', `existing folders of migrations (${error.message})`)
        throw error
      }
    },
    runCommand,
    writeReportFile(report) {
      const path = join(env.RUNNER_TEMP || tmpdir(), `flyway-migrate-report-${process.pid}-${Date.now()}.json`)
      writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`)
      return path
    },
  }
}
