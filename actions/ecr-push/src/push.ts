// Build (or tag a local image) and push: log in with the ECR token (password on stdin), push
// every tag with retries for transient failures, then read the digest from the registry itself,
// never from docker's log text.
import { DeployError, retry } from '@deploy-actions/kit'
import type { Inputs } from './inputs.ts'
import type { Deps } from './main.ts'
import {
  buildArguments,
  decodeAuthorizationToken,
  defaultLabels,
  imageRef,
  manifestMediaType,
  manifestSize,
  REGISTRY_STATE,
  registryHost,
  secretEnvName,
} from './plan.ts'
import { CommandFailed, type Credentials, type RegistryManifest, RegistryUnavailable } from './ports.ts'
import type { PushReport } from './report.ts'

export async function buildAndPush(inputs: Inputs, deps: Deps, report: PushReport): Promise<void> {
  const { ecr, docker, log } = deps
  const auth = await ecr.authorizationToken()
  const { username, password } = decodeAuthorizationToken(auth.token)
  deps.mask(password)
  deps.mask(auth.token)
  const host = inputs.registry ?? registryHost(auth.proxyEndpoint)
  report.registry = host
  await log.group(`Log in to ${host}`, async () => {
    await docker.login(host, username, password)
    deps.saveState(REGISTRY_STATE, host)
  })

  const refs = inputs.tags.map((tag) => imageRef(host, inputs.repository, tag))
  if (inputs.mode === 'image') {
    report.source = inputs.image!
    await log.group(`Tag ${inputs.image}`, async () => {
      for (const ref of refs) await docker.tag(inputs.image!, ref)
    })
  } else {
    await build(inputs, refs, deps, report)
  }
  for (const [i, ref] of refs.entries()) {
    deps.signal?.throwIfAborted()
    await log.group(`Push ${ref}`, () => pushWithRetry(ref, deps))
    report.tagResults[inputs.tags[i]!] = 'pushed'
  }
  await digestFromRegistry(inputs, host, { username, password }, deps, report)
}

async function build(inputs: Inputs, refs: string[], deps: Deps, report: PushReport): Promise<void> {
  report.source = inputs.dockerfile
  const secrets = Object.entries(inputs.secretBuildArgs)
  // Build secrets need BuildKit: the classic builder has no secret mounts. Docker CLIs before 23
  // carry BuildKit themselves; newer ones say the buildx component is missing.
  const buildkit = (await deps.docker.buildkit()) || secrets.length > 0
  const labels = {
    ...defaultLabels({
      version: inputs.version,
      now: new Date(deps.clock.now()),
      ...(deps.source.repositoryUrl ? { source: deps.source.repositoryUrl } : {}),
      ...(deps.source.sha ? { revision: deps.source.sha } : {}),
    }),
    ...inputs.labels,
  }
  const args = buildArguments({
    context: inputs.context,
    dockerfile: inputs.dockerfile,
    buildArgs: inputs.buildArgs,
    secretIds: secrets.map(([id]) => id),
    labels,
    refs,
    ...(inputs.target ? { target: inputs.target } : {}),
    ...(inputs.platform ? { platform: inputs.platform } : {}),
  })
  const secretEnv = Object.fromEntries(secrets.map(([, value], i) => [secretEnvName(i), value]))
  await deps.log.group(`Build (${buildkit ? 'BuildKit' : 'classic builder: no buildx component'})`, () =>
    deps.docker.build(args, buildkit, secretEnv),
  )
}

function pushWithRetry(ref: string, deps: Deps): Promise<void> {
  return retry(() => deps.docker.push(ref), {
    attempts: 4,
    baseDelayMs: deps.retryBaseMs ?? 2000,
    clock: deps.clock,
    retryable: (e) => e instanceof CommandFailed && e.transient,
    ...(deps.signal ? { signal: deps.signal } : {}),
    onRetry: ({ attempt, delayMs, error }) =>
      deps.log.warning(
        `push of ${ref} failed (attempt ${attempt}: ${(error as Error).message}); retrying in ${delayMs} ms`,
      ),
  })
}

async function digestFromRegistry(
  inputs: Inputs,
  host: string,
  credentials: Credentials,
  deps: Deps,
  report: PushReport,
): Promise<void> {
  const manifests = await deps.log.group('Digest from the registry', async () => {
    const found: Array<{ tag: string; manifest: RegistryManifest }> = []
    for (const tag of inputs.tags) {
      const manifest = await retry(() => deps.registry.manifest(host, inputs.repository, tag, credentials), {
        attempts: 4,
        baseDelayMs: deps.retryBaseMs ?? 1000,
        clock: deps.clock,
        retryable: (e) => e instanceof RegistryUnavailable,
        ...(deps.signal ? { signal: deps.signal } : {}),
      })
      if (!manifest)
        throw new DeployError(
          `the registry has no manifest for ${imageRef(host, inputs.repository, tag)} right after the push`,
        )
      deps.log.info(`${tag}: ${manifest.digest}`)
      found.push({ tag, manifest })
    }
    return found
  })
  const first = manifests[0]!.manifest
  report.digest = first.digest
  report.mediaType = first.mediaType ?? manifestMediaType(first.body)
  if (manifests.some((m) => m.manifest.digest !== first.digest)) {
    throw new DeployError(
      `tags point at different images after the push: ${manifests.map((m) => `${m.tag}=${m.manifest.digest}`).join(', ')}`,
      { leftState: 'all tags pushed; another writer moved some of them' },
    )
  }
  report.sizeBytes =
    manifestSize(first.body) ?? (await deps.ecr.imageSize(inputs.repository, first.digest).catch(() => undefined))
}
