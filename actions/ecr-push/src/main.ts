// The I/O edge of ecr-push: ECR, docker and the registry come in as ports, so tests drive `run`
// with real local services or fakes and no module is mocked.
import {
  type Clock,
  ConfigurationError,
  DeployError,
  isTransientNetworkError,
  type Logger,
  retry,
  waitUntil,
} from '@deploy-actions/kit'
import type { Inputs } from './inputs.ts'
import {
  buildArguments,
  decodeAuthorizationToken,
  defaultLabels,
  digestRef,
  formatCounts,
  imageRef,
  isTransientPushError,
  manifestMediaType,
  manifestSize,
  nearbyTags,
  type PushReport,
  registryHost,
  type SeverityCounts,
  scanGate,
} from './plan.ts'

export interface EcrRepository {
  name: string
  /** `123456789012.dkr.ecr.eu-west-1.amazonaws.com/name` */
  uri: string
  immutable: boolean
  scanOnPush: boolean
}

export interface EcrImage {
  manifest: string
  mediaType: string | undefined
  digest: string
}

export interface ScanFindings {
  /** IN_PROGRESS, COMPLETE, FAILED, ACTIVE, PENDING, … as ECR reports it. */
  status: string
  description?: string
  counts: SeverityCounts
}

export interface EcrPort {
  describeRepository(name: string): Promise<EcrRepository | undefined>
  /** Creates the repository with scan on push. */
  createRepository(name: string): Promise<EcrRepository>
  authorizationToken(): Promise<{ token: string; proxyEndpoint: string }>
  getImage(repository: string, tag: string): Promise<EcrImage | undefined>
  listTags(repository: string): Promise<string[]>
  /** PutImage; `exists` when ECR says this very image already carries the tag. */
  putImage(repository: string, tag: string, image: EcrImage): Promise<'created' | 'exists'>
  imageSize(repository: string, digest: string): Promise<number | undefined>
  startScan(repository: string, digest: string): Promise<void>
  /** undefined when no scan of that image exists yet. */
  scanFindings(repository: string, digest: string): Promise<ScanFindings | undefined>
}

export class DockerCommandError extends Error {
  override name = 'DockerCommandError'
  readonly output: string
  constructor(message: string, output: string) {
    super(message)
    this.output = output
  }
}

export interface DockerPort {
  /** True when `docker build` can use BuildKit (the buildx component is present). */
  buildkit(): Promise<boolean>
  /** `docker login --password-stdin`: the password goes through stdin only. */
  login(host: string, username: string, password: string): Promise<void>
  build(args: string[], buildkit: boolean): Promise<void>
  tag(source: string, target: string): Promise<void>
  push(ref: string): Promise<void>
  logout(host: string): Promise<void>
}

export interface Credentials {
  username: string
  password: string
}

export interface RegistryManifest {
  digest: string
  mediaType: string | undefined
  body: string
}

export interface RegistryPort {
  /** The manifest stored under `reference`, with the digest the registry reports; undefined on 404. */
  manifest(
    host: string,
    repository: string,
    reference: string,
    credentials?: Credentials,
  ): Promise<RegistryManifest | undefined>
}

export interface Deps {
  ecr: EcrPort
  docker: DockerPort
  registry: RegistryPort
  log: Logger
  clock: Clock
  env: NodeJS.ProcessEnv
  /** Registers a secret with the runner (core.setSecret) before anything can print it. */
  mask(secret: string): void
  /** Hands state to the post step (core.saveState). */
  saveState(name: string, value: string): void
  /** Called as soon as an output is known, so outputs are set even when a later step fails. */
  output(name: string, value: string): void
  scanTimeoutMs?: number
  scanIntervalMs?: number
  retryBaseMs?: number
}

export function newReport(inputs: Inputs): PushReport {
  return {
    mode: inputs.mode,
    registry: inputs.registry ?? '',
    repository: inputs.repository,
    tags: inputs.tags,
    tagResults: {},
  }
}

/** Runs the action; `report` is filled in as steps complete, so a failure still has a summary. */
export async function run(inputs: Inputs, deps: Deps, report: PushReport = newReport(inputs)): Promise<PushReport> {
  const { log } = deps
  const repo = await log.group(`Repository ${inputs.repository}`, () => ensureRepository(inputs, deps))
  if (!inputs.registry) report.registry = registryHost(repo.uri.split('/')[0] ?? repo.uri)
  if (inputs.mode === 'promote') {
    await promote(inputs, repo, deps, report)
  } else {
    await buildAndPush(inputs, deps, report)
  }
  if (inputs.scan && report.digest) await log.group('Scan', () => scanStep(inputs, report.digest!, deps, report))
  return report
}

