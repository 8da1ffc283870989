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
  for (const [glob, value] of Object.entries(cacheMap)) {
    if (!value) throw new ConfigurationError('cache-control', 'glob=value lines such as *.html=no-cache', `${glob}=`)
  }
  const typeMap = parseKeyValues('content-types', get('content-types'))
  for (const [pattern, type] of Object.entries(typeMap)) {
    if (!/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(type)) {
      throw new ConfigurationError(
        'content-types',
        'glob=type or .ext=type lines such as .data=application/octet-stream',
        `${pattern}=${type}`,
      )
    }
  }

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
    prefix: normalizePrefix(get('prefix')),
    delete: parseBool('delete', get('delete'), true),
    cacheRules: cacheRules(cacheMap),
    typeOverrides: typeOverrides(typeMap),
    exclude: splitGlobs(get('exclude')),
    distributionId,
    invalidate: parseEnum('invalidate', get('invalidate'), ['changed', 'all', 'none'] as const, 'changed'),
    waitForInvalidation: parseBool('wait-for-invalidation', get('wait-for-invalidation'), true),
    concurrency: parseInteger('concurrency', get('concurrency'), 16, { min: 1, max: 128 }),
    dryRun: parseBool('dry-run', get('dry-run'), false),
    region: resolveRegion(get('aws-region'), env),
    keepOldAssets: parseKeepPolicy(get('keep-old-assets')),
    framework: parseEnum('framework', get('framework'), ['auto', ...FRAMEWORKS] as const, 'auto'),
    cleanUrls: parseBool('clean-urls', get('clean-urls'), false),
    runId: env.GITHUB_RUN_ID || 'local',
    runAttempt: env.GITHUB_RUN_ATTEMPT || '1',
  }
}
