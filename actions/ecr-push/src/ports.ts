// The I/O of ecr-push: what main.ts needs (interfaces) and the adapters that provide it (the ECR
// API through the AWS SDK, the Docker Registry HTTP API through fetch, the docker CLI through
// @actions/exec). Adapters translate provider failures into the error types below, so main.ts
// never matches an AWS error name, an HTTP status or a line of docker's output.
// Loaded by index.ts only after the inputs are valid (it pulls in the SDK).
import { createHash } from 'node:crypto'
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  type ImageIdentifier,
  ListImagesCommand,
  PutImageCommand,
  type Repository,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr'
import { awsErrorName, clientConfig } from '@deploy-actions/aws'
import { DeployError, isTransientNetworkError, type Logger, realClock } from '@deploy-actions/kit'
import { coreLogger, execCommand, maskSecret, saveState, workflowContext } from '@deploy-actions/kit/runtime'
import type { Inputs } from './inputs.ts'
import type { Deps } from './main.ts'
import { isTransientPushError, MANIFEST_MEDIA_TYPES, registryBaseUrl, type SeverityCounts } from './plan.ts'

// ── what main.ts sees ─────────────────────────────────────────────────────────────────────

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
  /** undefined when the repository does not exist. */
  describeRepository(name: string): Promise<EcrRepository | undefined>
  /** Creates the repository with scan on push (or returns it when another job just did). */
  createRepository(name: string): Promise<EcrRepository>
  authorizationToken(): Promise<{ token: string; proxyEndpoint: string }>
  /** undefined when no image carries the tag. */
  getImage(repository: string, tag: string): Promise<EcrImage | undefined>
  listTags(repository: string): Promise<string[]>
  /** PutImage; `exists` when this very image already carries the tag; TagHeld when another one does. */
  putImage(repository: string, tag: string, image: EcrImage): Promise<'created' | 'exists'>
  imageSize(repository: string, digest: string): Promise<number | undefined>
  startScan(repository: string, digest: string): Promise<void>
  /** undefined when no scan of that image exists yet. */
  scanFindings(repository: string, digest: string): Promise<ScanFindings | undefined>
}

/** A command that ran and failed; `transient` when the failure itself (not any output line) says a retry may help. */
export class CommandFailed extends Error {
  override name = 'CommandFailed'
  readonly transient: boolean
  constructor(message: string, transient: boolean) {
    super(message)
    this.transient = transient
  }
}

/** The registry could not answer now (a 5xx, throttling, a dropped connection): worth another try. */
export class RegistryUnavailable extends Error {
  override name = 'RegistryUnavailable'
}

/** ECR refused to write a tag that already holds a different image. */
export class TagHeld extends Error {
  override name = 'TagHeld'
}

export interface DockerPort {
  /** True when `docker build` can use BuildKit (the buildx component is present). */
  buildkit(): Promise<boolean>
  /** `docker login --password-stdin`: the password goes through stdin only. */
  login(host: string, username: string, password: string): Promise<void>
  /** `secretEnv`: variables docker reads build secrets from (never argv). */
  build(args: string[], buildkit: boolean, secretEnv?: Record<string, string>): Promise<void>
  tag(source: string, target: string): Promise<void>
  /** Throws CommandFailed (transient or not). */
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
  /** The manifest stored under `reference`, with the digest the registry reports; undefined on 404. Throws RegistryUnavailable. */
  manifest(
    host: string,
    repository: string,
    reference: string,
    credentials?: Credentials,
  ): Promise<RegistryManifest | undefined>
}

export interface Ports {
  ecr: EcrPort
  docker: DockerPort
  registry: RegistryPort
}

/** Everything `run` needs on a runner: the adapters, the runner's logger and hooks, the workflow context. */
export async function runnerDeps(inputs: Inputs, signal: AbortSignal): Promise<Deps> {
  return {
    ecr: sdkEcr(inputs.region, undefined, signal),
    docker: execDocker(coreLogger, signal),
    registry: httpRegistry(fetch, signal),
    log: coreLogger,
    clock: realClock,
    source: await workflowContext(),
    mask: maskSecret,
    saveState,
    signal,
  }
}

// ── ECR through the AWS SDK v3 ────────────────────────────────────────────────────────────

function toRepository(r: Repository | undefined, name: string): EcrRepository {
  if (!r?.repositoryUri) throw new DeployError(`ECR returned no URI for repository ${name}`)
  return {
    name: r.repositoryName ?? name,
    uri: r.repositoryUri,
    immutable: (r.imageTagMutability ?? 'MUTABLE').startsWith('IMMUTABLE'),
    scanOnPush: r.imageScanningConfiguration?.scanOnPush ?? false,
  }
}

