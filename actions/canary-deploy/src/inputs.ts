// The only reader of the canary's inputs: parseInputs is pure (tables of good and bad inputs in
// the unit tests) and validates everything, the metrics YAML included, before any write.
import {
  ConfigurationError,
  durationMs,
  type InputGetter,
  parseEnum,
  parseHeaders,
  parseInteger,
  runUrl,
} from '@deploy-actions/kit'
// The kubeconfig parser alone: the package index would load client-node's helpers before validation.
import { type KubeAccess, parseKubeAccess } from '@deploy-actions/kube/kubeconfig'
import { type MetricCheck, parseMetrics } from './metrics.ts'
import { canaryName } from './state.ts'
import { parseSteps } from './steps.ts'

export const ACTIONS = ['deploy', 'promote', 'abort', 'status'] as const
export type CanaryAction = (typeof ACTIONS)[number]
export const ROUTERS = ['replicas', 'gateway-api', 'alb', 'nginx'] as const
export type RouterKind = (typeof ROUTERS)[number]

export interface Inputs {
  action: CanaryAction
  namespace: string
  deployment: string
  container: string | undefined
  image: string | undefined
  manifests: string | undefined
  router: RouterKind
  httpRoute: string | undefined
  ingress: string | undefined
  canaryHeader: { name: string; value: string } | undefined
  steps: number[]
  stepDurationMs: number
  analysisIntervalMs: number
  maxRestarts: number
  metrics: MetricCheck[]
  prometheusUrl: string | undefined
  bakeMs: number
  rolloutTimeoutMs: number
  kube: KubeAccess
  /** AWS region for eks-cluster and CloudWatch checks (AWS_REGION / AWS_DEFAULT_REGION). */
  region: string | undefined
  /** This run's URL, recorded in the canary's state. */
  runUrl: string | undefined
  progressEveryMs: number
  /** Values to mask before anything prints: secret header values of http checks, URL passwords. */
  secrets: string[]
  /** Set by the post step: why it aborts (not an input). */
  abortReason?: string
}

export interface InputIo {
  readFile(path: string): string
  cwd: string
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
// registry/path/name[:tag][@sha256:digest], as the distribution reference grammar allows.
const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/i

function duration(get: InputGetter, input: string, fallback: string, allowZero = false): number {
  const raw = get(input) || fallback
  const ms = raw.trim() === '0' ? 0 : durationMs(raw)
  const form = `a duration like 500ms, 30s, 15m or 1h${allowZero ? ' (0 for none)' : ''}`
  if (ms === undefined || (ms === 0 && !allowZero)) throw new ConfigurationError(input, form, raw)
  return ms
}

function objectName(input: string, raw: string): string | undefined {
  const v = raw.trim()
  if (!v) return undefined
  if (v.length > 253 || !DNS_SUBDOMAIN.test(v)) {
    throw new ConfigurationError(input, 'a Kubernetes object name (lowercase letters, digits, - and .)', raw)
  }
  return v
}

export function parseInputs(get: InputGetter, env: NodeJS.ProcessEnv = {}, io?: InputIo): Inputs {
  const action = parseEnum('action', get('action'), ACTIONS, 'deploy')
  const namespace = get('namespace') || 'default'
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    throw new ConfigurationError('namespace', 'a namespace name (lowercase letters, digits and -, up to 63)', namespace)
  }
  const deployment = objectName('deployment', get('deployment'))
  if (!deployment)
    throw new ConfigurationError('deployment', 'the name of the stable Deployment (this input is required)')
  if (canaryName(deployment).length > 253)
    throw new ConfigurationError('deployment', 'a name short enough to add -canary', deployment)

  const container = get('container') || undefined
  if (container && !DNS_LABEL.test(container)) throw new ConfigurationError('container', 'a container name', container)
  const image = get('image') || undefined
  if (image && !IMAGE.test(image)) {
    throw new ConfigurationError('image', 'an image reference like registry/app:1.2.0 or app@sha256:…', image)
  }
  if (action === 'deploy' && !image) {
    throw new ConfigurationError('image', 'the new image to roll out as a canary (required for action: deploy)')
  }
  const manifests = get('manifests') || undefined

  const router = parseEnum('traffic-router', get('traffic-router'), ROUTERS, 'replicas')
  const httpRoute = objectName('http-route', get('http-route'))
  const ingress = objectName('ingress', get('ingress'))
  if (action === 'deploy') {
    if (router === 'gateway-api' && !httpRoute) {
      throw new ConfigurationError(
        'http-route',
        'the HTTPRoute whose backendRefs carry the weights (required with traffic-router: gateway-api)',
      )
    }
    if ((router === 'alb' || router === 'nginx') && !ingress) {
      throw new ConfigurationError('ingress', `the stable Ingress (required with traffic-router: ${router})`)
    }
  }
  let canaryHeader: Inputs['canaryHeader']
  if (get('canary-header')) {
    const entries = Object.entries(parseHeaders('canary-header', get('canary-header')))
    if (entries.length !== 1 || !entries[0]![1]) {
      throw new ConfigurationError(
        'canary-header',
        'one "Name: value" header, like X-Canary: always',
        get('canary-header'),
      )
    }
    canaryHeader = { name: entries[0]![0], value: entries[0]![1] }
  }

