// The bundled ecr-push against moto (ECR API), a real docker-registry with htpasswd (user AWS,
// password = moto's token password) and a real dockerd (vfs) building FROM the testbed's busybox.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageCommand,
} from '@aws-sdk/client-ecr'
import {
  type BundleRun,
  type Dockerd,
  type FaultProxy,
  fakeImageManifest,
  importBusyboxImage,
  type Moto,
  motoEcrPassword,
  type Registry,
  removeDir,
  runBundle,
  startDockerd,
  startFaultProxy,
  startMoto,
  startRegistry,
  tempDir,
} from '@deploy-actions/testbed'

let moto: Moto
let registry: Registry
let dockerd: Dockerd
let ecr: ECRClient
let workspace: string
let shimDir: string
let argvLog: string
const password = motoEcrPassword()

beforeAll(async () => {
  moto = await startMoto()
  ;[registry, dockerd] = await Promise.all([
    startRegistry({ auth: { username: 'AWS', password }, ecr: { endpoint: moto.endpoint } }),
    startDockerd(),
  ])
  await importBusyboxImage(dockerd)
  ecr = new ECRClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
  workspace = tempDir('ecr-push-ws')
  mkdirSync(join(workspace, 'app'))
  writeFileSync(
    join(workspace, 'app', 'Dockerfile'),
    [
      'FROM busybox',
      'ARG GREETING=hello',
      'RUN echo "$GREETING" > /greeting && mkdir -p /srv',
      'COPY index.html /srv/',
      'CMD ["cat", "/greeting"]',
      '',
    ].join('\n'),
  )
  writeFileSync(join(workspace, 'app', 'index.html'), '<h1>shop</h1>\n')
  // A `docker` shim first on PATH records every argv the action gives docker.
  shimDir = tempDir('ecr-push-shim')
  argvLog = join(shimDir, 'argv.log')
  const realDocker = (await import('node:child_process'))
    .execSync('command -v docker', { encoding: 'utf8', shell: '/bin/sh' })
    .trim()
  writeFileSync(join(shimDir, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${realDocker}' "$@"\n`)
  chmodSync(join(shimDir, 'docker'), 0o755)
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'shop/backend' }))
}, 120_000)

afterAll(async () => {
  await Promise.allSettled([registry?.stop(), dockerd?.stop(), moto?.stop()])
  if (workspace) removeDir(workspace)
  if (shimDir) removeDir(shimDir)
})

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...moto.env,
    ...dockerd.env,
    PATH: `${shimDir}:${process.env.PATH}`,
    GITHUB_REF: 'refs/tags/v2.1.0',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: workspace,
    ...extra,
  }
}

function failure(run: BundleRun): string {
  return run.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? ''
}

async function ecrManifest(repositoryName: string, imageTag: string) {
  const out = await ecr.send(
    new BatchGetImageCommand({
      repositoryName,
      imageIds: [{ imageTag }],
      acceptedMediaTypes: [
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
      ],
    }),
  )
  return out.images?.[0]
}

