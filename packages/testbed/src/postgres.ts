// PostgreSQL 15 on a free 127.0.0.1 port (the recipe in CONTRIBUTING.md): initdb once into a template data dir
// cached under the OS temp dir, copied per server, `pg_ctl start` with a private socket dir and
// fsync off, `pg_ctl stop -m immediate` to stop. Run as the `postgres` user via runuser when root.
import { spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, MissingBinaryError, removeDir, type Service, tempDir } from './process.ts'

export interface Postgres extends Service {
  host: string
  port: number
  /** Superuser URL of the `postgres` database: postgres://postgres@127.0.0.1:PORT/postgres */
  url: string
  dataDir: string
  /** Directory of the PostgreSQL binaries (psql, pg_ctl, …). */
  binDir: string
  /** Creates a fresh, empty database and returns its name and URLs. */
  createDatabase(name?: string): Promise<{ name: string; url: string; jdbcUrl: string }>
}

const SUPERUSER = 'postgres'

export function postgresBinDir(): string {
  const candidates = [
    process.env.PG_BIN,
    '/usr/lib/postgresql/15/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/lib/postgresql/17/bin',
  ]
  for (const dir of candidates) if (dir && existsSync(join(dir, 'pg_ctl'))) return dir
  throw new MissingBinaryError(
    'PostgreSQL 15 is not installed: apt-get install -y postgresql-15 (or run: bash scripts/setup.sh)',
  )
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

function osUser(): { uid: number; gid: number } | undefined {
  if (!isRoot) return undefined
  const r = spawnSync('id', ['-u', SUPERUSER], { encoding: 'utf8' })
  const g = spawnSync('id', ['-g', SUPERUSER], { encoding: 'utf8' })
  if (r.status !== 0)
    throw new MissingBinaryError(
      `running as root needs an OS user "${SUPERUSER}" (installed with the postgresql package)`,
    )
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) }
}

/** Runs a PostgreSQL binary, as the postgres OS user when we are root (the server refuses root). */
function pgRun(binary: string, args: string[]): void {
  const cmd = isRoot ? 'runuser' : binary
  const argv = isRoot ? ['-u', SUPERUSER, '--', binary, ...args] : args
  const r = spawnSync(cmd, argv, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${binary} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`)
}

function ownedDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const u = osUser()
  if (u) chownSync(dir, u.uid, u.gid)
  return dir
}

/** The initdb'd template, made once per machine and reused (initdb takes ~0.5 s, a copy ~0.1 s). */
function templateDir(bin: string): string {
  const template = join(tmpdir(), `deploy-actions-pg${bin.match(/\/(\d+)\/bin$/)?.[1] ?? ''}-template`)
  if (existsSync(join(template, 'PG_VERSION'))) return template
  // Build beside it and rename into place, so concurrent test workers never see half a template.
  const building = ownedDir(join(tmpdir(), `deploy-actions-pg-template-build-${process.pid}-${Date.now()}`))
  pgRun(join(bin, 'initdb'), [
    '-D',
    building,
    '-U',
    SUPERUSER,
    '-A',
    'trust',
    '--no-sync',
    '--no-instructions',
    '-E',
    'UTF8',
    '--locale=C',
  ])
  try {
    renameSync(building, template)
  } catch {
    removeDir(building) // another worker won the race; theirs is as good
  }
  return template
}

const running = new Set<string>()
let exitHookInstalled = false

function stopNow(bin: string, dataDir: string): void {
  try {
    pgRun(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'])
  } catch {}
}

export interface StartPostgresOptions {
  /** A fixed port (default: a free one). */
  port?: number
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<Postgres> {
  const bin = postgresBinDir()
  const template = templateDir(bin)
  const dir = tempDir('pg')
  const u = osUser()
  if (u) chownSync(dir, u.uid, u.gid)
  const dataDir = join(dir, 'data')
  const cp = spawnSync('cp', ['-a', template, dataDir])
  if (cp.status !== 0) throw new Error(`copying the PostgreSQL template failed: ${cp.stderr}`)
  if ((statSync(dataDir).mode & 0o077) !== 0) spawnSync('chmod', ['700', dataDir])
  const port = options.port ?? (await freePort())
  const log = join(dir, 'server.log')
  pgRun(join(bin, 'pg_ctl'), [
    '-D',
    dataDir,
    '-l',
    log,
    '-w',
    '-t',
    '60',
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`,
    'start',
  ])
  running.add(dataDir)
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', () => {
      for (const d of running) stopNow(bin, d)
    })
  }
  const pidLine = spawnSync('head', ['-1', join(dataDir, 'postmaster.pid')], { encoding: 'utf8' }).stdout.trim()
  const host = '127.0.0.1'
  const url = `postgres://${SUPERUSER}@${host}:${port}/postgres`
  let counter = 0
  return {
    name: 'postgres',
    pid: Number(pidLine),
    host,
    port,
    url,
    dataDir,
    binDir: bin,
    async createDatabase(name?: string) {
      const db = name ?? `db_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`
      const { default: pg } = await import('pg')
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE "${db.replace(/"/g, '""')}"`)
      } finally {
        await client.end()
      }
      return {
        name: db,
        url: `postgres://${SUPERUSER}@${host}:${port}/${db}`,
        jdbcUrl: `jdbc:postgresql://${host}:${port}/${db}?user=${SUPERUSER}`,
      }
    },
    async stop() {
      if (!running.has(dataDir)) return
      running.delete(dataDir)
      stopNow(bin, dataDir)
      removeDir(dir)
    },
  }
}