async function ensureRepository(inputs: Inputs, deps: Deps): Promise<EcrRepository> {
  const existing = await deps.ecr.describeRepository(inputs.repository)
  if (existing) {
    deps.log.info(`repository ${existing.uri} (tags ${existing.immutable ? 'immutable' : 'mutable'})`)
    return existing
  }
  if (!inputs.createRepository || inputs.mode === 'promote') {
    throw new DeployError(
      `ECR repository "${inputs.repository}" does not exist in region ${inputs.region}` +
        (inputs.mode === 'promote' ? '' : ' (create it, or set create-repository: true)'),
      { leftState: 'nothing changed' },
    )
  }
  const created = await deps.ecr.createRepository(inputs.repository)
  deps.log.info(`created repository ${created.uri} in ${inputs.region} with scan on push`)
  return created
}

function publishOutputs(report: PushReport, deps: Deps): void {
  const first = report.tags[0]
  deps.output('registry', report.registry)
  deps.output('tags', report.tags.join(','))
  if (first) deps.output('image', imageRef(report.registry, report.repository, first))
  if (report.digest) {
    deps.output('digest', report.digest)
    deps.output('image-ref', digestRef(report.registry, report.repository, report.digest))
  }
}

async function promote(inputs: Inputs, repo: EcrRepository, deps: Deps, report: PushReport): Promise<void> {
  const { ecr, log } = deps
  const from = inputs.promoteFrom!
  report.source = `${inputs.repository}:${from}`
  const source = await ecr.getImage(inputs.repository, from)
  if (!source) {
    const tags = await ecr.listTags(inputs.repository)
    const near = nearbyTags(from, tags)
    throw new ConfigurationError(
      'promote-from',
      `an existing tag of ${inputs.repository} (${near.length ? `tags nearby: ${near.join(', ')}` : 'the repository has no tags'})`,
      from,
    )
  }
  report.digest = source.digest
  report.mediaType = source.mediaType ?? manifestMediaType(source.manifest)
  report.sizeBytes = manifestSize(source.manifest) ?? (await ecr.imageSize(inputs.repository, source.digest))
  publishOutputs(report, deps)
  await log.group(`Promote ${from} → ${inputs.tags.join(', ')} (manifest copy)`, async () => {
    log.info(`source ${inputs.repository}:${from} is ${source.digest} (${report.mediaType ?? 'media type unknown'})`)
    for (const tag of inputs.tags) {
      report.tagResults[tag] = await promoteTag(inputs, repo, tag, source, deps, report)
      log.info(`${tag}: ${report.tagResults[tag]}`)
    }
  })
}

async function promoteTag(
  inputs: Inputs,
  repo: EcrRepository,
  tag: string,
  source: EcrImage,
  deps: Deps,
  report: PushReport,
): Promise<string> {
  const { ecr } = deps
  const check = async (): Promise<string | undefined> => {
    const current = await ecr.getImage(inputs.repository, tag)
    if (!current) return undefined
    if (current.digest === source.digest) return 'unchanged (already this image)'
    if (repo.immutable) {
      const done = Object.keys(report.tagResults)
      throw new DeployError(
        `tag ${tag} of immutable repository ${inputs.repository} already holds a different image (${current.digest}), ` +
          `not ${source.digest}: choose a new tag, or delete that image first`,
        {
          leftState: done.length
            ? `promoted ${done.join(', ')}; ${tag} untouched`
            : `nothing changed; ${tag} untouched`,
        },
      )
    }
    return undefined
  }
  const before = await check()
  if (before) return before
  const image: EcrImage = { ...source, mediaType: source.mediaType ?? manifestMediaType(source.manifest) }
  try {
    const result = await ecr.putImage(inputs.repository, tag, image)
    return result === 'exists' ? 'unchanged (already this image)' : 'promoted'
  } catch (error) {
    // A concurrent writer, or ECR refusing an immutable tag: say which.
    const after = await check()
    if (after) return after
    throw error
  }
}

