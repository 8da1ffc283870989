// The docker port over the docker CLI. Secrets travel on stdin only, never in argv.
import { spawn } from 'node:child_process'
import type { Logger } from '@deploy-actions/kit'
import { DockerCommandError, type DockerPort } from './main.ts'

interface RunOptions {
  input?: string
  env?: NodeJS.ProcessEnv
  /** Print output lines as they come (build and push progress). */
  stream?: boolean
}

const KEEP = 64 * 1024

export function runDocker(args: string[], log: Logger, options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, {
      env: { ...process.env, ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    let output = ''
    let pending = ''
    const onData = (chunk: Buffer) => {
      const text = chunk.toString()
      output = (output + text).slice(-KEEP)
      if (!options.stream) return
      pending += text
      const lines = pending.split(/\r?\n/)
      pending = lines.pop() ?? ''
      for (const line of lines) if (line.trim()) log.info(line)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('error', (error) =>
      reject(
        new DockerCommandError(
          `docker ${args[0]} could not start: ${error.message} (is docker installed?)`,
          String(error),
        ),
      ),
    )
    child.on('close', (code) => {
      if (options.stream && pending.trim()) log.info(pending)
      if (code === 0) return resolve(output)
      const tail = output.trim().split('\n').slice(-3).join(' ').slice(-500)
      reject(new DockerCommandError(`docker ${args[0]} exited with ${code}: ${tail}`, output))
    })
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

export function cliDocker(log: Logger): DockerPort {
  return {
    async buildkit() {
      return runDocker(['buildx', 'version'], log).then(
        () => true,
        () => false,
      )
    },
    async login(host, username, password) {
      await runDocker(['login', '--username', username, '--password-stdin', host], log, { input: `${password}\n` })
      log.info(`logged in to ${host} as ${username}`)
    },
    async build(args, buildkit) {
      await runDocker(args, log, { stream: true, env: { DOCKER_BUILDKIT: buildkit ? '1' : '0' } })
    },
    async tag(source, target) {
      await runDocker(['tag', source, target], log)
      log.info(`tagged ${source} as ${target}`)
    },
    async push(ref) {
      await runDocker(['push', ref], log, { stream: true })
    },
    async logout(host) {
      await runDocker(['logout', host], log)
      log.info(`logged out of ${host}`)
    },
  }
}