/** Every process command line seen while `fn` runs (sampled from /proc). */
async function watchCommandLines<T>(fn: () => Promise<T>): Promise<{ result: T; lines: Set<string> }> {
  const lines = new Set<string>()
  let on = true
  const sample = async () => {
    while (on) {
      for (const pid of readdirSync('/proc')) {
        if (!/^\d+$/.test(pid)) continue
        try {
          lines.add(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '))
        } catch {}
      }
      await new Promise((r) => setTimeout(r, 2))
    }
  }
  const sampler = sample()
  try {
    return { result: await fn(), lines }
  } finally {
    on = false
    await sampler
  }
}

describe('ecr-push build and push', () => {
  let built: BundleRun

  test('builds with the build arg, pushes every tag, reads the digest back from the registry', async () => {
    const { result, lines } = await watchCommandLines(() =>
      runBundle('ecr-push', {
        inputs: {
          repository: 'shop/backend',
          tags: 'v2.1.0, latest',
          context: 'app',
          'build-args': 'GREETING=bonjour',
          labels: 'com.acme.team=payments',
          registry: registry.host,
        },
        env: env(),
      }),
    )
    built = result
    expect(failure(built)).toBe('')
    expect(built.code).toBe(0)

    const fromRegistry = await registry.manifest('shop/backend', 'v2.1.0')
    expect(fromRegistry.status).toBe(200)
    expect(built.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(built.outputs.digest).toBe(fromRegistry.digest)
    expect((await registry.manifest('shop/backend', 'latest')).digest).toBe(fromRegistry.digest)
    expect(built.outputs.registry).toBe(registry.host)
    expect(built.outputs.image).toBe(`${registry.host}/shop/backend:v2.1.0`)
    expect(built.outputs['image-ref']).toBe(`${registry.host}/shop/backend@${fromRegistry.digest}`)
    expect(built.outputs.tags).toBe('v2.1.0,latest')

    // ECR's view agrees with the registry (as in AWS, where both are one store).
    const described = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'shop/backend', imageIds: [{ imageTag: 'v2.1.0' }] }),
    )
    expect(described.imageDetails?.[0]?.imageDigest).toBe(fromRegistry.digest)

    // The build arg and the labels made it into the image.
    const ref = built.outputs['image-ref']!
    await dockerd.docker(['rmi', '-f', `${registry.host}/shop/backend:v2.1.0`, `${registry.host}/shop/backend:latest`])
    await dockerd.docker(['pull', ref])
    expect((await dockerd.docker(['run', '--rm', '--network', 'none', ref])).trim()).toBe('bonjour')
    const labels = JSON.parse(await dockerd.docker(['inspect', '--format', '{{json .Config.Labels}}', ref])) as Record<
      string,
      string
    >
    expect(labels['org.opencontainers.image.version']).toBe('v2.1.0')
    expect(labels['org.opencontainers.image.revision']).toBe('0123456789abcdef0123456789abcdef01234567')
    expect(labels['org.opencontainers.image.source']).toBe('https://github.com/acme/shop')
    expect(labels['org.opencontainers.image.created']).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(labels['com.acme.team']).toBe('payments')

    // Summary: image, tags, digest, size.
    expect(built.summary).toContain(`${registry.host}/shop/backend:v2.1.0`)
    expect(built.summary).toContain(fromRegistry.digest!)
    expect(built.summary).toMatch(/\| Size \| \d+(\.\d)? (B|KiB|MiB) \|/)

    // The password: masked at once, never printed otherwise, never on a command line.
    const stdoutLines = built.stdout.split('\n')
    expect(stdoutLines.filter((l) => l.includes(password))).toEqual([`::add-mask::${password}`])
    expect(stdoutLines.findIndex((l) => l.includes('::add-mask::'))).toBeLessThan(
      stdoutLines.findIndex((l) => l.includes('docker') || l.includes('Log in')),
    )
    expect(built.stderr).not.toContain(password)
    const argv = readFileSync(argvLog, 'utf8')
    expect(argv).toContain(`login --username AWS --password-stdin ${registry.host}`)
    expect(argv).not.toContain(password)
    expect([...lines].filter((l) => l.includes(password))).toEqual([])
    const config = JSON.parse(readFileSync(join(dockerd.env.DOCKER_CONFIG, 'config.json'), 'utf8')) as {
      auths: Record<string, unknown>
    }
    expect(Object.keys(config.auths)).toContain(registry.host)
  })

  test('the post step logs out of the registry', async () => {
    const post = await runBundle('ecr-push', { postOf: built })
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(`logged out of ${registry.host}`)
    const config = JSON.parse(readFileSync(join(dockerd.env.DOCKER_CONFIG, 'config.json'), 'utf8')) as {
      auths: Record<string, unknown>
    }
    expect(Object.keys(config.auths)).not.toContain(registry.host)
  })

  test('a wrong ECR password is refused by the registry (login is really checked)', async () => {
    const strict = await startRegistry({ auth: { username: 'AWS', password: 'not-the-token' } })
    try {
      const run = await runBundle('ecr-push', {
        inputs: { repository: 'shop/backend', tags: 'denied', context: 'app', registry: strict.host },
        env: env(),
      })
      expect(run.code).toBe(1)
      expect(failure(run)).toMatch(/docker login exited/)
      expect(await strict.tags('shop/backend')).toEqual([])
    } finally {
      await strict.stop()
    }
  })

  test('image: tags and pushes an image already built on the runner', async () => {
    await dockerd.docker(['build', '-t', 'local/app:dev', '--build-arg', 'GREETING=prebuilt', join(workspace, 'app')], {
      env: { DOCKER_BUILDKIT: '0' },
    })
    const run = await runBundle('ecr-push', {
      inputs: { repository: 'shop/backend', tags: 'prebuilt', image: 'local/app:dev', registry: registry.host },
      env: env(),
    })
    expect(failure(run)).toBe('')
    const m = await registry.manifest('shop/backend', 'prebuilt')
    expect(run.outputs.digest).toBe(m.digest)
    const local = await dockerd.docker(['inspect', '--format', '{{json .RepoDigests}}', 'local/app:dev'])
    expect(local).toContain(m.digest)
  })

  test('a missing repository is a clear error naming repository and region', async () => {
    const run = await runBundle('ecr-push', {
      inputs: { repository: 'shop/absent', context: 'app', registry: registry.host, 'aws-region': 'eu-west-1' },
      env: env(),
    })
    expect(run.code).toBe(1)
    expect(failure(run)).toContain('ECR repository "shop/absent" does not exist in region eu-west-1')
    expect(failure(run)).toContain('create-repository: true')
    expect(readFileSync(argvLog, 'utf8')).not.toMatch(/shop\/absent/)
  })

  test('create-repository: true creates it with scan on push, then pushes; a re-run is harmless', async () => {
    const inputs = { repository: 'shop/fresh', context: 'app', registry: registry.host, 'create-repository': 'true' }
    const first = await runBundle('ecr-push', { inputs, env: env() })
    expect(failure(first)).toBe('')
    const repo = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['shop/fresh'] }))
    expect(repo.repositories?.[0]?.imageScanningConfiguration?.scanOnPush).toBe(true)
    expect((await registry.manifest('shop/fresh', 'v2.1.0')).digest).toBe(first.outputs.digest)
    const again = await runBundle('ecr-push', { inputs, env: env() })
    expect(failure(again)).toBe('')
    expect((await registry.manifest('shop/fresh', 'v2.1.0')).digest).toBe(again.outputs.digest)
  })

  test('scan: true waits for the scan and passes below the threshold, with counts in the summary', async () => {
    const run = await runBundle('ecr-push', {
      inputs: { repository: 'shop/backend', tags: 'scanned', context: 'app', registry: registry.host, scan: 'true' },
      env: env(),
    })
    expect(failure(run)).toBe('')
    expect(run.stdout).toContain('waiting for image scan of shop/backend@')
    expect(run.summary).toContain('COMPLETE: CRITICAL 0, HIGH 1, MEDIUM 0, LOW 0, INFORMATIONAL 0 (passed)')
  })
})

