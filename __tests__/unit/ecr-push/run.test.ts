// run() with injected fakes: retries, progress lines, outputs on failure, promotion rules.
import { createHash } from 'node:crypto'
import { DeployError, recordingLogger, steppingClock } from '@deploy-actions/kit'
import type { Inputs } from '../../../actions/ecr-push/src/inputs.ts'
import { type Deps, run } from '../../../actions/ecr-push/src/main.ts'
import { isTransientPushError } from '../../../actions/ecr-push/src/plan.ts'
import {
  CommandFailed,
  type DockerPort,
  type EcrImage,
  type EcrPort,
  type EcrRepository,
  type RegistryPort,
  type ScanFindings,
} from '../../../actions/ecr-push/src/ports.ts'
import { newReport, outputsOf, type PushReport } from '../../../actions/ecr-push/src/report.ts'

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
const PASSWORD = 'very-secret-ecr-password'

const manifestOf = (layer: string) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { size: 10, digest: 'sha256:c' },
    layers: [{ size: 90, digest: `sha256:${layer}` }],
  })
const digestOf = (m: string) => `sha256:${createHash('sha256').update(m).digest('hex')}`

function fakeEcr(options: { immutable?: boolean; exists?: boolean; scans?: ScanFindings[] } = {}) {
  const images = new Map<string, EcrImage>()
  const calls: string[] = []
  let repo: EcrRepository | undefined =
    options.exists === false
      ? undefined
      : { name: 'shop/api', uri: `${HOST}/shop/api`, immutable: options.immutable ?? false, scanOnPush: false }
  const scans = [...(options.scans ?? [])]
  let scanStarted = false
  const ecr: EcrPort = {
    describeRepository: async () => repo,
    createRepository: async (name) => {
      calls.push(`create ${name}`)
      repo = { name, uri: `${HOST}/${name}`, immutable: false, scanOnPush: true }
      return repo
    },
    authorizationToken: async () => ({
      token: Buffer.from(`AWS:${PASSWORD}`).toString('base64'),
      proxyEndpoint: `https://${HOST}`,
    }),
    getImage: async (_r, tag) => images.get(tag),
    listTags: async () => [...images.keys()],
    putImage: async (_r, tag, image) => {
      calls.push(`put ${tag}`)
      if (images.get(tag)?.digest === image.digest) return 'exists'
      images.set(tag, image)
      return 'created'
    },
    imageSize: async () => 100,
    startScan: async () => {
      calls.push('start scan')
      scanStarted = true
    },
    scanFindings: async () => (scanStarted ? (scans.length > 1 ? scans.shift() : scans[0]) : undefined),
  }
  return { ecr, images, calls }
}

function fakeDocker(pushFailures: string[] = []) {
  const calls: string[] = []
  const failures = [...pushFailures]
  const docker: DockerPort = {
    buildkit: async () => false,
    login: async (host, user) => void calls.push(`login ${user} ${host}`),
    build: async (args) => void calls.push(`build ${args.join(' ')}`),
    tag: async (s, t) => void calls.push(`tag ${s} ${t}`),
    push: async (ref) => {
      calls.push(`push ${ref}`)
      const f = failures.shift()
      if (f) throw new CommandFailed(`docker push exited with 1: ${f}`, isTransientPushError(f))
    },
    logout: async (host) => void calls.push(`logout ${host}`),
  }
  return { docker, calls }
}

const pushed = manifestOf('built')
const registry: RegistryPort = {
  manifest: async () => ({
    digest: digestOf(pushed),
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    body: pushed,
  }),
}

function inputs(over: Partial<Inputs> = {}): Inputs {
  return {
    mode: 'build',
    repository: 'shop/api',
    tags: ['v2.1.0', 'latest'],
    version: 'v2.1.0',
    context: '/w',
    dockerfile: '/w/Dockerfile',
    buildArgs: { A: '1' },
    secretBuildArgs: {},
    labels: {},
    createRepository: false,
    scan: false,
    failOnSeverity: 'CRITICAL',
    region: 'eu-west-1',
    ...over,
  }
}

function deps(ecr: EcrPort, docker: DockerPort, clock = steppingClock(1_700_000_000_000)) {
  const log = recordingLogger()
  const masked: string[] = []
  const state: Record<string, string> = {}
  const d: Deps = {
    ecr,
    docker,
    registry,
    log,
    clock,
    source: {},
    mask: (s: string) => void masked.push(s),
    saveState: (k: string, v: string) => {
      state[k] = v
    },
    retryBaseMs: 100,
    scanIntervalMs: 5000,
  }
  return { d, log, masked, state, clock }
}

