// The migrations a release would apply, read before anything changes (the preflight and `plan`):
// flyway-migrate's `info` command, which reads the history table and takes no advisory lock (the
// engine locks only for migrate, baseline and repair), on a session the server itself keeps
// read-only (default_transaction_read_only). It runs as the migrate step runs: the same bundle,
// the plan's inputs and `with:` (so `via: kubernetes` carries it through the same tunnel to a
// private database), the password in the step's environment.
import { readFileSync } from 'node:fs'
import { StepFailure } from './release.ts'
import type { StepRunner } from './run-step.ts'
import { type ClusterAccess, databaseUrl, migrateInputs } from './step-inputs.ts'
import type { DatabasePlan, Plan } from './types.ts'

export interface PendingMigration {
  /** Empty for a repeatable migration. */
  version: string
  description: string
  script: string
}

export interface PendingMigrations {
  /** The schema version now (undefined: an empty schema or no history table). */
  schemaVersion?: string
  migrations: PendingMigration[]
}

/** Every statement of the session runs in a read-only transaction unless it asks otherwise: ours never do. */
export const READ_ONLY_SESSION_SQL = 'SET default_transaction_read_only = on'

/** The database password for flyway-migrate, in its environment (never an input on a command line). */
export function passwordEnv(db: DatabasePlan, env: Record<string, string>): Record<string, string> {
  const value = env[db['password-env'] ?? 'FLYWAY_PASSWORD']
  return value ? { FLYWAY_PASSWORD: value } : {}
}

/** flyway-migrate's inputs for the read-only `info`: the migrate step's, with the session made read-only. */
export function infoInputs(db: DatabasePlan, url: string, cluster: ClusterAccess = {}): Record<string, string> {
  const inputs = migrateInputs(db, url, 'info', cluster)
  // The plan's own init SQL first (a role, a lock timeout), then read-only for the rest of the session.
  inputs['init-sql'] = inputs['init-sql'] ? `${inputs['init-sql']};\n${READ_ONLY_SESSION_SQL}` : READ_ONLY_SESSION_SQL
  delete inputs['dry-run']
  return inputs
}

/** The last error line of a step's log, else its exit code. */
const reasonOf = (log: string[], code: number): string =>
  log
    .filter((l) => /error/i.test(l))
    .at(-1)
    ?.trim()
    .replace(/^(error:\s*|::error[^:]*::)/, '') ?? `exit code ${code}`

/**
 * The migrations `migrate` would apply now, in order. Undefined when the plan migrates nothing
 * here (no url); throws StepFailure when the database cannot be read.
 */
export async function pendingMigrations(ctx: {
  plan: Plan
  env: Record<string, string>
  steps: StepRunner
  /** The plan's cluster, for a database reached through it (`with: { via: kubernetes }`). */
  cluster?: ClusterAccess
}): Promise<PendingMigrations | undefined> {
  const db = ctx.plan.database
  const url = db && databaseUrl(db, ctx.env)
  if (!db || !url) return undefined
  const run = await ctx.steps.run('flyway-migrate', infoInputs(db, url, ctx.cluster), passwordEnv(db, ctx.env))
  if (run.code !== 0) throw new StepFailure(`pending migrations could not be read: ${reasonOf(run.log, run.code)}`, run)
  let report: { pending?: PendingMigration[]; schemaVersion?: string } = {}
  try {
    report = JSON.parse(readFileSync(run.outputs.report!, 'utf8')) as typeof report
  } catch {
    // The outputs still give the count and the version.
  }
  const migrations = (report.pending ?? []).map((p) => ({
    version: p.version ?? '',
    description: p.description ?? '',
    script: p.script ?? '',
  }))
  const schemaVersion = run.outputs['schema-version'] || report.schemaVersion || undefined
  return { ...(schemaVersion ? { schemaVersion } : {}), migrations }
}

/** `2 order status (V2__order_status.sql)`, `repeatable order totals (R__order_totals.sql)`. */
export const migrationLine = (m: PendingMigration): string =>
  `${m.version || 'repeatable'} ${m.description} (${m.script})`

/** `schema version 1.1, 1 pending migration(s)` */
export const pendingHead = (p: PendingMigrations): string =>
  `schema version ${p.schemaVersion ?? 'empty'}, ${p.migrations.length} pending migration(s)`

/** One line for the timeline: the count and the first few. */
export function pendingSummary(p: PendingMigrations): string {
  const head = pendingHead(p)
  if (!p.migrations.length) return head
  const shown = p.migrations.slice(0, 3).map((m) => m.script)
  return `${head}: ${shown.join(', ')}${p.migrations.length > shown.length ? `, +${p.migrations.length - shown.length} more` : ''}`
}