describe('ecr-push promotion by manifest copy', () => {
  test('promote-from copies the manifest byte for byte, keeping its media type; no docker involved', async () => {
    const source = await ecrManifest('shop/backend', 'v2.1.0')
    expect(source?.imageManifest).toBeDefined()
    const run = await runBundle('ecr-push', {
      inputs: { repository: 'shop/backend', 'promote-from': 'v2.1.0', tags: 'v2.1.0-prod', registry: registry.host },
      // No daemon at all: promotion must not need one.
      env: env({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }),
    })
    expect(failure(run)).toBe('')
    const promoted = await ecrManifest('shop/backend', 'v2.1.0-prod')
    expect(promoted?.imageManifest).toBe(source?.imageManifest)
    expect(promoted?.imageManifestMediaType).toBe(source?.imageManifestMediaType)
    expect(promoted?.imageId?.imageDigest).toBe(source?.imageId?.imageDigest)
    expect(run.outputs.digest).toBe(source?.imageId?.imageDigest)
    expect(run.outputs.image).toBe(`${registry.host}/shop/backend:v2.1.0-prod`)
    // The registry serves the promoted tag with the same bytes and digest as the original push.
    const original = await registry.manifest('shop/backend', 'v2.1.0')
    const served = await registry.manifest('shop/backend', 'v2.1.0-prod')
    expect(served.digest).toBe(original.digest)
    expect(served.body.equals(original.body)).toBe(true)
    expect(run.summary).toContain('v2.1.0-prod (promoted)')
  })

  test('promoting again to an identical tag is a no-op that succeeds', async () => {
    const run = await runBundle('ecr-push', {
      inputs: { repository: 'shop/backend', 'promote-from': 'v2.1.0', tags: 'v2.1.0-prod', registry: registry.host },
      env: env(),
    })
    expect(failure(run)).toBe('')
    expect(run.summary).toContain('v2.1.0-prod (unchanged (already this image))')
  })

  test('an immutable repository holding a different image at the tag is a clear error', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'shop/locked', imageTagMutability: 'IMMUTABLE' }))
    const manifest = fakeImageManifest
    await ecr.send(
      new PutImageCommand({ repositoryName: 'shop/locked', imageTag: 'v3.0.0', imageManifest: manifest('a') }),
    )
    await ecr.send(
      new PutImageCommand({ repositoryName: 'shop/locked', imageTag: 'prod', imageManifest: manifest('b') }),
    )
    const run = await runBundle('ecr-push', {
      inputs: { repository: 'shop/locked', 'promote-from': 'v3.0.0', tags: 'prod', registry: registry.host },
      env: env(),
    })
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(/tag prod of immutable repository shop\/locked already holds a different image/)
    expect(failure(run)).toContain('prod untouched')
  })

  test('scan gate on a promoted image fails at or above fail-on-severity, with counts in the summary', async () => {
    const run = await runBundle('ecr-push', {
      inputs: {
        repository: 'shop/backend',
        'promote-from': 'v2.1.0',
        tags: 'v2.1.0-gated',
        registry: registry.host,
        scan: 'true',
        'fail-on-severity': 'high',
      },
      env: env(),
    })
    expect(run.code).toBe(1)
    expect(failure(run)).toContain('scan found 1 finding(s) at or above HIGH')
    expect(run.summary).toContain('CRITICAL 0, HIGH 1')
    expect(run.summary).toContain('FAILED at HIGH')
    expect(run.outputs.digest).toMatch(/^sha256:/)
  })
})