async function buildAndPush(inputs: Inputs, deps: Deps, report: PushReport): Promise<void> {
  const { ecr, docker, log } = deps
  const auth = await ecr.authorizationToken()
  const { username, password } = decodeAuthorizationToken(auth.token)
  deps.mask(password)
  deps.mask(auth.token)
  const host = inputs.registry ?? registryHost(auth.proxyEndpoint)
  report.registry = host
  const credentials = { username, password }
  await log.group(`Log in to ${host}`, async () => {
    await docker.login(host, username, password)
    deps.saveState('registry', host)
  })
  publishOutputs(report, deps)

  const refs = inputs.tags.map((tag) => imageRef(host, inputs.repository, tag))
  if (inputs.mode === 'image') {
    report.source = inputs.image!
    await log.group(`Tag ${inputs.image}`, async () => {
      for (const ref of refs) await docker.tag(inputs.image!, ref)
    })
  } else {
    report.source = inputs.dockerfile
    const buildkit = await docker.buildkit()
    const labels = {
      ...defaultLabels({ version: inputs.version, now: new Date(deps.clock.now()), env: deps.env }),
      ...inputs.labels,
    }
    const args = buildArguments({
      context: inputs.context,
      dockerfile: inputs.dockerfile,
      buildArgs: inputs.buildArgs,
      labels,
      refs,
      ...(inputs.target ? { target: inputs.target } : {}),
      ...(inputs.platform ? { platform: inputs.platform } : {}),
    })
    await log.group(`Build (${buildkit ? 'BuildKit' : 'classic builder: no buildx component'})`, () =>
      docker.build(args, buildkit),
    )
  }

  for (const [i, ref] of refs.entries()) {
    const tag = inputs.tags[i]!
    await log.group(`Push ${ref}`, () =>
      retry(() => docker.push(ref), {
        attempts: 4,
        baseDelayMs: deps.retryBaseMs ?? 2000,
        clock: deps.clock,
        retryable: (e) => e instanceof DockerCommandError && isTransientPushError(e.output),
        onRetry: ({ attempt, delayMs, error }) =>
          log.warning(
            `push of ${ref} failed (attempt ${attempt}: ${(error as Error).message}); retrying in ${delayMs} ms`,
          ),
      }),
    )
    report.tagResults[tag] = 'pushed'
  }

  // The digest comes from the registry itself, never from docker's log text.
  const manifests = await log.group('Digest from the registry', async () => {
    const found: Array<{ tag: string; manifest: RegistryManifest }> = []
    for (const tag of inputs.tags) {
      const manifest = await retry(() => deps.registry.manifest(host, inputs.repository, tag, credentials), {
        attempts: 4,
        baseDelayMs: deps.retryBaseMs ?? 1000,
        clock: deps.clock,
        retryable: (e) => isTransientNetworkError(e) || /\b5\d\d\b/.test(String((e as Error).message)),
      })
      if (!manifest)
        throw new DeployError(
          `the registry has no manifest for ${imageRef(host, inputs.repository, tag)} right after the push`,
        )
      log.info(`${tag}: ${manifest.digest}`)
      found.push({ tag, manifest })
    }
    return found
  })
  const first = manifests[0]!.manifest
  const differing = manifests.filter((m) => m.manifest.digest !== first.digest)
  report.digest = first.digest
  report.mediaType = first.mediaType ?? manifestMediaType(first.body)
  publishOutputs(report, deps)
  if (differing.length) {
    throw new DeployError(
      `tags point at different images after the push: ${manifests.map((m) => `${m.tag}=${m.manifest.digest}`).join(', ')}`,
      { leftState: 'all tags pushed; another writer moved some of them' },
    )
  }
  report.sizeBytes =
    manifestSize(first.body) ?? (await ecr.imageSize(inputs.repository, first.digest).catch(() => undefined))
}

async function scanStep(inputs: Inputs, digest: string, deps: Deps, report: PushReport): Promise<void> {
  const { ecr, log } = deps
  const what = `image scan of ${inputs.repository}@${digest}`
  if (!(await ecr.scanFindings(inputs.repository, digest))) {
    log.info(`starting ${what}`)
    await ecr.startScan(inputs.repository, digest)
  }
  log.info(`waiting for ${what}`)
  const findings = await waitUntil<ScanFindings>(
    async () => {
      const f = await ecr.scanFindings(inputs.repository, digest)
      if (f && (f.status === 'COMPLETE' || f.status === 'ACTIVE')) return { done: f }
      if (f && (f.status === 'FAILED' || f.status === 'UNSUPPORTED_IMAGE')) {
        throw new DeployError(`${what} ended ${f.status}: ${f.description ?? 'no reason given'}`, {
          leftState: `image pushed as ${inputs.tags.join(', ')} but not scanned`,
        })
      }
      return { detail: f ? f.status : 'not started yet' }
    },
    {
      what,
      timeoutMs: deps.scanTimeoutMs ?? 30 * 60_000,
      intervalMs: deps.scanIntervalMs ?? 5000,
      log: (line) => log.info(line),
      clock: deps.clock,
    },
  )
  const gate = scanGate(findings.counts, inputs.failOnSeverity)
  report.scan = { status: findings.status, counts: findings.counts, threshold: inputs.failOnSeverity, gate }
  log.info(`scan ${findings.status}: ${formatCounts(findings.counts)}`)
  if (gate.failed) {
    throw new DeployError(
      `scan found ${gate.blocking} finding(s) at or above ${inputs.failOnSeverity} (${formatCounts(findings.counts)})`,
      { leftState: `image ${digest} is in ${inputs.repository} as ${inputs.tags.join(', ')}; do not deploy it` },
    )
  }
}
