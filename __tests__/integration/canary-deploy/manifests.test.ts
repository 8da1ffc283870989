// Promotion through a kustomize overlay, as the runbook's `kubectl apply -k overlays/production`:
// the real podinfo base (Deployment, HPA, Service) deployed at 6.14.2, a canary of 6.14.3, and
// promotion by rendering overlay-6.14.3 with kubectl kustomize and server-side applying it. The
// HPA-managed Deployment is sized from the HPA and never written replicas.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { waitUntil } from '@deploy-actions/kit'
import type { Deployment, KubeObject } from '@deploy-actions/kube'
import { requireBinary } from '@deploy-actions/testbed'
import { parseAllDocuments } from 'yaml'
import { type Cluster, canary, deploymentRef, errorLine, imageOf, namespace, startCluster } from './helpers.ts'

const PODINFO = join(import.meta.dirname, 'fixtures', 'podinfo')
let c: Cluster
let kubectl: string
beforeAll(async () => {
  kubectl = requireBinary('kubectl', 'apt-get install kubectl')
  c = await startCluster()
})
afterAll(async () => {
  await c?.sim.stop()
})

function kustomize(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, ['kustomize', dir])
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kubectl kustomize exited ${code}`))))
  })
}

it('promotes through the kustomize overlay: rendered by kubectl, image set by name, applied server-side', async () => {
  await namespace(c.objects, 'podinfo')
  for (const doc of parseAllDocuments(await kustomize(join(PODINFO, 'overlay-6.14.2')))) {
    await c.objects.create(doc.toJSON() as KubeObject)
  }
  await waitUntil(
    async () => {
      const d = await c.objects.get<KubeObject & Deployment>(deploymentRef('podinfo', 'podinfo'))
      return (d.status?.readyReplicas ?? 0) >= 2 ? { done: true } : { detail: `${d.status?.readyReplicas ?? 0} ready` }
    },
    { what: 'podinfo ready', timeoutMs: 60_000, intervalMs: 100, log: () => {} },
  )
  const run = await canary(c.sim, {
    namespace: 'podinfo',
    deployment: 'podinfo',
    image: 'ghcr.io/stefanprodan/podinfo:6.14.3',
    steps: '50,100',
    'step-duration': '1s',
    'rollout-timeout': '90s',
    manifests: join(PODINFO, 'overlay-6.14.3'),
  })
  expect(errorLine(run)).toBe('')
  expect(run.outputs).toMatchObject({ result: 'promoted', 'previous-image': 'ghcr.io/stefanprodan/podinfo:6.14.2' })
  expect(run.summary).toMatch(
    /promoted through manifests: kubectl kustomize .*overlay-6.14.3, 3 objects applied \(server-side apply\), image ghcr.io\/stefanprodan\/podinfo:6.14.3 set in 1 container; replicas left to HPA podinfo/,
  )
  expect(run.summary).toMatch(
    /HorizontalPodAutoscaler podinfo scales podinfo: the canary is sized from its current replicas \(2\)/,
  )
  expect(await imageOf(c.objects, 'podinfo', 'podinfo')).toBe('ghcr.io/stefanprodan/podinfo:6.14.3')
  expect(await c.objects.find(deploymentRef('podinfo', 'podinfo-canary'))).toBeUndefined()
})
