// Starting and stopping real local services by PID, on free 127.0.0.1 ports.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Service {
  name: string
  pid: number
  stop(): Promise<void>
}

/** A missing tool is a clear error that says how to install it, never a silent skip. */
export class MissingBinaryError extends Error {
  override name = 'MissingBinaryError'
}

export function requireBinary(binary: string, howToInstall: string): string {
  if (binary.includes('/')) {
    const r = spawnSync('test', ['-x', binary])
    if (r.status === 0) return binary
  } else {
    const r = spawnSync('sh', ['-c', `command -v "${binary}"`], { encoding: 'utf8' })
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim()
  }
  throw new MissingBinaryError(`${binary} is not installed: ${howToInstall} (or run: bash scripts/setup.sh)`)
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `deploy-actions-${prefix}-`))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // A test that fails still leaves no server behind: kill whatever is left when the process exits.
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL')
  })
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {}
  }
}

export interface StartOptions {
  name: string
  command: string
  args: string[]
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** Resolves once the service answers; rejects on give-up. */
  ready: () => Promise<boolean>
  readyTimeoutMs?: number
  /** Signal for a graceful stop (default SIGTERM, then SIGKILL after 5 s). */
  stopSignal?: NodeJS.Signals
}

/** Spawns a service in its own process group and waits until `ready()` says yes. */
export async function startService(options: StartOptions): Promise<Service> {
  installExitHook()
  const output: string[] = []
  const child = spawn(options.command, options.args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString())
    if (output.length > 200) output.shift()
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let exited: number | null | undefined
  const exitPromise = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exited = code
      running.delete(child)
      resolve()
    }),
  )
  child.on('error', (e) => output.push(String(e)))

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000)
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`${options.name} exited (code ${exited}) before it was ready:\n${output.join('').slice(-2000)}`)
    }
    if (await options.ready().catch(() => false)) break
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL')
      throw new Error(`${options.name} was not ready in time:\n${output.join('').slice(-2000)}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    name: options.name,
    pid: child.pid!,
    async stop() {
      if (exited !== undefined) return
      killGroup(child, options.stopSignal ?? 'SIGTERM')
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000)
      await exitPromise
      clearTimeout(timer)
    },
  }
}

export async function httpOk(url: string, accept: (status: number) => boolean = (s) => s < 500): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
    await res.arrayBuffer()
    return accept(res.status)
  } catch {
    return false
  }
}

export function tcpOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    socket.setTimeout(500)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
    socket.connect(port, host)
  })
}
