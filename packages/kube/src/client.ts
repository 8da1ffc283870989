// The only module that touches @kubernetes/client-node, loaded on first use (dynamic import), so
// actions validate their inputs before the heavy client is read. Everything above it talks to the
// `KubeApi` port, which tests can also satisfy with an in-memory fake.
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import type { KubeConfig } from '@kubernetes/client-node'
import { type Credentials, createEksPort, describeEksCluster, eksToken } from './eks.ts'
import {
  chooseKubeconfigSource,
  EKS_AUTH_PROVIDER,
  type EksClusterInfo,
  eksKubeConfigOptions,
  type KubeAccess,
  type KubeconfigSource,
} from './kubeconfig.ts'
import type { Deployment, KubeEvent, Pod, ReplicaSet } from './types.ts'

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'

/** A list answer: its items and the resourceVersion to watch from. */
export interface DeploymentList {
  metadata?: { resourceVersion?: string }
  items: Deployment[]
}

/** A running watch; `stop()` closes it without calling `onClose`'s error path. */
export interface WatchHandle {
  stop(): void
}

/** What the rollout, history and undo code needs from an API server. */
export interface KubeApi {
  readDeployment(namespace: string, name: string): Promise<Deployment>
  /** PUT with the object's resourceVersion (a stale one gives 409 Conflict). */
  replaceDeployment(namespace: string, name: string, body: Deployment): Promise<Deployment>
  listReplicaSets(namespace: string, labelSelector: string): Promise<ReplicaSet[]>
  listPods(namespace: string, labelSelector: string): Promise<Pod[]>
  listEvents(namespace: string, fieldSelector?: string): Promise<KubeEvent[]>
  /**
   * Lists the Deployments named `name` (fieldSelector metadata.name=<name>: none or one) with the
   * list's resourceVersion, the start of a list-then-watch (deployment-informer.ts).
   */
  listDeploymentByName(namespace: string, name: string): Promise<DeploymentList>
  /**
   * Watches one Deployment from `resourceVersion`. `onEvent` gets each event (raw JSON);
   * `onClose` is called once when the stream ends for any reason (error or undefined).
   */
  watchDeployment(
    namespace: string,
    name: string,
    resourceVersion: string | undefined,
    onEvent: (type: WatchEventType, object: unknown) => void,
    onClose: (error?: unknown) => void,
  ): Promise<WatchHandle>
}

/** The HTTP status of an API error (client-node's ApiException `code`, a watch error's `statusCode`). */
export function apiStatus(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown } | undefined
  if (typeof e?.code === 'number') return e.code
  if (typeof e?.statusCode === 'number') return e.statusCode
  return undefined
}

export const isConflict = (error: unknown): boolean => apiStatus(error) === 409
export const isNotFound = (error: unknown): boolean => apiStatus(error) === 404

/** The server's own message of an API error (the Status object's `message`), else the error's. */
export function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown } | undefined)?.body
  let parsed: unknown = body
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body)
    } catch {
      parsed = undefined
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message
  if (typeof message === 'string' && message) return message
  return error instanceof Error ? error.message.split('\n')[0]! : String(error)
}

export interface LoadOptions {
  /** The `kubeconfig` input (content), '' when unset. */
  kubeconfig?: string
  /** An EKS cluster (from DescribeCluster) to connect to with a native token instead. */
  eks?: { info: EksClusterInfo; region: string; credentials: Credentials }
  env?: NodeJS.ProcessEnv
  homeDir?: string
  /** Called with every secret the config carries (token, client key), to mask it before any log line. */
  onSecret?: (secret: string) => void
}

export interface LoadedKubeConfig {
  kubeConfig: KubeConfig
  /** Where it came from, for the log: `kubeconfig input`, `KUBECONFIG`, `eks-cluster prod`, … */
  source: string
  server: string | undefined
}

/** Builds the KubeConfig from the `eks-cluster` info, the `kubeconfig` input, or the environment. */
export async function loadKubeConfig(options: LoadOptions = {}): Promise<LoadedKubeConfig> {
  const k8s = await import('@kubernetes/client-node')
  const kc = new k8s.KubeConfig()
  let source: string
  if (options.eks) {
    const { info, region, credentials } = options.eks
    kc.loadFromOptions(eksKubeConfigOptions(info))
    kc.addAuthenticator(eksAuthenticator(info.name, region, credentials, options.env ?? process.env, options.onSecret))
    source = `eks-cluster ${info.name}`
  } else {
    const chosen: KubeconfigSource = chooseKubeconfigSource({
      input: options.kubeconfig ?? '',
      env: options.env ?? process.env,
      homeDir: options.homeDir ?? homedir(),
      exists: existsSync,
    })
    if (chosen.kind === 'content') {
      options.onSecret?.(chosen.content)
      kc.loadFromString(chosen.content)
      source = 'kubeconfig input'
    } else if (chosen.kind === 'files') {
      kc.loadFromFile(chosen.paths[0]!)
      for (const path of chosen.paths.slice(1)) {
        const more = new k8s.KubeConfig()
        more.loadFromFile(path)
        kc.mergeConfig(more)
      }
      source = chosen.from === 'KUBECONFIG' ? `KUBECONFIG (${chosen.paths.join(':')})` : '~/.kube/config'
    } else {
      kc.loadFromCluster()
      source = 'in-cluster service account'
    }
  }
  const user = kc.getCurrentUser()
  for (const secret of [user?.token, user?.keyData, user?.password]) if (secret) options.onSecret?.(secret)
  return { kubeConfig: kc, source, server: kc.getCurrentCluster()?.server }
}

