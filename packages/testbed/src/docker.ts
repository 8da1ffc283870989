// A rootful dockerd of its own (vfs storage, no networking set-up) on a unix socket in a temp dir,
// plus a `busybox` base image made from Debian's busybox-static, since Docker Hub is out of reach.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { removeDir, requireBinary, type Service, startService, tempDir } from './process.ts'

export interface Dockerd extends Service {
  dir: string
  socket: string
  /** `unix://…/docker.sock` */
  host: string
  /** DOCKER_HOST for this daemon and a DOCKER_CONFIG of its own (logins stay in the temp dir). */
  env: { DOCKER_HOST: string; DOCKER_CONFIG: string }
  /** Runs the docker CLI against this daemon; rejects with the output on a non-zero exit. */
  docker(
    args: string[],
    options?: { input?: string | Buffer | NodeJS.ReadableStream; env?: NodeJS.ProcessEnv },
  ): Promise<string>
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
    req.on('timeout', () => {
      req.destroy()
      resolve(false)
    })
    req.end()
  })
}

export function runDockerCli(
  env: NodeJS.ProcessEnv,
  args: string[],
  options: { input?: string | Buffer | NodeJS.ReadableStream } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      out += d
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`docker ${args.join(' ')} exited ${code}: ${out.slice(-2000)}`)),
    )
    const input = options.input
    if (input === undefined) child.stdin.end()
    else if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin.end(input)
    else input.pipe(child.stdin)
  })
}

export async function startDockerd(): Promise<Dockerd> {
  const dockerd = requireBinary('dockerd', 'apt-get install docker.io')
  requireBinary('docker', 'apt-get install docker.io')
  if (process.getuid?.() !== 0) throw new Error('the testbed dockerd runs rootful: run the tests as root')
  const dir = tempDir('dockerd')
  const socket = join(dir, 'docker.sock')
  const service = await startService({
    name: 'dockerd',
    command: dockerd,
    args: [
      '--data-root',
      join(dir, 'root'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '-H',
      `unix://${socket}`,
      '--storage-driver=vfs',
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--ip-forward=false',
      '--ip-masq=false',
    ],
    ready: () => ping(socket),
    readyTimeoutMs: 60_000,
  })
  const env = { DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(dir, 'config') }
  mkdirSync(env.DOCKER_CONFIG, { recursive: true })
  return {
    ...service,
    dir,
    socket,
    host: env.DOCKER_HOST,
    env,
    docker: (args, options = {}) =>
      runDockerCli(
        { ...process.env, ...env, ...options.env },
        args,
        options.input === undefined ? {} : { input: options.input },
      ),
    async stop() {
      await service.stop()
      removeDir(dir)
    },
  }
}

/** The busybox binary of Debian's busybox-static (statically linked, so it runs in an empty rootfs). */
export function busyboxBinary(): string {
  const path = '/bin/busybox'
  if (
    !existsSync(path) ||
    !readFileSync(path)
      .subarray(0, 4)
      .equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))
  ) {
    throw new Error('/bin/busybox is missing: apt-get install busybox-static (or run: bash scripts/setup.sh)')
  }
  return path
}

/**
 * Imports a `busybox` image (one layer: /bin/busybox and a link per applet, /tmp, /etc) into the
 * daemon, so Dockerfiles can `FROM busybox` and `RUN` shell commands. Returns the image ID.
 */
export async function importBusyboxImage(dockerd: Dockerd, name = 'busybox:latest'): Promise<string> {
  const busybox = busyboxBinary()
  const rootfs = join(tempDir('busybox-rootfs'), 'rootfs')
  for (const d of ['bin', 'tmp', 'etc', 'root']) mkdirSync(join(rootfs, d), { recursive: true })
  writeFileSync(join(rootfs, 'bin', 'busybox'), readFileSync(busybox), { mode: 0o755 })
  const applets = (await runCapture(busybox, ['--list']))
    .split('\n')
    .filter((a) => /^[\w.[-]+$/.test(a) && a !== 'busybox')
  for (const applet of applets) {
    const link = join(rootfs, 'bin', applet)
    if (!existsSync(link)) symlinkSync('busybox', link)
  }
  writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
  writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\n')
  const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const out = await dockerd.docker(['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["/bin/sh"]', '-', name], {
    input: tar.stdout,
  })
  removeDir(join(rootfs, '..'))
  return out.trim()
}

function runCapture(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}`))))
  })
}