  const steps = parseSteps(get('steps'))
  const stepDurationMs = duration(get, 'step-duration', '5m')
  const analysisIntervalMs = duration(get, 'analysis-interval', '30s')
  const maxRestarts = parseInteger('max-restarts', get('max-restarts'), 0, { min: 0, max: 1000 })
  const metrics = readMetrics(get('metrics'), io)
  const prometheusUrl = get('prometheus-url') || undefined
  if (prometheusUrl && !/^https?:\/\/[^\s/]+/.test(prometheusUrl)) {
    throw new ConfigurationError('prometheus-url', 'an http(s) URL like http://prometheus:9090', prometheusUrl)
  }
  const promChecks = metrics.filter((m) => m.provider === 'prometheus')
  if (promChecks.length > 0 && !prometheusUrl) {
    throw new ConfigurationError(
      'prometheus-url',
      `the Prometheus base URL (metrics line ${promChecks[0]!.line} has a prometheus check)`,
    )
  }
  const bakeMs = duration(get, 'bake', '0', true)
  const rolloutTimeoutMs = duration(get, 'rollout-timeout', '10m')
  const kube = parseKubeAccess(get('kubeconfig'), get('eks-cluster'))
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined
  const needsRegion = kube.kind === 'eks' || metrics.some((m) => m.provider === 'cloudwatch' && !m.region)
  if (needsRegion && !region) {
    throw new ConfigurationError(
      kube.kind === 'eks' ? 'eks-cluster' : 'metrics',
      'an AWS region: set AWS_REGION (aws-actions/configure-aws-credentials does)',
    )
  }
  const progress = env.DEPLOY_ACTIONS_PROGRESS_INTERVAL_MS?.trim()
  return {
    action,
    namespace,
    deployment,
    container,
    image,
    manifests,
    router,
    httpRoute,
    ingress,
    canaryHeader,
    steps,
    stepDurationMs,
    analysisIntervalMs,
    maxRestarts,
    metrics,
    prometheusUrl: prometheusUrl?.replace(/\/+$/, ''),
    bakeMs,
    rolloutTimeoutMs,
    kube,
    region,
    runUrl: runUrl(env),
    secrets: secretsOf(metrics, prometheusUrl),
    progressEveryMs: progress
      ? parseInteger('DEPLOY_ACTIONS_PROGRESS_INTERVAL_MS', progress, 20_000, { min: 1 })
      : 20_000,
  }
}

const SECRET_HEADER = /token|secret|passw|api-?key|auth|session|signature|credential|cookie/i

/** Secret values in the checks (header values by name, URL passwords) and the Prometheus URL's password. */
function secretsOf(metrics: MetricCheck[], prometheusUrl: string | undefined): string[] {
  const out = new Set<string>()
  const fromUrl = (u: string | undefined) => {
    try {
      const p = u ? new URL(u).password : ''
      if (p) out.add(decodeURIComponent(p)).add(p)
    } catch {}
  }
  fromUrl(prometheusUrl)
  for (const m of metrics) {
    if (m.provider !== 'http') continue
    fromUrl(String(m.request.url ?? ''))
    const headers = m.request.headers
    if (headers && typeof headers === 'object') {
      for (const [k, v] of Object.entries(headers)) if (SECRET_HEADER.test(k) && v) out.add(String(v))
    }
  }
  return [...out]
}

/** Inline YAML, or a file path (one line ending in .yml/.yaml) read through `io`. */
function readMetrics(raw: string, io: InputIo | undefined): MetricCheck[] {
  const text = raw.trim()
  if (!text) return []
  if (!text.includes('\n') && /\.ya?ml$/i.test(text) && !/^[-[{]/.test(text)) {
    if (!io) throw new ConfigurationError('metrics', 'inline YAML (no file access here)', text)
    const path = text.startsWith('/') ? text : `${io.cwd.replace(/\/$/, '')}/${text}`
    let content: string
    try {
      content = io.readFile(path)
    } catch (error) {
      const code = (error as { code?: string }).code
      throw new ConfigurationError(
        'metrics',
        `inline YAML or a readable YAML file; ${text} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
      )
    }
    return parseMetrics(content, `the file ${text}`)
  }
  return parseMetrics(text)
}
