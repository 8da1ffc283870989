// Shared by the canary bundle tests: a simulator, a stable Deployment and its Service, and the
// bundle run with short steps (step-duration 1s, analysis-interval 500ms).
import { waitUntil } from '@deploy-actions/kit'
import {
  createObjectsApi,
  type Deployment,
  type KubeObject,
  loadKubeConfig,
  type ObjectsApi,
} from '@deploy-actions/kube'
import { type BundleRun, type KubeSimulator, runBundle, startKubeSimulator } from '@deploy-actions/testbed'

export interface Cluster {
  sim: KubeSimulator
  objects: ObjectsApi
}

export async function startCluster(): Promise<Cluster> {
  // podinfo's own minReadySeconds 3 and progressDeadlineSeconds 60 play in 150 ms and 3 s.
  const sim = await startKubeSimulator({ podReadyDelayMs: 150, controllerTickMs: 25, timeScale: 0.05 })
  const { kubeConfig } = await loadKubeConfig({ kubeconfig: sim.kubeconfig })
  return { sim, objects: await createObjectsApi(kubeConfig) }
}

export async function namespace(objects: ObjectsApi, name: string): Promise<void> {
  await objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
}

/** A stable Deployment `name` (labels app=name) with `replicas` Ready pods, and its Service. */
export async function stableApp(
  objects: ObjectsApi,
  ns: string,
  name: string,
  replicas: number,
  image = `registry.local/${name}:1`,
) {
  await objects.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  })
  await objects.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  })
  await waitUntil(
    async () => {
      const d = await objects.get<KubeObject & Deployment>(deploymentRef(ns, name))
      return (d.status?.readyReplicas ?? 0) === replicas
        ? { done: true }
        : { detail: `${d.status?.readyReplicas ?? 0} ready` }
    },
    { what: `${name} ready`, timeoutMs: 20_000, intervalMs: 50, log: () => {} },
  )
}

export const deploymentRef = (namespace: string, name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name,
  namespace,
})

export async function imageOf(objects: ObjectsApi, ns: string, name: string): Promise<string | undefined> {
  const d = await objects.find<KubeObject & Deployment>(deploymentRef(ns, name))
  return d?.spec?.template.spec?.containers[0]?.image
}

export function canary(
  sim: KubeSimulator,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<BundleRun> {
  return runBundle('canary-deploy', {
    inputs: {
      kubeconfig: sim.kubeconfig,
      'step-duration': '1s',
      'analysis-interval': '500ms',
      'rollout-timeout': '30s',
      ...inputs,
    },
    env,
    timeoutMs: 110_000,
  })
}

/** The failure line the runner shows (`::error::…`). */
export const errorLine = (run: BundleRun): string =>
  run.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) => l.replace(/%0A/g, '\n').replace(/%0D/g, '').replace(/%25/g, '%'))
    .join('\n')
