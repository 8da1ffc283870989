// An empty database of the testbed's PostgreSQL plus a folder of migrations, and the engine run
// over them, for the engine's integration tests.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import {
  type Command,
  type EngineOptions,
  engineOptions,
  newReport,
  parseDatabaseUrl,
  type Report,
  runCommand,
  scanLocations,
} from '@deploy-actions/flyway'
import { recordingLogger } from '@deploy-actions/kit'
import { type Postgres, tempDir } from '@deploy-actions/testbed'
import pg from 'pg'

export interface Fixture {
  dir: string
  url: string
  jdbcUrl: string
  write(name: string, sql: string | Buffer): void
  link(name: string, target: string): void
  remove(name: string): void
  run(command: Command, over?: Partial<EngineOptions> & { encoding?: string }): Promise<Report>
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  history(table?: string): Promise<Array<Record<string, unknown>>>
}

const cleanups: Array<() => Promise<void>> = []

/** Closes the fixtures' connections and removes their folders (afterEach). */
export async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0)) await c()
}

export function fixtures(server: Postgres): () => Promise<Fixture> {
  return async () => {
    const db = await server.createDatabase()
    const dir = tempDir('flyway-mig')
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    cleanups.push(async () => {
      await client.end().catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    })
    const f: Fixture = {
      dir,
      url: db.url,
      jdbcUrl: db.jdbcUrl,
      write: (name, sql) => {
        mkdirSync(dirname(join(dir, name)), { recursive: true })
        writeFileSync(join(dir, name), sql)
      },
      link: (name, target) => {
        mkdirSync(dirname(join(dir, name)), { recursive: true })
        symlinkSync(target, join(dir, name))
      },
      remove: (name) => rmSync(join(dir, name)),
      async run(command, { encoding, ...over } = {}) {
        const report = newReport(command, over.dryRun ?? false)
        const options = engineOptions({
          connection: parseDatabaseUrl(`${db.jdbcUrl}&sslmode=disable`),
          log: recordingLogger(),
          connectTimeoutMs: 5000,
          ...over,
        })
        await runCommand(
          command,
          options,
          scanLocations([dir], undefined, encoding ? { encoding } : {}).migrations,
          report,
        )
        return report
      },
      async query(sql, params) {
        return (await client.query(sql, params)).rows
      },
      history: (table = 'flyway_schema_history') =>
        f.query(
          `SELECT installed_rank, version, description, type, script, checksum, installed_by, execution_time, success FROM ${table} ORDER BY installed_rank`,
        ),
    }
    return f
  }
}