/** Runs with a fresh report and returns it (also attached to a failure as `report`). */
async function go(i: Inputs, d: Deps, report: PushReport = newReport(i)): Promise<PushReport> {
  try {
    await run(i, d, report)
  } catch (error) {
    Object.assign(error as object, { report })
    throw error
  }
  return report
}

describe('build and push', () => {
  test('masks the password before login, saves the registry for logout, pushes every tag, digest from the registry', async () => {
    const { ecr } = fakeEcr()
    const { docker, calls } = fakeDocker()
    const t = deps(ecr, docker)
    const report = await go(inputs(), t.d)
    expect(t.masked).toContain(PASSWORD)
    expect(calls[0]).toBe(`login AWS ${HOST}`)
    expect(t.state.registry).toBe(HOST)
    expect(calls.filter((c) => c.startsWith('push'))).toEqual([
      `push ${HOST}/shop/api:v2.1.0`,
      `push ${HOST}/shop/api:latest`,
    ])
    expect(calls.find((c) => c.startsWith('build'))).toContain(
      `--tag ${HOST}/shop/api:v2.1.0 --tag ${HOST}/shop/api:latest /w`,
    )
    expect(report.digest).toBe(digestOf(pushed))
    expect(report.sizeBytes).toBe(100)
    expect(outputsOf(report)).toEqual({
      registry: HOST,
      tags: 'v2.1.0,latest',
      image: `${HOST}/shop/api:v2.1.0`,
      digest: digestOf(pushed),
      'image-ref': `${HOST}/shop/api@${digestOf(pushed)}`,
    })
    expect(t.log.lines.join('\n')).not.toContain(PASSWORD)
  })

  test('transient push failures are retried with backoff, bounded', async () => {
    const { ecr } = fakeEcr()
    const { docker, calls } = fakeDocker(['read: connection reset by peer', 'received unexpected HTTP status: 503'])
    const t = deps(ecr, docker)
    await go(inputs({ tags: ['v1'] }), t.d)
    expect(calls.filter((c) => c.startsWith('push'))).toHaveLength(3)
    expect(t.clock.slept).toHaveLength(2)
    expect(t.clock.slept[1]!).toBeGreaterThanOrEqual(100)
    expect(t.log.lines.filter((l) => l.startsWith('warning: push of'))).toHaveLength(2)

    const { docker: always } = fakeDocker(Array(10).fill('i/o timeout'))
    const t2 = deps(fakeEcr().ecr, always)
    const failed = newReport(inputs({ tags: ['v1'] }))
    await expect(go(inputs({ tags: ['v1'] }), t2.d, failed)).rejects.toThrow(/i\/o timeout/)
    expect(t2.clock.slept).toHaveLength(3) // 4 attempts in all
    expect(outputsOf(failed).registry).toBe(HOST) // known before the failure, so set
    expect(outputsOf(failed).digest).toBeUndefined()
  })

  test('a permanent push failure is not retried', async () => {
    const { docker, calls } = fakeDocker(['denied: not authorized'])
    const t = deps(fakeEcr().ecr, docker)
    await expect(go(inputs({ tags: ['v1'] }), t.d)).rejects.toThrow(/denied/)
    expect(calls.filter((c) => c.startsWith('push'))).toHaveLength(1)
  })

  test('image mode tags the local image instead of building', async () => {
    const { docker, calls } = fakeDocker()
    await go(inputs({ mode: 'image', image: 'app:dev', tags: ['v1'] }), deps(fakeEcr().ecr, docker).d)
    expect(calls).toContain(`tag app:dev ${HOST}/shop/api:v1`)
    expect(calls.some((c) => c.startsWith('build'))).toBe(false)
  })

  test('a missing repository: error naming it and the region, or created when allowed', async () => {
    const { docker, calls } = fakeDocker()
    await expect(go(inputs(), deps(fakeEcr({ exists: false }).ecr, docker).d)).rejects.toThrow(
      'ECR repository "shop/api" does not exist in region eu-west-1 (create it, or set create-repository: true)',
    )
    expect(calls).toEqual([])
    const f = fakeEcr({ exists: false })
    await go(inputs({ createRepository: true }), deps(f.ecr, docker).d)
    expect(f.calls).toContain('create shop/api')
  })

  test('the scan gate waits with progress lines and fails at or above the threshold', async () => {
    const progress = { status: 'IN_PROGRESS', counts: {} }
    const done = { status: 'COMPLETE', counts: { CRITICAL: 1, HIGH: 2 } }
    const scans = [...Array(10).fill(progress), done]
    const f = fakeEcr({ scans })
    const t = deps(f.ecr, fakeDocker().docker)
    const report = newReport(inputs())
    await expect(go(inputs({ scan: true, failOnSeverity: 'CRITICAL' }), t.d, report)).rejects.toThrow(
      'scan found 1 finding(s) at or above CRITICAL (CRITICAL 1, HIGH 2, MEDIUM 0, LOW 0, INFORMATIONAL 0)',
    )
    expect(f.calls).toContain('start scan')
    expect(t.log.lines.filter((l) => l.startsWith('waiting for image scan')).length).toBeGreaterThanOrEqual(2)
    expect(report.scan?.counts).toEqual({ CRITICAL: 1, HIGH: 2 })
    expect(report.digest).toBe(digestOf(pushed))

    const ok = fakeEcr({ scans: [done] })
    const passed = await go(inputs({ scan: true, failOnSeverity: 'NONE' }), deps(ok.ecr, fakeDocker().docker).d)
    expect(passed.scan?.gate.failed).toBe(false)
  })

  test('a failed scan is an error that says the image is pushed but not scanned', async () => {
    const f = fakeEcr({ scans: [{ status: 'FAILED', description: 'unsupported OS', counts: {} }] })
    await expect(go(inputs({ scan: true }), deps(f.ecr, fakeDocker().docker).d)).rejects.toThrow(DeployError)
  })
})

