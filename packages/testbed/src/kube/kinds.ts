// What a real cluster has before anyone applies anything, and the small controllers behind
// kinds that are otherwise only stored:
// - every namespace gets a `default` ServiceAccount (serviceaccounts-controller) and the
//   `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher);
// - `default` holds the `kubernetes` Service with the API server's Endpoints and EndpointSlice
//   (pkg/controlplane/reconcilers);
// - PodDisruptionBudgets get their status (pkg/controller/disruption: expectedPods,
//   currentHealthy, desiredHealthy, disruptionsAllowed, the DisruptionAllowed condition).
import type { Api } from './api.ts'
import { resourceByKind } from './resources.ts'
import { fromLabelSelector, matchesLabels } from './selectors.ts'
import { deepEqual, isoNow, type KObj } from './types.ts'
import { isPodReady } from './util.ts'

const SERVICE_ACCOUNTS = resourceByKind('ServiceAccount')
const CONFIG_MAPS = resourceByKind('ConfigMap')
const SERVICES = resourceByKind('Service')
const ENDPOINTS = resourceByKind('Endpoints')
const SLICES = resourceByKind('EndpointSlice')
const PDBS = resourceByKind('PodDisruptionBudget')
const PODS = resourceByKind('Pod')

/** A stand-in cluster CA: the ConfigMap's content, not a certificate anything verifies. */
const ROOT_CA = '-----BEGIN CERTIFICATE-----\nTUlJQnRlc3RiZWQtc2ltdWxhdG9yLWNsdXN0ZXItY2E=\n-----END CERTIFICATE-----\n'

export const API_SERVER_IP = '10.0.0.10'
export const KUBERNETES_SERVICE_IP = '10.96.0.1'

/** The objects controllers put into a namespace as soon as it exists. */
export function populateNamespace(api: Api, namespace: string): void {
  if (!api.store.tryGet(SERVICE_ACCOUNTS, namespace, 'default')) {
    api.store.create(SERVICE_ACCOUNTS, { metadata: { name: 'default', namespace } })
  }
  if (!api.store.tryGet(CONFIG_MAPS, namespace, 'kube-root-ca.crt')) {
    api.store.create(CONFIG_MAPS, {
      metadata: {
        name: 'kube-root-ca.crt',
        namespace,
        annotations: {
          'kubernetes.io/description':
            'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
        },
      },
      data: { 'ca.crt': ROOT_CA },
    })
  }
}

/** The `kubernetes` Service of the default namespace and where it points (the API server on the node). */
export function createKubernetesService(api: Api): void {
  const labels = { component: 'apiserver', provider: 'kubernetes' }
  api.store.create(SERVICES, {
    metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: {
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }],
      clusterIP: KUBERNETES_SERVICE_IP,
      clusterIPs: [KUBERNETES_SERVICE_IP],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  })
  api.store.create(ENDPOINTS, {
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
    },
    subsets: [{ addresses: [{ ip: API_SERVER_IP }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
  })
  api.store.create(SLICES, {
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'kubernetes' },
      generation: 1,
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [API_SERVER_IP], conditions: { ready: true } }],
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
  })
}

/** intstr.GetScaledValueFromIntOrPercent, rounding up as the disruption controller does. */
function scaled(value: unknown, total: number): number {
  if (typeof value === 'number') return value
  const pct = /^(\d+)%$/.exec(String(value))
  return pct ? Math.ceil((Number(pct[1]) * total) / 100) : Number(value) || 0
}

export class DisruptionController {
  private readonly api: Api
  constructor(api: Api) {
    this.api = api
  }

  tick(): void {
    for (const pdb of this.api.store.list(PDBS)) this.sync(pdb)
  }

  private sync(pdb: KObj): void {
    const selector = fromLabelSelector(pdb.spec?.selector)
    const pods = this.api.store
      .list(PODS, { namespace: pdb.metadata.namespace })
      .filter((p) => selector.length > 0 && matchesLabels(selector, p.metadata.labels) && !p.metadata.deletionTimestamp)
    const expectedPods = pods.length
    const currentHealthy = pods.filter(isPodReady).length
    let desiredHealthy = 0
    if (pdb.spec?.minAvailable !== undefined) desiredHealthy = scaled(pdb.spec.minAvailable, expectedPods)
    else if (pdb.spec?.maxUnavailable !== undefined)
      desiredHealthy = Math.max(0, expectedPods - scaled(pdb.spec.maxUnavailable, expectedPods))
    const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy)
    const previous = (pdb.status?.conditions ?? []).find((c: KObj) => c.type === 'DisruptionAllowed')
    const allowed = disruptionsAllowed > 0 ? 'True' : 'False'
    const status: KObj = {
      observedGeneration: pdb.metadata.generation,
      disruptionsAllowed,
      currentHealthy,
      desiredHealthy,
      expectedPods,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: allowed,
          reason: disruptionsAllowed > 0 ? 'SufficientPods' : 'InsufficientPods',
          message: '',
          observedGeneration: pdb.metadata.generation,
          lastTransitionTime: previous?.status === allowed ? previous.lastTransitionTime : isoNow(),
        },
      ],
    }
    if (pdb.status?.disruptedPods) status.disruptedPods = pdb.status.disruptedPods
    if (deepEqual(pdb.status, status)) return
    pdb.status = status
    this.api.store.update(PDBS, pdb, { statusOnly: true })
  }
}
