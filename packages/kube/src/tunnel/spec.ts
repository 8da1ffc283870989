// The proxy pod of a database tunnel, decided purely: its manifest (a TCP proxy listening on the
// database port and connecting to the database host, the owner label that lets a later run find
// and remove a pod a killed run left behind, annotations naming the workflow run), the
// `tunnel-pod: <namespace>/<pod>:<port>` form of a pod a team already runs, and the
// `tunnel-pod-spec` overrides (node selectors, service accounts, security contexts). No client-node.
import { ConfigurationError } from '@deploy-actions/kit'
import { parse } from './lazy-yaml.cjs'

/**
 * A small public TCP proxy image (socat on Alpine): `TCP-LISTEN:<port>,fork,reuseaddr
 * TCP:<host>:<port>` is the usual "RDS jump pod". Overridable for registries that block Docker Hub.
 */
export const DEFAULT_TUNNEL_IMAGE = 'alpine/socat:1.8.0.0'

/** Every proxy pod carries it; the value names the action that owns it (stale ones are found by it). */
export const TUNNEL_OWNER_LABEL = 'deploy-actions.dev/tunnel-owner'
export const TUNNEL_RUN_LABEL = 'deploy-actions.dev/run-id'
export const TUNNEL_TARGET_ANNOTATION = 'deploy-actions.dev/tunnel-target'
export const TUNNEL_RUN_URL_ANNOTATION = 'deploy-actions.dev/run-url'
export const TUNNEL_WORKFLOW_ANNOTATION = 'deploy-actions.dev/workflow'
export const TUNNEL_CREATED_ANNOTATION = 'deploy-actions.dev/created-at'

/** A pod to forward to: a proxy pod this run creates, or one a team already runs (`tunnel-pod`). */
export interface PodPort {
  namespace: string
  pod: string
  port: number
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

function port(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined
  const n = Number(text)
  return n >= 1 && n <= 65535 ? n : undefined
}

/** `tunnel-pod: <namespace>/<pod>:<port>` (an existing bastion or proxy pod). */
export function parseTunnelPod(raw: string): PodPort {
  const text = raw.trim()
  const form = 'a pod as <namespace>/<pod>:<port>, e.g. db-access/pg-bastion:5432'
  const m = /^([^/]+)\/([^:]+):(.+)$/.exec(text)
  if (!m) throw new ConfigurationError('tunnel-pod', form, text)
  const [, namespace, pod, portText] = m as unknown as [string, string, string, string]
  const p = port(portText)
  if (namespace.length > 63 || !DNS_LABEL.test(namespace) || pod.length > 253 || !DNS_SUBDOMAIN.test(pod) || !p)
    throw new ConfigurationError('tunnel-pod', form, text)
  return { namespace, pod, port: p }
}

/** A namespace name (DNS label), for `tunnel-namespace`. */
export function parseNamespace(input: string, raw: string): string | undefined {
  const text = raw.trim()
  if (!text) return undefined
  if (text.length > 63 || !DNS_LABEL.test(text))
    throw new ConfigurationError(input, 'a namespace name (lower-case letters, digits and -, up to 63)', text)
  return text
}

/** An image reference, for `tunnel-image` (no spaces, no scheme). */
export function parseImage(input: string, raw: string): string {
  const text = raw.trim() || DEFAULT_TUNNEL_IMAGE
  if (!/^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/.test(text) || text.includes('://'))
    throw new ConfigurationError(
      input,
      'an image reference like alpine/socat:1.8.0.0 or registry.example.com/socat:1',
      text,
    )
  return text
}

/** Fields of a pod spec `tunnel-pod-spec` may set; the container, restart policy and ports stay ours. */
const SPEC_OVERRIDES = [
  'nodeSelector',
  'tolerations',
  'affinity',
  'serviceAccountName',
  'automountServiceAccountToken',
  'securityContext',
  'imagePullSecrets',
  'priorityClassName',
  'runtimeClassName',
  'topologySpreadConstraints',
  'dnsPolicy',
  'dnsConfig',
  'hostAliases',
] as const

/** Container fields `tunnel-pod-spec` may set under `container:`. */
const CONTAINER_OVERRIDES = ['securityContext', 'resources', 'imagePullPolicy'] as const

export interface PodSpecOverrides {
  spec: Record<string, unknown>
  container: Record<string, unknown>
  labels: Record<string, string>
  annotations: Record<string, string>
}

/**
 * `tunnel-pod-spec`: YAML or JSON with pod spec fields (nodeSelector, tolerations, affinity,
 * serviceAccountName, securityContext, imagePullSecrets, …), optional `container:` fields
 * (securityContext, resources, imagePullPolicy) and `labels:` / `annotations:` for policies
 * that require them. Anything else is refused by name, so a typo is not silently dropped.
 */
export function parsePodSpecOverrides(raw: string): PodSpecOverrides {
  const out: PodSpecOverrides = { spec: {}, container: {}, labels: {}, annotations: {} }
  const text = raw.trim()
  if (!text) return out
  const form = `YAML with pod spec fields (${SPEC_OVERRIDES.join(', ')}), container: {${CONTAINER_OVERRIDES.join(', ')}}, labels:, annotations:`
  let doc: unknown
  try {
    doc = parse(text)
  } catch (error) {
    throw new ConfigurationError('tunnel-pod-spec', `${form} (${(error as Error).message.split('\n')[0]})`)
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigurationError('tunnel-pod-spec', form)
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (key === 'container') {
      if (!value || typeof value !== 'object' || Array.isArray(value))
        throw new ConfigurationError('tunnel-pod-spec', `container: to be a map of ${CONTAINER_OVERRIDES.join(', ')}`)
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (!(CONTAINER_OVERRIDES as readonly string[]).includes(k))
          throw new ConfigurationError('tunnel-pod-spec', `container fields among ${CONTAINER_OVERRIDES.join(', ')}`, k)
        out.container[k] = v
      }
    } else if (key === 'labels' || key === 'annotations') {
      if (!value || typeof value !== 'object' || Array.isArray(value))
        throw new ConfigurationError('tunnel-pod-spec', `${key}: to be a map of strings`)
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[key][k] = String(v)
    } else if ((SPEC_OVERRIDES as readonly string[]).includes(key)) {
      out.spec[key] = value
    } else {
      throw new ConfigurationError('tunnel-pod-spec', form, key)
    }
  }
  return out
}

