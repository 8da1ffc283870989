// The only reader of the action's inputs: parse once, validate fully, before any side effect.
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { resolveRegion } from '@deploy-actions/aws'
import {
  ConfigurationError,
  type InputGetter,
  parseBool,
  parseEnum,
  parseKeyValues,
  parseList,
  versionFromRef,
} from '@deploy-actions/kit'
import { isRepositoryName, isTag, SEVERITIES, type SeverityThreshold, tagFromVersion } from './plan.ts'

export type Mode = 'build' | 'image' | 'promote'

export interface Inputs {
  mode: Mode
  repository: string
  tags: string[]
  version: string
  /** Absolute context directory (build mode). */
  context: string
  /** Absolute Dockerfile path (build mode; `<context>/Dockerfile` by default). */
  dockerfile: string
  buildArgs: Record<string, string>
  /** Build secrets by id (BuildKit `RUN --mount=type=secret,id=…`): never on a command line or in the image. */
  secretBuildArgs: Record<string, string>
  target?: string
  platform?: string
  /** User labels (added to, and overriding, the default OCI labels). */
  labels: Record<string, string>
  image?: string
  promoteFrom?: string
  createRepository: boolean
  scan: boolean
  failOnSeverity: SeverityThreshold
  registry?: string
  region: string
}

export interface FileSystemView {
  isDirectory(path: string): boolean
  isFile(path: string): boolean
}

export const realFileSystem: FileSystemView = {
  isDirectory: (p) => existsSync(p) && statSync(p).isDirectory(),
  isFile: (p) => existsSync(p) && statSync(p).isFile(),
}

const THRESHOLDS: SeverityThreshold[] = [...[...SEVERITIES].reverse(), 'NONE']
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/
const TARGET = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
const REGISTRY =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/
/** A BuildKit secret id (what `RUN --mount=type=secret,id=…` names). */
const SECRET_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/

/** `KEY=VALUE` lines whose values are secrets: a malformed line is reported by number, never quoted. */
function parseSecretKeyValues(input: string, raw: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [i, line] of raw.split(/\r?\n/).entries()) {
    if (!line.trim() || line.trim().startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0)
      throw new ConfigurationError(input, `KEY=VALUE lines (line ${i + 1} is not one; its text is not shown)`)
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim()
  }
  return out
}

/** A local image reference: `name[:tag]`, `name@sha256:…` or an image ID. */
const LOCAL_IMAGE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/

export function parseInputs(
  get: InputGetter,
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
  fs: FileSystemView = realFileSystem,
): Inputs {
  const repository = get('repository')
  if (!repository) throw new ConfigurationError('repository', 'an ECR repository name (this input is required)')
  if (!isRepositoryName(repository)) {
    throw new ConfigurationError(
      'repository',
      'an ECR repository name: lower-case letters, digits, and . _ - / separators, 2 to 256 characters',
      repository,
    )
  }

  const version = versionFromRef(env)
  const rawTags = get('tags')
  const tags = rawTags ? parseList(rawTags) : [tagFromVersion(version)]
  for (const tag of tags) {
    if (!isTag(tag)) {
      throw new ConfigurationError(
        'tags',
        'tags of letters, digits, _ . - (up to 128, not starting with . or -), separated by commas or newlines',
        tag,
      )
    }
  }
  const uniqueTags = [...new Set(tags)]

  const image = get('image') || undefined
  const promoteFrom = get('promote-from') || undefined
  if (image && promoteFrom) throw new ConfigurationError('promote-from', 'either image or promote-from, not both')
  if (image && !LOCAL_IMAGE.test(image))
    throw new ConfigurationError('image', 'a local image reference like app:1.0 or an image ID', image)
  if (promoteFrom !== undefined && !isTag(promoteFrom))
    throw new ConfigurationError('promote-from', 'an existing tag of the repository', promoteFrom)
  if (promoteFrom !== undefined && uniqueTags.includes(promoteFrom)) {
    throw new ConfigurationError('tags', `tags other than the promote-from tag "${promoteFrom}"`, uniqueTags.join(','))
  }
  const mode: Mode = promoteFrom ? 'promote' : image ? 'image' : 'build'

  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const context = resolve(workspace, get('context') || '.')
  const rawDockerfile = get('dockerfile')
  const dockerfile = rawDockerfile
    ? isAbsolute(rawDockerfile)
      ? rawDockerfile
      : resolve(workspace, rawDockerfile)
    : join(context, 'Dockerfile')
  if (mode === 'build') {
    if (!fs.isDirectory(context))
      throw new ConfigurationError('context', 'an existing directory', get('context') || '.')
    if (!fs.isFile(dockerfile))
      throw new ConfigurationError('dockerfile', 'an existing Dockerfile', rawDockerfile || dockerfile)
  }

  const buildArgs = parseKeyValues('build-args', get('build-args'))
  const secretBuildArgs = parseSecretKeyValues('secret-build-args', get('secret-build-args'))
  for (const id of Object.keys(secretBuildArgs)) {
    if (!SECRET_ID.test(id))
      throw new ConfigurationError('secret-build-args', 'KEY=VALUE lines with keys of letters, digits, _ . -', id)
  }
  const labels = parseKeyValues('labels', get('labels'))
  const target = get('target') || undefined
  if (target && !TARGET.test(target)) throw new ConfigurationError('target', 'a build stage name', target)
  const platform = get('platform') || undefined
  if (platform && !PLATFORM.test(platform))
    throw new ConfigurationError('platform', 'one platform like linux/amd64 or linux/arm64/v8', platform)

  const createRepository = parseBool('create-repository', get('create-repository'), false)
  const scan = parseBool('scan', get('scan'), false)
  const failOnSeverity = parseEnum<SeverityThreshold>(
    'fail-on-severity',
    get('fail-on-severity').toUpperCase(),
    THRESHOLDS,
    'CRITICAL',
  )

  let registry = get('registry') || undefined
  if (registry) {
    registry = registry.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '')
    if (!REGISTRY.test(registry))
      throw new ConfigurationError(
        'registry',
        'a registry host like 123456789012.dkr.ecr.eu-west-1.amazonaws.com or 127.0.0.1:5000',
        get('registry'),
      )
  }

  const region = resolveRegion(get('aws-region'), env)
  return {
    mode,
    repository,
    tags: uniqueTags,
    version,
    context,
    dockerfile,
    buildArgs,
    secretBuildArgs,
    ...(target ? { target } : {}),
    ...(platform ? { platform } : {}),
    labels,
    ...(image ? { image } : {}),
    ...(promoteFrom ? { promoteFrom } : {}),
    createRepository,
    scan,
    failOnSeverity,
    ...(registry ? { registry } : {}),
    region,
  }
}