export function sdkEcr(region: string, client = new ECRClient(clientConfig(region)), signal?: AbortSignal): EcrPort {
  // A cancelled job aborts the call in flight (and the SDK's retries of it).
  const options = signal ? { abortSignal: signal } : {}
  const getImage = async (repositoryName: string, imageId: ImageIdentifier): Promise<EcrImage | undefined> => {
    const out = await client.send(
      new BatchGetImageCommand({ repositoryName, imageIds: [imageId], acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES] }),
      options,
    )
    const image = out.images?.[0]
    if (!image?.imageManifest || !image.imageId?.imageDigest) {
      const failure = out.failures?.[0]
      if (!failure || failure.failureCode === 'ImageNotFound' || failure.failureCode === 'ImageTagDoesNotMatchDigest')
        return undefined
      throw new DeployError(`BatchGetImage ${repositoryName}: ${failure.failureCode}: ${failure.failureReason}`)
    }
    return { manifest: image.imageManifest, mediaType: image.imageManifestMediaType, digest: image.imageId.imageDigest }
  }

  return {
    async describeRepository(name) {
      try {
        const out = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }), options)
        return toRepository(out.repositories?.[0], name)
      } catch (error) {
        if (awsErrorName(error) === 'RepositoryNotFoundException') return undefined
        throw error
      }
    },
    async createRepository(name) {
      try {
        const out = await client.send(
          new CreateRepositoryCommand({ repositoryName: name, imageScanningConfiguration: { scanOnPush: true } }),
          options,
        )
        return toRepository(out.repository, name)
      } catch (error) {
        // Another job created it between our look and our create: use it.
        if (awsErrorName(error) !== 'RepositoryAlreadyExistsException') throw error
        const out = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }), options)
        return toRepository(out.repositories?.[0], name)
      }
    },
    async authorizationToken() {
      const out = await client.send(new GetAuthorizationTokenCommand({}), options)
      const data = out.authorizationData?.[0]
      if (!data?.authorizationToken || !data.proxyEndpoint)
        throw new DeployError('ECR GetAuthorizationToken returned no token')
      return { token: data.authorizationToken, proxyEndpoint: data.proxyEndpoint }
    },
    getImage: (repository, tag) => getImage(repository, { imageTag: tag }),
    async listTags(repositoryName) {
      const tags: string[] = []
      let nextToken: string | undefined
      do {
        const out = await client.send(
          new ListImagesCommand({ repositoryName, nextToken, filter: { tagStatus: 'TAGGED' } }),
          options,
        )
        for (const id of out.imageIds ?? []) if (id.imageTag) tags.push(id.imageTag)
        nextToken = out.nextToken
      } while (nextToken && tags.length < 5000)
      return tags
    },
    async putImage(repositoryName, imageTag, image) {
      try {
        await client.send(
          new PutImageCommand({
            repositoryName,
            imageTag,
            imageManifest: image.manifest,
            imageManifestMediaType: image.mediaType,
            imageDigest: image.digest,
          }),
          options,
        )
        return 'created'
      } catch (error) {
        const name = awsErrorName(error)
        if (name === 'ImageAlreadyExistsException') {
          const current = await getImage(repositoryName, { imageTag })
          if (current?.digest === image.digest) return 'exists'
        }
        if (name === 'ImageAlreadyExistsException' || name === 'ImageTagAlreadyExistsException')
          throw new TagHeld(`ECR refused tag ${imageTag} of ${repositoryName}: ${(error as Error).message}`)
        throw error
      }
    },
    async imageSize(repositoryName, digest) {
      const out = await client.send(
        new DescribeImagesCommand({ repositoryName, imageIds: [{ imageDigest: digest }] }),
        options,
      )
      return out.imageDetails?.[0]?.imageSizeInBytes
    },
    async startScan(repositoryName, digest) {
      try {
        await client.send(new StartImageScanCommand({ repositoryName, imageId: { imageDigest: digest } }), options)
      } catch (error) {
        // Scan on push already started one, or today's scan exists: the findings will tell.
        if (awsErrorName(error) !== 'LimitExceededException') throw error
      }
    },
    async scanFindings(repositoryName, digest) {
      try {
        const out = await client.send(
          new DescribeImageScanFindingsCommand({ repositoryName, imageId: { imageDigest: digest } }),
          options,
        )
        const counts: Record<string, number> = {}
        for (const [k, v] of Object.entries(out.imageScanFindings?.findingSeverityCounts ?? {}))
          if (v !== undefined) counts[k] = v
        return {
          status: out.imageScanStatus?.status ?? 'UNKNOWN',
          ...(out.imageScanStatus?.description ? { description: out.imageScanStatus.description } : {}),
          counts,
        }
      } catch (error) {
        if (awsErrorName(error) === 'ScanNotFoundException') return undefined
        throw error
      }
    },
  }
}