export interface Connection extends LoadedKubeConfig {
  api: KubeApi
}

/**
 * One call for an action's `kubeconfig` / `eks-cluster` inputs (parsed by parseKubeAccess):
 * the KubeConfig from the right source, and the API over it.
 */
export async function connectKube(
  access: KubeAccess,
  options: { region?: string; env?: NodeJS.ProcessEnv; homeDir?: string; onSecret?: (secret: string) => void } = {},
): Promise<Connection> {
  let loaded: LoadedKubeConfig
  if (access.kind === 'eks') {
    if (!options.region) throw new Error('connectKube: a region is needed for eks-cluster')
    const eks = await createEksPort(options.region)
    const info = await describeEksCluster(eks, access.cluster)
    loaded = await loadKubeConfig({ ...options, eks: { info, region: options.region, credentials: eks.credentials } })
  } else {
    loaded = await loadKubeConfig({ ...options, kubeconfig: access.content ?? '' })
  }
  return { ...loaded, api: await createKubeApi(loaded.kubeConfig) }
}

/** client-node authenticator that mints a fresh EKS token when the previous one nears expiry. */
function eksAuthenticator(
  clusterName: string,
  region: string,
  credentials: Credentials,
  env: NodeJS.ProcessEnv,
  onSecret: ((secret: string) => void) | undefined,
) {
  let current: { token: string; expiresAt: Date } | undefined
  return {
    isAuthProvider: (user: { authProvider?: { name?: string } }) => user.authProvider?.name === EKS_AUTH_PROVIDER,
    async applyAuthentication(_user: unknown, opts: { headers?: Record<string, unknown> }) {
      if (!current || current.expiresAt.getTime() - Date.now() < 60_000) {
        current = await eksToken({ clusterName, region, credentials, env })
        onSecret?.(current.token)
      }
      opts.headers ??= {}
      opts.headers.Authorization = `Bearer ${current.token}`
    },
  }
}

/** The KubeApi over client-node's typed AppsV1Api / CoreV1Api and Watch. */
export async function createKubeApi(kc: KubeConfig): Promise<KubeApi> {
  const k8s = await import('@kubernetes/client-node')
  const apps = kc.makeApiClient(k8s.AppsV1Api)
  const core = kc.makeApiClient(k8s.CoreV1Api)
  const watch = new k8s.Watch(kc)
  return {
    readDeployment: async (namespace, name) => (await apps.readNamespacedDeployment({ namespace, name })) as Deployment,
    replaceDeployment: async (namespace, name, body) =>
      (await apps.replaceNamespacedDeployment({
        namespace,
        name,
        body: body as import('@kubernetes/client-node').V1Deployment,
      })) as Deployment,
    listDeploymentByName: async (namespace, name) =>
      (await apps.listNamespacedDeployment({ namespace, fieldSelector: `metadata.name=${name}` })) as DeploymentList,
    listReplicaSets: async (namespace, labelSelector) =>
      (await apps.listNamespacedReplicaSet({ namespace, labelSelector })).items as ReplicaSet[],
    listPods: async (namespace, labelSelector) =>
      (await core.listNamespacedPod({ namespace, labelSelector })).items as Pod[],
    listEvents: async (namespace, fieldSelector) =>
      (await core.listNamespacedEvent({ namespace, fieldSelector })).items as KubeEvent[],
    async watchDeployment(namespace, name, resourceVersion, onEvent, onClose) {
      let stopped = false
      const controller = await watch.watch(
        `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
        { fieldSelector: `metadata.name=${name}`, resourceVersion, allowWatchBookmarks: true },
        (type, object) => {
          if (!stopped) onEvent(type as WatchEventType, object)
        },
        (error) => {
          if (!stopped) onClose(error ?? undefined)
        },
      )
      return {
        stop() {
          stopped = true
          controller.abort()
        },
      }
    },
  }
}
