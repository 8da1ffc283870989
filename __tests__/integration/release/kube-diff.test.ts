// `deploy-actions plan` shows the cluster change as `kubectl diff --server-side` does: the same
// manifests diffed by kubectl and by the release against the Kubernetes simulator, both through
// the same `diff -u -N` over LIVE and MERGED folders, give the same output (kubectl's temp paths
// and timestamps aside), nothing is stored, and the plan's markdown carries the diff of its
// manifests with the release's image put in.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { KubeObject, ObjectsApi } from '@deploy-actions/kube'
import { type KubeSimulator, kubectlRunner, removeDir, requireBinary, tempDir } from '@deploy-actions/testbed'
import { stringify } from 'yaml'
import { clusterDiff } from '../../../packages/release/src/kube-diff.ts'
import { openSession, planFromPlan } from '../../../packages/release/src/session.ts'
import { startSimulatorClients } from '../kube/simulator-clients.ts'

let sim: KubeSimulator
let objects: ObjectsApi
let kubectl: ReturnType<typeof kubectlRunner>
let work: string
beforeAll(async () => {
  const bin = requireBinary('kubectl', 'apt-get install kubectl')
  ;({ sim, objects } = await startSimulatorClients())
  kubectl = kubectlRunner(bin, sim.kubeconfigPath)
  work = tempDir('release-kube-diff')
})
afterAll(async () => {
  await sim?.stop()
  if (work) removeDir(work)
})

const deployment = (image: string, extra: Record<string, unknown> = {}, labels: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'shop', namespace: 'default', labels: { app: 'shop', ...labels } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'shop' } },
    template: {
      metadata: { labels: { app: 'shop' } },
      spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }], ...extra }] },
    },
  },
})
const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'shop', namespace: 'default' },
  spec: { selector: { app: 'shop' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
}
const secret = (password: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'shop-db', namespace: 'default' },
  data: { user: Buffer.from('shop').toString('base64'), password: Buffer.from(password).toString('base64') },
})
const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'shop-settings', namespace: 'default' },
  data: { mode: 'on', since: '2026-01-01' },
}
// YAML 1.1, as kubectl reads it (an unquoted `on` would be a boolean there).
const yamlOf = (list: object[]) => list.map((o) => stringify(o, { version: '1.1' })).join('---\n')

/**
 * kubectl diff's output with its temp folders (`/tmp/LIVE-123/…`) named as ours (`LIVE/…`), the
 * timestamps after each file name and the per-file `diff -u -N …` lines dropped (ours drops
 * them); of a created object, the uid and creation time each dry run makes up; the live
 * resourceVersion.
 */
const normalised = (out: string) =>
  out
    .split('\n')
    .filter((l) => !l.startsWith('diff -u -N '))
    .map((l) => l.replace(/^(---|\+\+\+) \/\S*\/(LIVE|MERGED)-\d+\/(\S+)\t.*$/, '$1 $2/$3'))
    // A created object's uid, timestamp and resourceVersion are made up by each dry run; the
    // version comes from the cluster's counter, which a controller's write may move in between.
    .map((l) => l.replace(/^\+ {2}(uid|creationTimestamp|resourceVersion): .*$/, '+  $1: (made up by the dry run)'))
    // The live version, which the deployment controller may move between kubectl's read and ours.
    .map((l) => l.replace(/^ {3}resourceVersion: .*$/, '   resourceVersion: (live)'))
    .join('\n')
    .trim()

/** What each object holds (its status aside, which the controllers keep moving). */
const stored = async (list: KubeObject[]) =>
  Promise.all(
    list.map(async (o) => {
      const live = await objects.find({
        apiVersion: o.apiVersion!,
        kind: o.kind!,
        name: o.metadata!.name!,
        namespace: o.metadata!.namespace!,
      })
      return (
        live && {
          generation: live.metadata?.generation,
          labels: live.metadata?.labels,
          spec: live.spec,
          data: live.data,
        }
      )
    }),
  )

test('the diff of a set of manifests is the one kubectl diff --server-side prints; nothing is stored', async () => {
  // What runs now, applied by kubectl as a team would.
  await kubectl.ok(['apply', '--server-side', '-f', '-'], yamlOf([deployment('reg/shop:v1'), service, secret('old')]))
  const desired = [
    deployment(
      'reg/shop:v2',
      { env: [{ name: 'MODE', value: 'on' }], resources: { limits: { memory: '256Mi' } } },
      {
        tier: 'web',
      },
    ),
    service,
    secret('new'),
    configMap,
  ] as KubeObject[]
  const file = join(work, 'manifests.yaml')
  writeFileSync(file, yamlOf(desired))
  const before = await stored(desired)

  const theirs = await kubectl.run([
    'diff',
    '--server-side',
    '--force-conflicts',
    '--field-manager',
    'deploy-actions-canary',
    '-f',
    file,
  ])
  if (theirs.code !== 1) throw new Error(`kubectl diff: exit ${theirs.code}\n${theirs.stderr}\n${theirs.stdout}`) // 1: differences found
  const { KUBECTL_EXTERNAL_DIFF: _, ...env } = process.env
  const ours = await clusterDiff(objects, desired, { fieldManager: 'deploy-actions-canary', env })
  expect(normalised(ours.diff)).toBe(normalised(theirs.stdout))
  expect(ours.diff).toMatch(
    /^--- LIVE\/apps\.v1\.Deployment\.default\.shop\n\+\+\+ MERGED\/apps\.v1\.Deployment\.default\.shop\n@@ /,
  )
  expect(ours.objects.map((d) => [d.name, d.created, d.changed])).toEqual([
    ['apps.v1.Deployment.default.shop', false, true],
    ['v1.Service.default.shop', false, false],
    ['v1.Secret.default.shop-db', false, true],
    ['v1.ConfigMap.default.shop-settings', true, true],
  ])
  // The Secret's values never show; that one changes does.
  expect(ours.diff).toContain("-  password: '*** (before)'")
  expect(ours.diff).not.toContain(Buffer.from('new').toString('base64'))
  expect(ours.diff).not.toContain(Buffer.from('old').toString('base64'))
  // Dry runs: every object as it was, the new one not created.
  expect(await stored(desired)).toEqual(before)
  expect(before[3]).toBeUndefined()
}, 60_000)