describe('ecr-push bad input fails before any side effect, naming the input', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['invalid repository name', { repository: 'Shop/Backend' }, /Invalid input repository:/],
    ['invalid tag', { repository: 'shop/backend', tags: 'v2.1.0 beta' }, /Invalid input tags: .*"v2\.1\.0 beta"/],
    [
      'missing context',
      { repository: 'shop/backend', context: 'nope' },
      /Invalid input context: expected an existing directory, got "nope"/,
    ],
    [
      'missing Dockerfile',
      { repository: 'shop/backend', context: 'app', dockerfile: 'app/Dockerfile.prod' },
      /Invalid input dockerfile:/,
    ],
    [
      'build-args line without =',
      { repository: 'shop/backend', context: 'app', 'build-args': 'GREETING' },
      /Invalid input build-args: .*"GREETING"/,
    ],
    [
      'unknown severity',
      { repository: 'shop/backend', context: 'app', scan: 'true', 'fail-on-severity': 'SEVERE' },
      /Invalid input fail-on-severity:/,
    ],
  ]
  test.each(cases)('%s', async (_name, inputs, message) => {
    const tagsBefore = await registry.tags('shop/backend')
    const argvBefore = existsSync(argvLog) ? readFileSync(argvLog, 'utf8') : ''
    const run = await runBundle('ecr-push', { inputs: { registry: registry.host, ...inputs }, env: env() })
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(message)
    expect(existsSync(argvLog) ? readFileSync(argvLog, 'utf8') : '').toBe(argvBefore) // docker never ran
    expect(await registry.tags('shop/backend')).toEqual(tagsBefore)
  })

  test('promote-from naming a missing tag lists the tags nearby', async () => {
    const argvBefore = readFileSync(argvLog, 'utf8')
    const run = await runBundle('ecr-push', {
      inputs: { repository: 'shop/backend', 'promote-from': 'v2.1.1', tags: 'v2.1.1-prod', registry: registry.host },
      env: env(),
    })
    expect(run.code).toBe(1)
    expect(failure(run)).toMatch(
      /Invalid input promote-from: expected an existing tag of shop\/backend \(tags nearby: v2\.1\.0/,
    )
    expect(failure(run)).toContain('got "v2.1.1"')
    expect(readFileSync(argvLog, 'utf8')).toBe(argvBefore)
    expect(await ecrManifest('shop/backend', 'v2.1.1-prod')).toBeUndefined()
  })
})

