// Where the kubeconfig comes from, decided purely: the `kubeconfig` input (YAML content, or the
// same base64-encoded as secrets often hold it), else KUBECONFIG (a path list), else
// ~/.kube/config, else the in-cluster service account; and the kubeconfig an `eks-cluster`
// input builds from DescribeCluster. No client-node here.
import { ConfigurationError, DeployError } from '@deploy-actions/kit'
import { parse, stringify } from './tunnel/lazy-yaml.cjs'

export const IN_CLUSTER_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token'

export type KubeconfigSource =
  | { kind: 'content'; content: string }
  | { kind: 'files'; paths: string[]; from: 'KUBECONFIG' | '~/.kube/config' }
  | { kind: 'in-cluster' }

export interface SourceContext {
  /** The `kubeconfig` input ('' when unset). */
  input: string
  env: NodeJS.ProcessEnv
  homeDir: string | undefined
  exists: (path: string) => boolean
}

/** The kubeconfig source, in the order the DESIGN promises. Throws ConfigurationError when none is found. */
export function chooseKubeconfigSource(ctx: SourceContext): KubeconfigSource {
  if (ctx.input.trim()) return { kind: 'content', content: kubeconfigContent(ctx.input) }
  const list = ctx.env.KUBECONFIG?.trim()
  if (list) {
    // As client-go does: missing files in the list are ignored, the rest are merged in order.
    const paths = list.split(':').filter((p) => p && ctx.exists(p))
    if (paths.length === 0) {
      throw new ConfigurationError('kubeconfig', `KUBECONFIG to name an existing file, but none of "${list}" exists`)
    }
    return { kind: 'files', paths, from: 'KUBECONFIG' }
  }
  if (ctx.homeDir) {
    const home = `${ctx.homeDir.replace(/\/$/, '')}/.kube/config`
    if (ctx.exists(home)) return { kind: 'files', paths: [home], from: '~/.kube/config' }
  }
  if (ctx.env.KUBERNETES_SERVICE_HOST && ctx.env.KUBERNETES_SERVICE_PORT && ctx.exists(IN_CLUSTER_TOKEN_PATH)) {
    return { kind: 'in-cluster' }
  }
  throw new ConfigurationError(
    'kubeconfig',
    'kubeconfig content, or eks-cluster, or a KUBECONFIG / ~/.kube/config file, or an in-cluster service account (none found)',
  )
}

/**
 * Validates the `kubeconfig` input and returns it as YAML text. Accepts the YAML itself or its
 * base64 encoding. The error never echoes the content (it is a secret).
 */
export function kubeconfigContent(raw: string): string {
  const text = raw.trim()
  if (looksLikeKubeconfig(text)) return text
  if (/^[A-Za-z0-9+/=\s_-]+$/.test(text)) {
    const decoded = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8').trim()
    if (looksLikeKubeconfig(decoded)) return decoded
  }
  throw new ConfigurationError(
    'kubeconfig',
    'kubeconfig YAML content (or its base64) with clusters, users and contexts; the value given is not one',
  )
}

function looksLikeKubeconfig(text: string): boolean {
  let doc: unknown
  try {
    doc = parse(text)
  } catch {
    return false
  }
  if (!doc || typeof doc !== 'object') return false
  const d = doc as Record<string, unknown>
  return Array.isArray(d.clusters) && d.clusters.length > 0 && Array.isArray(d.contexts)
}

/** How an action reaches its cluster, from its `kubeconfig` and `eks-cluster` inputs (validated, pure). */
export type KubeAccess = { kind: 'eks'; cluster: string } | { kind: 'kubeconfig'; content: string | undefined }

/**
 * Validates the two access inputs together: `eks-cluster` (an EKS cluster name) or `kubeconfig`
 * (content), not both; neither means KUBECONFIG / ~/.kube/config / in-cluster at connect time.
 */
export function parseKubeAccess(kubeconfig: string, eksCluster: string): KubeAccess {
  const cluster = eksCluster.trim()
  if (cluster && kubeconfig.trim()) {
    throw new ConfigurationError('eks-cluster', 'either eks-cluster or kubeconfig, not both')
  }
  if (cluster) {
    if (!/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(cluster)) {
      throw new ConfigurationError('eks-cluster', 'an EKS cluster name (letters, digits, - and _, up to 100)', cluster)
    }
    return { kind: 'eks', cluster }
  }
  return { kind: 'kubeconfig', content: kubeconfig.trim() ? kubeconfigContent(kubeconfig) : undefined }
}

export interface EksClusterInfo {
  name: string
  arn: string
  endpoint: string
  /** Base64 PEM of the cluster CA, as DescribeCluster returns it. */
  caData: string | undefined
}

/** Checks a DescribeCluster answer is usable (ACTIVE, with an endpoint). */
export function eksClusterInfo(
  name: string,
  cluster: {
    name?: string
    arn?: string
    endpoint?: string
    status?: string
    certificateAuthority?: { data?: string }
  },
): EksClusterInfo {
  if (cluster.status && cluster.status !== 'ACTIVE' && cluster.status !== 'UPDATING') {
    throw new DeployError(`eks-cluster: cluster ${name} is ${cluster.status}, not ACTIVE`, {
      leftState: 'nothing changed',
    })
  }
  if (!cluster.endpoint) {
    throw new DeployError(`eks-cluster: cluster ${name} has no API endpoint yet`, { leftState: 'nothing changed' })
  }
  return {
    name: cluster.name ?? name,
    arn: cluster.arn ?? name,
    endpoint: cluster.endpoint,
    caData: cluster.certificateAuthority?.data || undefined,
  }
}

/** The auth-provider name of the EKS kubeconfig's user; our client-node authenticator claims it. */
export const EKS_AUTH_PROVIDER = 'deploy-actions-eks'

/** client-node's `loadFromOptions` shape for an EKS cluster (token refreshed by an authenticator). */
export function eksKubeConfigOptions(info: EksClusterInfo, namespace?: string) {
  return {
    // EKS endpoints are https with the cluster CA; client-node refuses plain http unless told
    // there is no TLS to verify (a local stand-in server).
    clusters: [
      { name: info.arn, server: info.endpoint, caData: info.caData, skipTLSVerify: info.endpoint.startsWith('http:') },
    ],
    users: [{ name: info.arn, authProvider: { name: EKS_AUTH_PROVIDER, config: { cluster: info.name } } }],
    contexts: [{ name: info.arn, cluster: info.arn, user: info.arn, ...(namespace ? { namespace } : {}) }],
    currentContext: info.arn,
  }
}

/** A standard kubeconfig file for the cluster with a static token (for kubectl in later steps). */
export function eksKubeconfigYaml(info: EksClusterInfo, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: info.arn,
        cluster: { server: info.endpoint, ...(info.caData ? { 'certificate-authority-data': info.caData } : {}) },
      },
    ],
    users: [{ name: info.arn, user: { token } }],
    contexts: [{ name: info.arn, context: { cluster: info.arn, user: info.arn } }],
    'current-context': info.arn,
  })
}