/** The workflow run a proxy pod belongs to, for its labels and annotations. */
export interface RunIdentity {
  /** `GITHUB_RUN_ID` and attempt, e.g. `1234567890-1`; a local id off a runner. */
  runId: string
  runUrl?: string
  /** `acme/shop: release (job database)` */
  workflow?: string
}

/** The run from the runner's environment (GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_REPOSITORY, …). */
export function runIdentity(env: NodeJS.ProcessEnv, now: Date = new Date()): RunIdentity {
  const runId = env.GITHUB_RUN_ID
    ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT || '1'}`
    : `local-${now.getTime().toString(36)}`
  const repo = env.GITHUB_REPOSITORY
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  return {
    runId,
    ...(repo && env.GITHUB_RUN_ID ? { runUrl: `${server}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` } : {}),
    ...(env.GITHUB_WORKFLOW
      ? {
          workflow: `${repo ? `${repo}: ` : ''}${env.GITHUB_WORKFLOW}${env.GITHUB_JOB ? ` (job ${env.GITHUB_JOB})` : ''}`,
        }
      : {}),
  }
}

/** A label value: at most 63 of [A-Za-z0-9._-], starting and ending alphanumeric. */
export function labelValue(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '')
  return cleaned || 'unknown'
}

export interface ProxyPodOptions {
  namespace: string
  /** Who owns it: the action's name (`flyway-migrate`), the owner label's value. */
  owner: string
  image: string
  target: { host: string; port: number }
  run: RunIdentity
  overrides?: PodSpecOverrides
  /** A random suffix for the name (tests pass a fixed one). */
  suffix: string
  now?: Date
}

/** The name of a proxy pod: `<owner>-tunnel-<suffix>`. */
export const proxyPodName = (owner: string, suffix: string): string =>
  `${labelValue(owner).toLowerCase().replace(/[._]/g, '-')}-tunnel-${suffix}`.slice(0, 63).replace(/-+$/, '')

/**
 * The proxy pod: socat listening on the database port, one connection to the database per
 * forwarded connection (`fork`), a readiness probe on that port, a short grace period, and a
 * deadline so that a pod whose run was killed before it could clean up stops on its own after an
 * hour even if no later run comes. A socat that dies is restarted (`Always`, as `kubectl run`):
 * the connection it carried is gone either way, and the engine reports that migration.
 */
export function proxyPodManifest(o: ProxyPodOptions): Record<string, unknown> {
  const name = proxyPodName(o.owner, o.suffix)
  const overrides = o.overrides ?? { spec: {}, container: {}, labels: {}, annotations: {} }
  const target = `${o.target.host.includes(':') ? `[${o.target.host}]` : o.target.host}:${o.target.port}`
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace,
      labels: {
        ...overrides.labels,
        'app.kubernetes.io/name': 'db-tunnel',
        'app.kubernetes.io/managed-by': 'deploy-actions',
        [TUNNEL_OWNER_LABEL]: labelValue(o.owner),
        [TUNNEL_RUN_LABEL]: labelValue(o.run.runId),
      },
      annotations: {
        ...overrides.annotations,
        [TUNNEL_TARGET_ANNOTATION]: target,
        [TUNNEL_CREATED_ANNOTATION]: (o.now ?? new Date()).toISOString(),
        ...(o.run.runUrl ? { [TUNNEL_RUN_URL_ANNOTATION]: o.run.runUrl } : {}),
        ...(o.run.workflow ? { [TUNNEL_WORKFLOW_ANNOTATION]: o.run.workflow } : {}),
      },
    },
    spec: {
      ...overrides.spec,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 5,
      activeDeadlineSeconds: 3600,
      containers: [
        {
          name: 'proxy',
          image: o.image,
          args: [`TCP-LISTEN:${o.target.port},fork,reuseaddr`, `TCP:${target}`],
          ports: [{ name: 'db', containerPort: o.target.port, protocol: 'TCP' }],
          readinessProbe: { tcpSocket: { port: o.target.port }, periodSeconds: 2 },
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
          ...overrides.container,
        },
      ],
    },
  }
}