// ── the registry's own HTTP API (digests as the registry reports them) ─────────────────────

export function httpRegistry(fetchImpl: typeof fetch = fetch, cancel?: AbortSignal): RegistryPort {
  return {
    async manifest(host, repository, reference, credentials?: Credentials) {
      const url = `${registryBaseUrl(host)}/v2/${repository}/manifests/${reference}`
      const headers: Record<string, string> = { Accept: MANIFEST_MEDIA_TYPES.join(', ') }
      if (credentials) {
        headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
      }
      let res: Response
      let body: Buffer
      try {
        const timeout = AbortSignal.timeout(30_000)
        res = await fetchImpl(url, { headers, signal: cancel ? AbortSignal.any([timeout, cancel]) : timeout })
        body = Buffer.from(await res.arrayBuffer())
      } catch (error) {
        if (cancel?.aborted) throw error
        if (isTransientNetworkError(error) || (error as Error).name === 'TimeoutError')
          throw new RegistryUnavailable(`GET ${url}: ${(error as Error).message}`, { cause: error })
        throw error
      }
      if (res.status === 404) return undefined
      if (res.status >= 500 || res.status === 429)
        throw new RegistryUnavailable(`registry answered ${res.status} for GET ${url}`)
      if (!res.ok) throw new DeployError(`registry answered ${res.status} for GET ${url}`)
      const computed = `sha256:${createHash('sha256').update(body).digest('hex')}`
      const reported = res.headers.get('docker-content-digest') ?? computed
      if (reported !== computed) {
        throw new DeployError(
          `registry reported digest ${reported} for ${url} but the manifest bytes hash to ${computed}`,
        )
      }
      const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim() || undefined
      return { digest: reported, mediaType, body: body.toString('utf8') }
    },
  }
}

// ── the docker CLI through @actions/exec ─────────────────────────────────────────────────

interface DockerRun {
  /** Bytes for stdin (the login password): never in argv. */
  input?: string
  env?: Record<string, string>
  /** No `[command]` line and no output (probes). */
  silent?: boolean
}

/** The tail of a stream kept for error messages. */
const KEEP = 64 * 1024

async function docker(args: string[], options: DockerRun = {}, signal?: AbortSignal): Promise<void> {
  let stderr = ''
  let code: number
  try {
    // Output goes through kit's commandSafeStream (docker echoes labels and build output);
    // a cancelled job sends the running docker SIGINT, as Ctrl-C would.
    code = await execCommand(
      'docker',
      args,
      {
        ignoreReturnCode: true,
        silent: options.silent ?? false,
        ...(options.input === undefined ? {} : { input: Buffer.from(options.input) }),
        ...(options.env ? { env: { ...definedEnv(process.env), ...options.env } } : {}),
        listeners: {
          stderr: (chunk) => {
            stderr = (stderr + chunk.toString()).slice(-KEEP)
          },
        },
      },
      signal,
    )
  } catch (error) {
    if (signal?.aborted) throw error
    throw new CommandFailed(
      `docker ${args[0]} could not start: ${(error as Error).message} (is docker installed?)`,
      false,
    )
  }
  signal?.throwIfAborted()
  if (code === 0) return
  // docker prints progress ("Layer already exists", "Pushed") on stdout and the failure on
  // stderr: classify by the failure only.
  const failure = stderr.trim().split('\n').slice(-3).join(' ').slice(-500)
  throw new CommandFailed(`docker ${args[0]} exited with ${code}: ${failure}`, isTransientPushError(failure))
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v
  return out
}

/** The docker CLI; with `signal`, a cancelled job interrupts the running command and starts no other. */
export function execDocker(log: Logger, signal?: AbortSignal): DockerPort {
  return {
    async buildkit() {
      return docker(['buildx', 'version'], { silent: true }, signal).then(
        () => true,
        () => false,
      )
    },
    async login(host, username, password) {
      await docker(['login', '--username', username, '--password-stdin', host], { input: `${password}\n` }, signal)
      log.info(`logged in to ${host} as ${username}`)
    },
    async build(args, buildkit, secretEnv = {}) {
      await docker(args, { env: { ...secretEnv, DOCKER_BUILDKIT: buildkit ? '1' : '0' } }, signal)
    },
    async tag(source, target) {
      await docker(['tag', source, target], {}, signal)
    },
    async push(ref) {
      await docker(['push', ref], {}, signal)
    },
    async logout(host) {
      await docker(['logout', host])
      log.info(`logged out of ${host}`)
    },
  }
}
