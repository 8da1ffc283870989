// Pod subresources besides status: logs as the kubelet refuses them for a container that never
// ran, evictions as the disruption budget allows them, and an honest refusal for what the
// simulator cannot do (its containers are not processes).
//
// Upstream: pkg/kubelet/kubelet_pods.go validateContainerLogStatus (`container "app" in pod
// "web" is waiting to start: trying and failing to pull image`), pkg/registry/core/pod/rest
// log.go (container name required for several), pkg/registry/core/pod/storage eviction.go
// (429 `Cannot evict pod as it would violate the pod's disruption budget.`).
import type { Api } from './api.ts'
import { resourceByKind } from './resources.ts'
import { fromLabelSelector, matchesLabels } from './selectors.ts'
import { ApiError, badRequest } from './status.ts'
import type { KObj } from './types.ts'

const PODS = resourceByKind('Pod')
const PDBS = resourceByKind('PodDisruptionBudget')

/** The text `kubectl logs` gets for one container of a pod, or the kubelet's refusal. */
export function podLog(pod: KObj, q: URLSearchParams): string {
  const name = pod.metadata.name
  const containers: string[] = (pod.spec?.containers ?? []).map((c: KObj) => c.name)
  const inits: string[] = (pod.spec?.initContainers ?? []).map((c: KObj) => c.name)
  let container = q.get('container') ?? ''
  if (!container) {
    if (containers.length !== 1) {
      throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`)
    }
    container = containers[0]!
  }
  if (!containers.includes(container) && !inits.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`)
  }
  if (!pod.spec?.nodeName) return ''
  const statuses: KObj[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
  const status = statuses.find((s) => s.name === container)
  const previous = q.get('previous') === 'true'
  if (previous) {
    if (!status?.lastState?.terminated?.containerID) {
      throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`)
    }
    return `${name}/${container}: simulated log of the previous run (exit code ${status.lastState.terminated.exitCode})\n`
  }
  const waiting = status?.state?.waiting
  if (!status?.containerID && waiting) {
    const why =
      waiting.reason === 'ErrImagePull'
        ? "image can't be pulled"
        : waiting.reason === 'ImagePullBackOff'
          ? 'trying and failing to pull image'
          : waiting.reason
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`)
  }
  if (!status?.containerID)
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`)
  return `${name}/${container}: simulated container log\n`
}

/** POST pods/<name>/eviction: a graceful delete, unless a PodDisruptionBudget covering the pod allows no disruption. */
export function evict(api: Api, namespace: string, name: string): KObj {
  const pod = api.get(PODS, namespace, name)
  const budgets = api.store.list(PDBS, { namespace }).filter((b) => {
    const selector = fromLabelSelector(b.spec?.selector)
    return selector.length > 0 && matchesLabels(selector, pod.metadata.labels)
  })
  const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
  if (!terminal && budgets.length > 1) {
    throw new ApiError(
      500,
      'InternalError',
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    )
  }
  const budget = budgets[0]
  if (!terminal && budget && (budget.status?.disruptionsAllowed ?? 0) <= 0) {
    throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
      causes: [
        {
          reason: 'DisruptionBudget',
          message: `The disruption budget ${budget.metadata.name} needs ${budget.status?.desiredHealthy ?? 0} healthy pods and has ${budget.status?.currentHealthy ?? 0} currently`,
        },
      ],
    })
  }
  if (budget && !terminal) {
    // The budget counts the disruption at once, as the eviction registry does (status.disruptionsAllowed - 1).
    budget.status = { ...budget.status, disruptionsAllowed: budget.status.disruptionsAllowed - 1 }
    api.store.update(PDBS, budget, { statusOnly: true })
  }
  api.delete(PODS, namespace, name)
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }
}

/** What a real API server serves and the simulator does not: said so, rather than a bare 404. */
export function notSupported(resource: string, subresource: string): ApiError {
  const why = ['exec', 'attach'].includes(subresource)
    ? ': its containers are not processes'
    : subresource === 'proxy'
      ? ': nothing listens behind its pods and services'
      : ''
  return new ApiError(
    405,
    'MethodNotAllowed',
    `${resource}/${subresource} is not supported by the testbed Kubernetes simulator${why}`,
    { kind: resource },
  )
}