/** Lines starting a workflow command whose name or data start carries `marker`, or `##[` lines. */
function injected(run: BundleRun, marker: string): string[] {
  const own = new RegExp(`^\\s*::[\\w-]+(?:\\s[^:]*)?::${marker}`)
  return run.stdout
    .split(/\r\n|\r|\n/)
    .filter((l) => (own.test(l) || (!/^\s*::/.test(l) && l.includes('##['))) && l.includes(marker))
}

describe('ecr-push hardening (issue 14)', () => {
  test('item 5: build output echoing workflow commands (a Dockerfile from a pull request) starts none', async () => {
    mkdirSync(join(workspace, 'inject'), { recursive: true })
    writeFileSync(
      join(workspace, 'inject', 'Dockerfile'),
      'FROM busybox\nRUN echo "::warning::injected-by-build" && echo "##[error]injected-v1"\n',
    )
    const run = await runBundle('ecr-push', {
      inputs: { repository: 'shop/backend', tags: 'inject', context: 'inject', registry: registry.host },
      env: env(),
    })
    expect(failure(run)).toBe('')
    const plain = run.stdout.replace(/\u200b/g, '')
    expect(plain).toContain('::warning::injected-by-build')
    expect(plain).toMatch(/^\[command\]\S*docker build /m) // @actions/exec's familiar command line
    expect(injected(run, 'injected')).toEqual([])
  })
})

describe('ecr-push cancellation (issue 14, item 9)', () => {
  test('SIGINT mid-build: docker is interrupted, nothing is pushed, outputs, summary and a left: line are written at once', async () => {
    mkdirSync(join(workspace, 'slow'), { recursive: true })
    writeFileSync(join(workspace, 'slow', 'Dockerfile'), 'FROM busybox\nRUN echo sleeping-"now" && sleep 60\n')
    const run = await runBundle('ecr-push', {
      inputs: { repository: 'shop/backend', tags: 'cancelled', context: 'slow', registry: registry.host },
      env: env(),
      // The runner's protocol: SIGINT once the RUN step is under way, SIGTERM 7.5 s later if needed.
      // Its container has printed (the quotes keep the marker out of the step's own line), so it has
      // started: dockerd's legacy builder, cancelled between
      // creating a RUN container ("Running in") and starting it, kills it before the start and then
      // starts it anyway (builder/dockerfile containerManager.Run), which leaves it running its 60 s.
      cancelWhen: (out) => out.includes('sleeping-now'),
    })
    expect(run.signalsSent).toEqual(['SIGINT']) // it stopped on SIGINT; SIGTERM was never due
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/Running in \w+/) // the RUN container was started before the SIGINT
    expect(run.stdout).toContain('received SIGINT: the job is being cancelled')
    const left = `nothing pushed to ${registry.host}/shop/backend; the post step logs docker out; a re-run builds and pushes again`
    expect(failure(run)).toMatch(/^::error::cancelled \(SIGINT\)/)
    expect(failure(run)).toContain(`(left: ${left})`)
    expect(run.stdout.split('\n')).toContain(`left: ${left}`)
    expect(run.outputs.registry).toBe(registry.host)
    expect(run.outputs.digest).toBeUndefined()
    expect(run.summary).toContain('cancelled (not pushed)') // the tag named "cancelled"
    expect(run.summary).toContain('| Digest | unknown |')
    expect(await registry.tags('shop/backend')).not.toContain('cancelled')
    // The build container was stopped, not left running for its 60 s. dockerd kills and removes it
    // once it sees the client go (builder/dockerfile containerManager.Run on ctx.Done); under CI load
    // that takes seconds, so poll well inside the 60 s the RUN step would otherwise take.
    const running = async () => (await dockerd.docker(['ps', '-q'])).trim()
    const until = Date.now() + 30_000
    while (Date.now() < until && (await running()) !== '') await new Promise((r) => setTimeout(r, 200))
    expect(await running()).toBe('')
    // The post step still logs out.
    const post = await runBundle('ecr-push', { postOf: run })
    expect(post.stdout).toContain(`logged out of ${registry.host}`)
  }, 120_000)
})

