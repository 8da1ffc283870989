// The only reader of this action's inputs: one typed object, validated before any side effect.
import { isAbsolute, resolve } from 'node:path'
import { resolveRegion } from '@deploy-actions/aws'
import {
  ConfigurationError,
  durationMs,
  parseBool,
  parseEnum,
  parseInteger,
  parseKeyValues,
  parseList,
  required,
} from '@deploy-actions/kit'
import { type CacheRule, cacheRules, normalizePrefix, type TypeOverride, typeOverrides } from './config.ts'
import { FRAMEWORKS, type Framework } from './files.ts'
import type { InvalidateMode } from './invalidation.ts'
import type { KeepPolicy } from './retention.ts'
import { SYMLINK_POLICIES, type SymlinkPolicy } from './walk.ts'

export interface Inputs {
  /** Absolute path of the directory to publish. */
  source: string
  bucket: string
  /** '' or `dir/`. */
  prefix: string
  delete: boolean
  cacheRules: CacheRule[]
  typeOverrides: TypeOverride[]
  exclude: string[]
  distributionId: string | undefined
  invalidate: InvalidateMode
  waitForInvalidation: boolean
  concurrency: number
  dryRun: boolean
  region: string
  /** How long old fingerprinted assets stay after they leave the build. */
  keepOldAssets: KeepPolicy
  /** `auto` is resolved from the tree once it has been read. */
  framework: Framework | 'auto'
  /** Also invalidate `/about` for `about.html` (served without the extension). */
  cleanUrls: boolean
  followSymlinks: SymlinkPolicy
  /** GITHUB_WORKSPACE: `source` must resolve inside it unless allowed. */
  workspace: string | undefined
  allowSourceOutsideWorkspace: boolean
  /** The workflow run and attempt (GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT), for CallerReferences. */
  runId: string
  runAttempt: string
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

const DAY_MS = 86_400_000
const KEEP_FORM =
  'a grace period such as 7d, 36h or 0 (delete at once), or a count such as 3 releases (at most 365d or 100 releases)'

/** `7d`, `36h`, `90m`, `0`, or `N releases`. */
export function parseKeepPolicy(raw: string): KeepPolicy {
  const text = raw.trim() || '7d'
  const releases = /^(\d{1,3})\s*releases?$/i.exec(text)
  if (releases) {
    const count = Number(releases[1])
    if (count > 100) throw new ConfigurationError('keep-old-assets', KEEP_FORM, raw)
    return { kind: 'releases', count }
  }
  const days = /^(\d{1,3})d$/.exec(text)
  const ms = text === '0' ? 0 : days ? Number(days[1]) * DAY_MS : durationMs(text)
  if (ms === undefined || ms > 365 * DAY_MS) throw new ConfigurationError('keep-old-assets', KEEP_FORM, raw)
  return { kind: 'time', ms }
}

/** Limits past which an input is not a mistake worth trying (minimatch refuses patterns past 64 KB). */
const MAX_GLOBS = 500
const MAX_GLOB_LENGTH = 1024

/** A value as quoted in an error: long ones cut, so a pasted file does not flood the log. */
function shown(raw: string): string {
  return raw.length > 80 ? `${raw.slice(0, 60)}… (${raw.length} characters)` : raw
}

function checkGlobs(input: string, globs: readonly string[]): void {
  if (globs.length > MAX_GLOBS) {
    throw new ConfigurationError(input, `at most ${MAX_GLOBS} globs`, `${globs.length} globs`)
  }
  for (const glob of globs) {
    if (glob.length > MAX_GLOB_LENGTH) {
      throw new ConfigurationError(input, `globs of at most ${MAX_GLOB_LENGTH} characters`, shown(glob))
    }
  }
}

/**
 * `site/v2`, `/site/v2/`; no `.` or `..` segment (S3 keeps them as written, but CloudFront and
 * browsers resolve them, so such keys are served at other paths or not at all), no control
 * characters or backslashes.
 */
function parsePrefix(raw: string): string {
  const prefix = normalizePrefix(raw)
  const segments = prefix.split('/').slice(0, -1)
  if (
    segments.some((s) => s === '.' || s === '..' || s === '') ||
    /[\x00-\x1f\x7f\\]/.test(prefix) ||
    prefix.length > 512
  ) {
    throw new ConfigurationError(
      'prefix',
      'a key prefix such as site/v2: folder names without "." or ".." segments, empty segments, backslashes or control characters',
      shown(raw),
    )
  }
  return prefix
}

/** Newline- or comma-separated globs; a comma inside `{a,b}` belongs to the glob. */
export function splitGlobs(raw: string): string[] {
  const out: string[] = []
  for (const line of parseList(raw, { commas: false })) {
    let depth = 0
    let start = 0
    for (let i = 0; i < line.length; i++) {
      const c = line[i]
      if (c === '{') depth++
      else if (c === '}') depth = Math.max(0, depth - 1)
      else if (c === ',' && depth === 0) {
        out.push(line.slice(start, i))
        start = i + 1
      }
    }
    out.push(line.slice(start))
  }
  return out.map((s) => s.trim()).filter(Boolean)
}

/** Reads and checks every input (`get` returns '' for an unset one); throws ConfigurationError. */
export function parseInputs(get: (name: string) => string, env: NodeJS.ProcessEnv): Inputs {
  const rawSource = required('source', get('source'))
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const source = isAbsolute(rawSource) ? rawSource : resolve(workspace, rawSource)

  let bucket = required('bucket', get('bucket'))
    .replace(/^s3:\/\//, '')
    .replace(/\/+$/, '')
  if (bucket.includes('/')) {
    throw new ConfigurationError('bucket', 'a bucket name alone (put the folder in `prefix`)', get('bucket'))
  }
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new ConfigurationError(
      'bucket',
      'an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)',
      get('bucket'),
    )
  }
  bucket = bucket.toLowerCase()

  const cacheMap = parseKeyValues('cache-control', get('cache-control'))
  checkGlobs('cache-control', Object.keys(cacheMap))
  for (const [glob, value] of Object.entries(cacheMap)) {
    if (!value || /[\x00-\x1f\x7f]/.test(value) || value.length > 1024) {
      throw new ConfigurationError(
        'cache-control',
        'glob=value lines such as *.html=no-cache',
        shown(`${glob}=${value}`),
      )
    }
  }
  const typeMap = parseKeyValues('content-types', get('content-types'))
  checkGlobs('content-types', Object.keys(typeMap))
  for (const [pattern, type] of Object.entries(typeMap)) {
    if (!/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(type)) {
      throw new ConfigurationError(
        'content-types',
        'glob=type or .ext=type lines such as .data=application/octet-stream',
        `${pattern}=${type}`,
      )
    }
  }

  const exclude = splitGlobs(get('exclude'))
  checkGlobs('exclude', exclude)

  const distributionId = get('distribution-id').trim() || undefined
  if (distributionId !== undefined && !/^[A-Z0-9]{6,32}$/.test(distributionId)) {
    throw new ConfigurationError(
      'distribution-id',
      'a CloudFront distribution ID such as E2QWRUHAPOMQZL',
      distributionId,
    )
  }

  return {
    source,
    bucket,
    prefix: parsePrefix(get('prefix')),
    delete: parseBool('delete', get('delete'), true),
    cacheRules: cacheRules(cacheMap),
    typeOverrides: typeOverrides(typeMap),
    exclude,
    distributionId,
    invalidate: parseEnum('invalidate', get('invalidate'), ['changed', 'all', 'none'] as const, 'changed'),
    waitForInvalidation: parseBool('wait-for-invalidation', get('wait-for-invalidation'), true),
    concurrency: parseInteger('concurrency', get('concurrency'), 16, { min: 1, max: 128 }),
    dryRun: parseBool('dry-run', get('dry-run'), false),
    region: resolveRegion(get('aws-region'), env),
    keepOldAssets: parseKeepPolicy(get('keep-old-assets')),
    framework: parseEnum('framework', get('framework'), ['auto', ...FRAMEWORKS] as const, 'auto'),
    cleanUrls: parseBool('clean-urls', get('clean-urls'), false),
    followSymlinks: parseEnum('follow-symlinks', get('follow-symlinks'), SYMLINK_POLICIES, 'within'),
    workspace: env.GITHUB_WORKSPACE || undefined,
    allowSourceOutsideWorkspace: parseBool(
      'allow-source-outside-workspace',
      get('allow-source-outside-workspace'),
      false,
    ),
    runId: env.GITHUB_RUN_ID || 'local',
    runAttempt: env.GITHUB_RUN_ATTEMPT || '1',
  }
}
