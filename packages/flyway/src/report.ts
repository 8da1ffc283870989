// What a command did (the engine fills it in as it goes, so a failure midway still reports what
// happened), and the commands there are. Pure: the action's input parsing and report read it
// without loading the engine.
import type { InfoRow, ValidationIssue } from './plan.ts'

export type Command = 'migrate' | 'info' | 'validate' | 'baseline' | 'repair'
export const COMMANDS: readonly Command[] = ['migrate', 'info', 'validate', 'baseline', 'repair']

export interface AppliedMigrationReport {
  version: string
  description: string
  script: string
  file: string
  executionTimeMs: number
  transactional: boolean
}

/** What a run did; filled in as it goes, so a failure midway still reports what happened. */
export interface Report {
  command: Command
  dryRun: boolean
  database?: string
  schemaVersionBefore?: string
  schemaVersion?: string
  infoBefore: InfoRow[]
  infoAfter: InfoRow[]
  applied: AppliedMigrationReport[]
  /** Dry run: what migrate would apply, in order. After a real run: what is still pending. */
  pending: Array<{ version: string; description: string; script: string; file: string }>
  errors: ValidationIssue[]
  /** Repair / baseline actions, in words. */
  actions: string[]
  notes: string[]
  failure?: { file?: string; line?: number; message: string; sqlState?: string }
}

export function newReport(command: Command, dryRun: boolean): Report {
  return {
    command,
    dryRun,
    infoBefore: [],
    infoAfter: [],
    applied: [],
    pending: [],
    errors: [],
    actions: [],
    notes: [],
  }
}