test('plan: the manifests with the release image, diffed against the cluster, in the markdown', async () => {
  const dir = join(work, 'service')
  mkdirSync(join(dir, 'k8s'), { recursive: true })
  writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfig)
  writeFileSync(join(dir, 'k8s/app.yaml'), yamlOf([deployment('reg/shop:v1'), service]))
  writeFileSync(join(dir, 'k8s/settings.yml'), yamlOf([configMap]))
  writeFileSync(
    join(dir, 'release.yaml'),
    stringify({
      service: 'shop',
      kubernetes: { deployment: 'shop', image: 'reg/shop:v3', kubeconfig: 'kubeconfig', manifests: 'k8s' },
    }),
  )
  const generation = async () =>
    (await objects.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop', namespace: 'default' })).metadata
      ?.generation
  const before = await generation()
  const { NODE_OPTIONS: _, ...env } = process.env
  const session = openSession({ planFile: join(dir, 'release.yaml'), env, sink: () => {} })
  const markdown = await planFromPlan(session).finally(() => session.close())
  expect(markdown).toContain(
    'Once promoted (the manifests (2 YAML files in k8s) with image `reg/shop:v3`), `kubectl diff --server-side` would show:',
  )
  expect(markdown).toContain('--- LIVE/apps.v1.Deployment.default.shop\n+++ MERGED/apps.v1.Deployment.default.shop')
  expect(markdown).toMatch(/^- {6}- image: reg\/shop:v1$/m)
  expect(markdown).toMatch(/^\+ {6}- image: reg\/shop:v3$/m)
  expect(markdown).toContain(
    '--- LIVE/v1.ConfigMap.default.shop-settings\n+++ MERGED/v1.ConfigMap.default.shop-settings\n@@ -0,0 +1,',
  )
  expect(markdown).toContain('Unchanged: `v1.Service.default.shop`.')
  expect(await generation()).toBe(before)
}, 60_000)

test('plan: a Deployment an HorizontalPodAutoscaler scales is diffed without the manifests’ replicas, as the canary applies it', async () => {
  const api = { ...deployment('reg/api:1'), metadata: { name: 'api', namespace: 'default', labels: { app: 'api' } } }
  api.spec.selector.matchLabels.app = 'api'
  api.spec.template.metadata.labels.app = 'api'
  await kubectl.ok(['apply', '--server-side', '-f', '-'], yamlOf([api]))
  await objects.create({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'api', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    },
  })
  const dir = join(work, 'api')
  mkdirSync(join(dir, 'k8s'), { recursive: true })
  writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfig)
  writeFileSync(join(dir, 'k8s/api.yaml'), yamlOf([{ ...api, spec: { ...api.spec, replicas: 7 } }]))
  writeFileSync(
    join(dir, 'release.yaml'),
    stringify({ kubernetes: { deployment: 'api', image: 'reg/api:2', kubeconfig: 'kubeconfig', manifests: 'k8s' } }),
  )
  const { NODE_OPTIONS: _, ...env } = process.env
  const session = openSession({ planFile: join(dir, 'release.yaml'), env, sink: () => {} })
  const markdown = await planFromPlan(session).finally(() => session.close())
  expect(markdown).toMatch(/^\+ {6}- image: reg\/api:2$/m)
  expect(markdown).not.toMatch(/^\+ {2}replicas: 7$/m)
}, 60_000)

test('plan: manifests without the Deployment, and a diff program that cannot run, are said in the markdown', async () => {
  const dir = join(work, 'other')
  mkdirSync(join(dir, 'k8s'), { recursive: true })
  writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfig)
  writeFileSync(join(dir, 'k8s/settings.yaml'), yamlOf([configMap]))
  writeFileSync(
    join(dir, 'release.yaml'),
    stringify({ kubernetes: { deployment: 'shop', image: 'reg/shop:v4', kubeconfig: 'kubeconfig', manifests: 'k8s' } }),
  )
  const { NODE_OPTIONS: _, ...env } = process.env
  const plan = async (extra: Record<string, string>) => {
    const session = openSession({ planFile: join(dir, 'release.yaml'), env: { ...env, ...extra }, sink: () => {} })
    return planFromPlan(session).finally(() => session.close())
  }
  const markdown = await plan({})
  expect(markdown).toContain("**The manifests do not contain Deployment `shop`**: the canary's promotion would refuse.")
  expect(markdown).toContain('+++ MERGED/v1.ConfigMap.default.shop-settings\n')
  const failed = await plan({ KUBECTL_EXTERNAL_DIFF: join(dir, 'no-such-difftool') })
  expect(failed).toContain(
    `Once promoted (the manifests (1 YAML file in k8s) with image \`reg/shop:v4\`): the diff could not be made (failed to run "${join(dir, 'no-such-difftool')}" (KUBECTL_EXTERNAL_DIFF): `,
  )
}, 60_000)