describe('ecr-push retries (issue 14, item 10)', () => {
  let proxy: FaultProxy
  beforeAll(async () => {
    proxy = await startFaultProxy(registry.url)
    // The layers are in the registry already, so every later push prints "Layer already exists".
    const warm = await runBundle('ecr-push', {
      inputs: { repository: 'shop/backend', tags: 'warm', context: 'app', registry: `127.0.0.1:${proxy.port}` },
      env: env(),
    })
    expect(failure(warm)).toBe('')
  }, 120_000)
  afterAll(async () => {
    await proxy?.stop()
  })

  test.each([
    ['a registry 500', () => proxy.failWith('', 500, { method: 'PUT', match: '/manifests/' })],
    ['a connection reset', () => proxy.resetOnce('', { match: '/manifests/retried-reset' })],
  ])('%s on the manifest PUT is retried, though docker printed "Layer already exists"', async (name, fault) => {
    const tag = name === 'a registry 500' ? 'retried-500' : 'retried-reset'
    const host = `127.0.0.1:${proxy.port}`
    proxy.clear()
    fault()
    const run = await runBundle('ecr-push', {
      inputs: { repository: 'shop/backend', tags: tag, context: 'app', registry: host },
      env: env(),
    })
    expect(failure(run)).toBe('')
    expect(run.stdout).toContain('Layer already exists') // the line that used to make the failure "permanent"
    expect(run.stdout).toMatch(new RegExp(`::warning::push of ${host}/shop/backend:${tag} failed \\(attempt 1: `))
    expect(proxy.requests.some((r) => r.fault === (name === 'a registry 500' ? 'status' : 'reset'))).toBe(true)
    expect(run.outputs.digest).toBe((await registry.manifest('shop/backend', tag)).digest)
  })
})

describe('ecr-push build secrets (issue 14, item 4)', () => {
  const SECRET = 'npm-secret-5e1f07c2a9'
  test('secret-build-args reach RUN --mount=type=secret, never argv, ps, the log or the image', async () => {
    // The daemon here has no bridge network, so BuildKit's RUN steps need --network none; and the
    // Debian docker CLI (20.10) carries BuildKit itself, where newer CLIs need the buildx component.
    const bkShim = tempDir('ecr-push-bk-shim')
    writeFileSync(
      join(bkShim, 'docker'),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\n` +
        `if [ "$1" = build ]; then shift; exec /usr/bin/docker build --network none "$@"; fi\nexec /usr/bin/docker "$@"\n`,
    )
    chmodSync(join(bkShim, 'docker'), 0o755)
    mkdirSync(join(workspace, 'secret'), { recursive: true })
    writeFileSync(
      join(workspace, 'secret', 'Dockerfile'),
      'FROM busybox\nRUN --mount=type=secret,id=NPM_TOKEN wc -c < /run/secrets/NPM_TOKEN > /len\nCMD ["cat", "/len"]\n',
    )
    try {
      const { result: run, lines } = await watchCommandLines(() =>
        runBundle('ecr-push', {
          inputs: {
            repository: 'shop/backend',
            tags: 'with-secret',
            context: 'secret',
            registry: registry.host,
            'secret-build-args': `NPM_TOKEN=${SECRET}`,
          },
          env: { ...env(), PATH: `${bkShim}:${process.env.PATH}` },
        }),
      )
      expect(failure(run)).toBe('')
      expect(run.stdout).toContain('Build (BuildKit)')
      // The build really had the secret: the image holds its length, not its value.
      const ref = run.outputs['image-ref']!
      await dockerd.docker(['rmi', '-f', `${registry.host}/shop/backend:with-secret`])
      await dockerd.docker(['pull', ref])
      expect((await dockerd.docker(['run', '--rm', '--network', 'none', ref])).trim()).toBe(String(SECRET.length))
      const history = await dockerd.docker(['history', '--no-trunc', ref])
      const inspect = await dockerd.docker(['inspect', ref])
      expect(history).toContain('/run/secrets/NPM_TOKEN')
      for (const text of [history, inspect, readFileSync(argvLog, 'utf8'), [...lines].join('\n'), run.stderr])
        expect(text).not.toContain(SECRET)
      // In our output only as the mask registration, which comes before anything else.
      const out = run.stdout.split('\n')
      expect(out.filter((l) => l.includes(SECRET))).toEqual([`::add-mask::${SECRET}`])
      expect(out[0]).toBe(`::add-mask::${SECRET}`)
    } finally {
      removeDir(bkShim)
    }
  }, 120_000)
})
