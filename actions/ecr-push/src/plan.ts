// Pure rules of ecr-push: names, tags, labels, docker arguments and the scan gate.
// No @actions/*, no SDK: everything here is table-tested.
import { DeployError, editDistance } from '@deploy-actions/kit'

/** The state key the main step leaves for the post step's logout. */
export const REGISTRY_STATE = 'registry'

/** ECR repository names: lower-case path components separated by `/`, 2 to 256 characters. */
const REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/
/** Docker/ECR tags: a word character first, then up to 127 of letters, digits, `_`, `.`, `-`. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

export function isRepositoryName(name: string): boolean {
  return name.length >= 2 && name.length <= 256 && REPOSITORY.test(name)
}

export function isTag(tag: string): boolean {
  return TAG.test(tag)
}

/** A tag derived from the version (`release/1.2` → `release-1.2`), valid whatever the ref was. */
export function tagFromVersion(version: string): string {
  const tag = version
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128)
  return tag || 'latest'
}

/** `host[:port]` from `https://123.dkr.ecr.eu-west-1.amazonaws.com` or a bare host. */
export function registryHost(endpointOrHost: string): string {
  const text = endpointOrHost.trim()
  if (/^[a-z]+:\/\//i.test(text)) return new URL(text).host
  return text.replace(/\/+$/, '')
}

/** Registries on the loopback interface speak plain HTTP (as docker treats them); all others HTTPS. */
export function registryBaseUrl(host: string): string {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  const local = name === 'localhost' || name === '::1' || /^127\./.test(name)
  return `${local ? 'http' : 'https'}://${host}`
}

/** Decodes an ECR authorization token (`base64("AWS:<password>")`). */
export function decodeAuthorizationToken(token: string): { username: string; password: string } {
  const text = Buffer.from(token, 'base64').toString('utf8')
  const colon = text.indexOf(':')
  if (colon <= 0 || colon === text.length - 1)
    throw new DeployError('ECR returned an authorization token that is not "user:password"')
  return { username: text.slice(0, colon), password: text.slice(colon + 1) }
}

export function imageRef(registry: string, repository: string, tag: string): string {
  return `${registry}/${repository}:${tag}`
}

export function digestRef(registry: string, repository: string, digest: string): string {
  return `${registry}/${repository}@${digest}`
}

/** Every manifest kind a registry may hold, so HEAD/GET answer with the stored one (not a conversion). */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const

/** The media type a manifest declares, else the one the registry reported. */
export function manifestMediaType(manifest: string, fallback?: string): string | undefined {
  try {
    const parsed = JSON.parse(manifest) as { mediaType?: unknown }
    if (typeof parsed.mediaType === 'string') return parsed.mediaType
  } catch {}
  return fallback
}

/** Bytes an image occupies in the registry: config plus layers (or the sum over an index's manifests). */
export function manifestSize(manifest: string): number | undefined {
  try {
    const m = JSON.parse(manifest) as {
      config?: { size?: number }
      layers?: Array<{ size?: number }>
      manifests?: Array<{ size?: number }>
    }
    if (m.layers) return (m.config?.size ?? 0) + m.layers.reduce((sum, l) => sum + (l.size ?? 0), 0)
    return undefined
  } catch {
    return undefined
  }
}

export interface LabelContext {
  version: string
  now: Date
  /** Repository URL (`https://github.com/acme/shop`), when known. */
  source?: string
  /** Commit SHA, when known. */
  revision?: string
}

/** OCI annotations for source, revision, version and creation time; user labels win on conflict. */
export function defaultLabels({ version, now, source, revision }: LabelContext): Record<string, string> {
  const labels: Record<string, string> = {}
  if (source) labels['org.opencontainers.image.source'] = source
  if (revision) labels['org.opencontainers.image.revision'] = revision
  labels['org.opencontainers.image.version'] = version
  labels['org.opencontainers.image.created'] = now.toISOString()
  return labels
}

export interface BuildPlan {
  context: string
  dockerfile?: string
  buildArgs: Record<string, string>
  /** Secret ids; their values travel in the environment variables `secretEnvName(i)`. */
  secretIds?: string[]
  labels: Record<string, string>
  target?: string
  platform?: string
  refs: string[]
}

/** The environment variable that carries the i-th build secret to docker (`--secret id=…,env=…`). */
export function secretEnvName(i: number): string {
  return `ECR_PUSH_BUILD_SECRET_${i}`
}

/**
 * The `docker build` argument vector. No secret value ever goes here: build args and labels are
 * public (and end up in the image), secrets are named by id and read by docker from its env.
 */
export function buildArguments(plan: BuildPlan): string[] {
  const args = ['build']
  if (plan.dockerfile) args.push('--file', plan.dockerfile)
  for (const [k, v] of Object.entries(plan.buildArgs)) args.push('--build-arg', `${k}=${v}`)
  for (const [i, id] of (plan.secretIds ?? []).entries()) args.push('--secret', `id=${id},env=${secretEnvName(i)}`)
  for (const [k, v] of Object.entries(plan.labels)) args.push('--label', `${k}=${v}`)
  if (plan.target) args.push('--target', plan.target)
  if (plan.platform) args.push('--platform', plan.platform)
  for (const ref of plan.refs) args.push('--tag', ref)
  args.push(plan.context)
  return args
}

/**
 * Whether a push failure is worth another attempt (network trouble, registry-side 5xx,
 * throttling), judged from the failure docker reports (its stderr), never from progress lines:
 * "Layer already exists" is docker's normal output, not a refusal.
 */
export function isTransientPushError(text: string): boolean {
  if (/denied|unauthori[sz]ed|name unknown|manifest invalid|tag invalid|immutable/i.test(text)) return false
  return /timeout|timed out|connection (reset|refused)|broken pipe|unexpected EOF|\bEOF\b|50[0234]|too ?many ?requests|429|temporar/i.test(
    text,
  )
}

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const
export type Severity = (typeof SEVERITIES)[number]
/** `NONE`: report the scan, never fail on it. */
export type SeverityThreshold = Severity | 'NONE'

export type SeverityCounts = Partial<Record<string, number>>

export interface GateResult {
  failed: boolean
  /** Findings at or above the threshold. */
  blocking: number
  total: number
}

export function scanGate(counts: SeverityCounts, threshold: SeverityThreshold): GateResult {
  const total = Object.values(counts).reduce<number>((s, n) => s + (n ?? 0), 0)
  if (threshold === 'NONE') return { failed: false, blocking: 0, total }
  const from = SEVERITIES.indexOf(threshold)
  const blocking = SEVERITIES.slice(from).reduce((s, sev) => s + (counts[sev] ?? 0), 0)
  return { failed: blocking > 0, blocking, total }
}

/** `CRITICAL 0, HIGH 1, …`: every known severity from the worst down, then any other the scanner reported. */
export function formatCounts(counts: SeverityCounts): string {
  const known = [...SEVERITIES].reverse().map((s) => `${s} ${counts[s] ?? 0}`)
  const other = Object.entries(counts)
    .filter(([k]) => !(SEVERITIES as readonly string[]).includes(k))
    .map(([k, v]) => `${k} ${v ?? 0}`)
  return [...known, ...other].join(', ')
}

/** The existing tags closest to `wanted` (shared prefix first, then edit distance), at most `limit`. */
export function nearbyTags(wanted: string, existing: readonly string[], limit = 5): string[] {
  const prefix = (t: string) => {
    let n = 0
    while (n < t.length && n < wanted.length && t[n] === wanted[n]) n++
    return n
  }
  return [...new Set(existing)]
    .map((t) => ({ t, p: prefix(t), d: editDistance(t, wanted) }))
    .sort((x, y) => y.p - x.p || x.d - y.d || x.t.localeCompare(y.t))
    .slice(0, limit)
    .map((x) => x.t)
}