describe('promotion', () => {
  const source = manifestOf('staging')
  const setup = (immutable = false) => {
    const f = fakeEcr({ immutable })
    f.images.set('v2.1.0', {
      manifest: source,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      digest: digestOf(source),
    })
    return f
  }
  const promoteInputs = inputs({ mode: 'promote', promoteFrom: 'v2.1.0', tags: ['v2.1.0-prod'] })

  test('copies the manifest and media type with PutImage; no docker at all', async () => {
    const f = setup()
    const { docker, calls } = fakeDocker()
    const t = deps(f.ecr, docker)
    const report = await go(promoteInputs, t.d)
    expect(calls).toEqual([])
    expect(f.images.get('v2.1.0-prod')).toEqual(f.images.get('v2.1.0'))
    expect(report.tagResults).toEqual({ 'v2.1.0-prod': 'promoted' })
    expect(outputsOf(report).digest).toBe(digestOf(source))
    expect(outputsOf(report).registry).toBe(HOST)
  })

  test('an identical existing tag is a no-op', async () => {
    const f = setup()
    await go(promoteInputs, deps(f.ecr, fakeDocker().docker).d)
    f.calls.length = 0
    const report = await go(promoteInputs, deps(f.ecr, fakeDocker().docker).d)
    expect(f.calls).toEqual([])
    expect(report.tagResults['v2.1.0-prod']).toBe('unchanged (already this image)')
  })

  test('immutable repository with a different image at the tag: clear error, nothing written', async () => {
    const f = setup(true)
    const other = manifestOf('other')
    f.images.set('v2.1.0-prod', { manifest: other, mediaType: undefined, digest: digestOf(other) })
    await expect(go(promoteInputs, deps(f.ecr, fakeDocker().docker).d)).rejects.toThrow(
      /tag v2\.1\.0-prod of immutable repository shop\/api already holds a different image/,
    )
    expect(f.calls).toEqual([])
  })

  test('a mutable repository moves the tag', async () => {
    const f = setup(false)
    const other = manifestOf('other')
    f.images.set('v2.1.0-prod', { manifest: other, mediaType: undefined, digest: digestOf(other) })
    await go(promoteInputs, deps(f.ecr, fakeDocker().docker).d)
    expect(f.images.get('v2.1.0-prod')?.digest).toBe(digestOf(source))
  })

  test('an unknown source tag lists the tags nearby', async () => {
    const f = setup()
    f.images.set('v2.0.9', f.images.get('v2.1.0')!)
    await expect(go({ ...promoteInputs, promoteFrom: 'v2.1.1' }, deps(f.ecr, fakeDocker().docker).d)).rejects.toThrow(
      'promote-from: expected an existing tag of shop/api (tags nearby: v2.1.0, v2.0.9), got "v2.1.1"',
    )
    expect(f.calls).toEqual([])
  })
})
