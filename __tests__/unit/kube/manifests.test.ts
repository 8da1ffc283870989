// A service's manifests as the canary promotes through them and `plan` dry-runs them
// (packages/kube/src/manifests.ts): a folder of YAML read recursively in path order, one file,
// or a kustomization rendered by the real `kubectl kustomize`; failures name the path and carry
// the caller's left state; the promotion's image, replicas and namespace.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DeployError } from '@deploy-actions/kit'
import { type KubeObject, preparePromotion, renderManifests } from '@deploy-actions/kube'
import { removeDir, requireBinary, tempDir } from '@deploy-actions/testbed'

let workspace: string
beforeAll(() => {
  requireBinary('kubectl', 'apt-get install kubectl')
  workspace = tempDir('manifests-test')
  const write = (path: string, text: string) => {
    mkdirSync(join(workspace, path, '..'), { recursive: true })
    writeFileSync(join(workspace, path), text)
  }
  write(
    'k8s/app.yaml',
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  replicas: 3
  template: {spec: {containers: [{name: app, image: "reg/shop:1"}, {name: proxy, image: "envoy:1"}]}}
---
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: edge}
`,
  )
  write(
    'k8s/jobs/report.yml',
    `apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec: {jobTemplate: {spec: {template: {spec: {initContainers: [{name: m, image: "reg/shop@sha256:0"}]}}}}}
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: shop-reader}}
`,
  )
  write('k8s/README.md', '# not a manifest\n')
  write('base/kustomization.yaml', 'resources: [app.yaml]\n')
  write(
    'base/app.yaml',
    'apiVersion: v1\nkind: Service\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: shop}\n',
  )
  write('overlay/kustomization.yaml', 'resources: [../base]\nnamePrefix: prod-\n')
  write('broken/kustomization.yaml', 'resources: [missing.yaml]\n')
  write('bad/app.yaml', 'kind: [unclosed\n')
})
afterAll(() => removeDir(workspace))

const names = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata?.name}`)

test('a folder: every YAML file under it in path order, Lists flattened, other files skipped', async () => {
  const { objects, how } = await renderManifests('k8s', { workspace })
  expect(how).toBe('2 YAML files in k8s')
  expect(names(objects)).toEqual([
    'Deployment/shop',
    'Service/shop',
    'CronJob/report',
    'Namespace/shop',
    'ClusterRole/shop-reader',
  ])
  expect((await renderManifests('k8s/app.yaml', { workspace })).how).toBe('1 YAML file in k8s/app.yaml')
})

test('a kustomization is rendered by kubectl kustomize', async () => {
  const { objects, how } = await renderManifests('overlay', { workspace })
  expect(how).toBe('kubectl kustomize overlay')
  expect(names(objects).sort()).toEqual(['ConfigMap/prod-shop', 'Service/prod-shop'])
})

test('failures name the path, with the left state the caller gives', async () => {
  const failure = (path: string, leftState?: string) =>
    renderManifests(path, { workspace, ...(leftState ? { leftState } : {}) }).then(
      () => undefined,
      (e: unknown) => e as DeployError,
    )
  const missing = await failure('nope', 'stable unchanged')
  expect(missing).toBeInstanceOf(DeployError)
  expect([missing?.message, missing?.leftState]).toEqual(['manifests: nope does not exist', 'stable unchanged'])
  const broken = await failure('broken', 'stable unchanged')
  expect(broken?.message).toMatch(/^kubectl kustomize \S+\/broken failed: .*missing\.yaml/)
  expect(broken?.leftState).toBe('stable unchanged')
  const bad = await failure('bad')
  expect(bad?.message).toMatch(/^manifests: \S+\/bad\/app\.yaml: not valid YAML \(/)
  expect(bad?.leftState).toBeUndefined()
})

test('the promotion: the image by name in every pod template, replicas left to an HPA, the namespace filled', async () => {
  const { objects } = await renderManifests('k8s', { workspace })
  const p = { image: 'reg/shop:2', deployment: 'shop', namespace: 'web' }
  const { changed, deployment } = preparePromotion(objects, { ...p, scaledByHpa: true })
  expect(changed).toBe(2)
  expect(JSON.stringify(objects).match(/"image":"[^"]+"/g)).toEqual([
    '"image":"reg/shop:2"',
    '"image":"envoy:1"',
    '"image":"reg/shop:2"',
  ])
  expect(deployment?.spec).not.toHaveProperty('replicas')
  expect(objects.map((o) => o.metadata?.namespace)).toEqual(['web', 'edge', 'web', undefined, undefined])

  const unscaled = (await renderManifests('k8s', { workspace })).objects
  expect(preparePromotion(unscaled, { ...p, scaledByHpa: false }).deployment?.spec).toHaveProperty('replicas', 3)
  expect(preparePromotion(unscaled, { ...p, deployment: 'other', scaledByHpa: false }).deployment).toBeUndefined()
})
