// The controllers and the kubelet stand-in as a client sees them through the API: ReplicaSets per
// template, revisions and rollback, rolling/recreate, pause, deadlines, history cleanup, pod
// failures with their events, HPAs, Jobs and garbage collection.

import { type KubeSimulator, startKubeSimulator } from '@deploy-actions/testbed'
import * as k8s from '@kubernetes/client-node'
import { clients, deploymentBody, eventually, isComplete } from './helpers.ts'

let sim: KubeSimulator
let c: ReturnType<typeof clients>
const ns = 'default'
const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch)
const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
const REVISION = 'deployment.kubernetes.io/revision'

beforeAll(async () => {
  sim = await startKubeSimulator({ podReadyDelayMs: 100, controllerTickMs: 20 })
  c = clients(sim)
})
afterAll(async () => {
  await sim?.stop()
})

async function rolledOut(name: string, namespace = ns): Promise<k8s.V1Deployment> {
  return eventually(`deployment ${name} rolled out`, async () => {
    const d = await c.apps.readNamespacedDeployment({ name, namespace })
    return isComplete(d) ? d : undefined
  })
}

async function replicaSets(name: string): Promise<k8s.V1ReplicaSet[]> {
  return (await c.apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: `app=${name}` })).items
}

async function setImage(name: string, image: string): Promise<void> {
  await c.apps.patchNamespacedDeployment(
    { name, namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } } },
    strategic,
  )
}

function imageOf(rs: k8s.V1ReplicaSet): string | undefined {
  return rs.spec?.template?.spec?.containers[0]?.image
}

async function podEvents(pod: k8s.V1Pod): Promise<k8s.CoreV1Event[]> {
  const list = await c.core.listNamespacedEvent({
    namespace: ns,
    fieldSelector: `involvedObject.name=${pod.metadata?.name},involvedObject.kind=Pod,involvedObject.uid=${pod.metadata?.uid}`,
  })
  return list.items
}

test('a new deployment gets one ReplicaSet named by pod-template-hash, revision 1, and status as upstream writes it', async () => {
  await c.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody('web', 'web:1', 3) })
  const d = await rolledOut('web')
  const [rs, ...others] = await replicaSets('web')
  expect(others).toEqual([])
  const hash = rs?.metadata?.labels?.['pod-template-hash']
  expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/)
  expect(rs?.metadata?.name).toBe(`web-${hash}`)
  expect(rs?.spec?.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash })
  expect(rs?.metadata?.ownerReferences).toEqual([
    expect.objectContaining({
      kind: 'Deployment',
      name: 'web',
      uid: d.metadata?.uid,
      controller: true,
      blockOwnerDeletion: true,
    }),
  ])
  expect(rs?.metadata?.annotations).toEqual({
    'deployment.kubernetes.io/desired-replicas': '3',
    'deployment.kubernetes.io/max-replicas': '4',
    [REVISION]: '1',
  })
  expect(d.metadata?.annotations?.[REVISION]).toBe('1')
  expect(d.status).toMatchObject({
    observedGeneration: 1,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
  })
  expect(d.status?.unavailableReplicas).toBeUndefined()
  const conditions = Object.fromEntries((d.status?.conditions ?? []).map((x) => [x.type, x]))
  expect(conditions.Available).toMatchObject({
    status: 'True',
    reason: 'MinimumReplicasAvailable',
    message: 'Deployment has minimum availability.',
  })
  expect(conditions.Progressing).toMatchObject({
    status: 'True',
    reason: 'NewReplicaSetAvailable',
    message: `ReplicaSet "web-${hash}" has successfully progressed.`,
  })
  const pods = await c.core.listNamespacedPod({ namespace: ns, labelSelector: `app=web,pod-template-hash=${hash}` })
  expect(pods.items).toHaveLength(3)
  for (const pod of pods.items) {
    expect(pod.metadata?.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`))
    expect(pod.status?.phase).toBe('Running')
    expect(pod.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True')
    expect(pod.spec?.nodeName).toBe('testbed-node')
  }
  const events = (await podEvents(pods.items[0]!)).map((e) => `${e.reason}: ${e.message}`)
  expect(events).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^Scheduled: Successfully assigned default\/web-.* to testbed-node$/),
      'Pulling: Pulling image "web:1"',
      expect.stringMatching(/^Pulled: Successfully pulled image "web:1" in /),
      'Created: Created container: app',
      'Started: Started container app',
    ]),
  )
})

test('an image change rolls through a second ReplicaSet; a rollback reuses the first and bumps its revision', async () => {
  await c.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody('roll', 'roll:1', 4) })
  await rolledOut('roll')
  const seen = new Set<string>()
  const req = await new k8s.Watch(c.kc).watch(
    `/apis/apps/v1/namespaces/${ns}/deployments`,
    { fieldSelector: 'metadata.name=roll' },
    (_t, d: k8s.V1Deployment) => {
      for (const cond of d.status?.conditions ?? []) seen.add(`${cond.type}/${cond.reason}`)
    },
    () => {},
  )
  await setImage('roll', 'roll:2')
  const after = await rolledOut('roll')
  req.abort()
  expect(seen.has('Progressing/ReplicaSetUpdated')).toBe(true)
  expect(after.metadata?.generation).toBe(2)
  expect(after.metadata?.annotations?.[REVISION]).toBe('2')
  let sets = await replicaSets('roll')
  expect(
    sets.map((rs) => `${imageOf(rs)} r${rs.metadata?.annotations?.[REVISION]} x${rs.spec?.replicas}`).sort(),
  ).toEqual(['roll:1 r1 x0', 'roll:2 r2 x4'])

  // kubectl rollout undo: the old ReplicaSet's template goes back into the deployment
  const first = sets.find((rs) => imageOf(rs) === 'roll:1')!
  const template = structuredClone(first.spec!.template!)
  delete template.metadata!.labels!['pod-template-hash']
  await c.apps.patchNamespacedDeployment(
    { name: 'roll', namespace: ns, body: [{ op: 'replace', path: '/spec/template', value: template }] },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
  )
  const back = await rolledOut('roll')
  expect(back.metadata?.annotations?.[REVISION]).toBe('3')
  sets = await replicaSets('roll')
  expect(sets).toHaveLength(2)
  const reused = sets.find((rs) => rs.metadata?.uid === first.metadata?.uid)!
  expect(reused.metadata?.annotations?.[REVISION]).toBe('3')
  expect(reused.metadata?.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1')
  expect(reused.spec?.replicas).toBe(4)
})

test('scaling events record ScalingReplicaSet with from/to counts', async () => {
  await c.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody('evented', 'evented:1', 1) })
  await rolledOut('evented')
  await c.apps.patchNamespacedDeploymentScale(
    { name: 'evented', namespace: ns, body: { spec: { replicas: 3 } } },
    mergePatch,
  )
  await rolledOut('evented')
  const d = await c.apps.readNamespacedDeployment({ name: 'evented', namespace: ns })
  const events = await c.core.listNamespacedEvent({
    namespace: ns,
    fieldSelector: `involvedObject.kind=Deployment,involvedObject.name=evented,involvedObject.uid=${d.metadata?.uid}`,
  })
  const rs = (await replicaSets('evented'))[0]!
  expect(events.items.map((e) => `${e.type} ${e.reason} ${e.message} ${e.source?.component}`)).toEqual([
    `Normal ScalingReplicaSet Scaled up replica set ${rs.metadata?.name} from 0 to 1 deployment-controller`,
    `Normal ScalingReplicaSet Scaled up replica set ${rs.metadata?.name} from 1 to 3 deployment-controller`,
  ])
  // desired-replicas follows the scale
  expect(rs.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe('3')
})

test('scaling in the middle of a stuck rollout spreads the new replicas proportionally (the docs example)', async () => {
  // kubernetes.io "Proportional scaling": 10 replicas, maxSurge 3, maxUnavailable 2, an image that
  // cannot be pulled leaves 8 old and 5 new; scaling to 15 gives 3 more to the old, 2 to the new.
  const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } }
  await c.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody('prop', 'prop:1', 10, { strategy }) })
  await rolledOut('prop')
  await setImage('prop', 'prop:2-missing')
  const sizes = async () => {
    const sets = await replicaSets('prop')
    return `${sets.find((rs) => imageOf(rs) === 'prop:1')?.spec?.replicas}/${sets.find((rs) => imageOf(rs) === 'prop:2-missing')?.spec?.replicas}`
  }
  await eventually('the rollout to get stuck at 8 old and 5 new', async () =>
    (await sizes()) === '8/5' ? true : undefined,
  )
  await c.apps.patchNamespacedDeploymentScale(
    { name: 'prop', namespace: ns, body: { spec: { replicas: 15 } } },
    mergePatch,
  )
  await eventually('11 old and 7 new', async () => ((await sizes()) === '11/7' ? true : undefined))
  const annotations = (await replicaSets('prop')).map(
    (rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/max-replicas'],
  )
  expect(annotations).toEqual(['18', '18'])
})

test('Recreate scales the old ReplicaSet to zero before the new one comes up', async () => {
  await c.apps.createNamespacedDeployment({
    namespace: ns,
    body: deploymentBody('recreate', 'recreate:1', 2, { strategy: { type: 'Recreate' } }),
  })
  await rolledOut('recreate')
  const overlap: number[] = []
  const timer = setInterval(async () => {
    const pods = await c.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=recreate' }).catch(() => undefined)
    const images = new Set((pods?.items ?? []).map((p) => p.spec?.containers[0]?.image))
    overlap.push(images.size)
  }, 10)
  await setImage('recreate', 'recreate:2')
  await rolledOut('recreate')
  clearInterval(timer)
  expect(Math.max(...overlap)).toBe(1)
  const rs = await replicaSets('recreate')
  expect(
    rs.find((r) => imageOf(r) === 'recreate:1')?.metadata?.annotations?.['deployment.kubernetes.io/max-replicas'],
  ).toBe('2')
})

test('revisionHistoryLimit keeps that many old ReplicaSets', async () => {
  await c.apps.createNamespacedDeployment({
    namespace: ns,
    body: deploymentBody('hist', 'hist:1', 1, { revisionHistoryLimit: 2 }),
  })
  await rolledOut('hist')
  for (const v of [2, 3, 4, 5]) {
    await setImage('hist', `hist:${v}`)
    await rolledOut('hist')
  }
  await eventually('old ReplicaSets cleaned up', async () =>
    (await replicaSets('hist')).length === 3 ? true : undefined,
  )
  const revisions = (await replicaSets('hist')).map((rs) => rs.metadata?.annotations?.[REVISION]).sort()
  expect(revisions).toEqual(['3', '4', '5'])
})

test('a paused deployment does not roll out; resuming does, with the DeploymentPaused/Resumed conditions', async () => {
  await c.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody('paused', 'paused:1', 1) })
  await rolledOut('paused')
  await c.apps.patchNamespacedDeployment(
    { name: 'paused', namespace: ns, body: { spec: { paused: true } } },
    mergePatch,
  )
  await setImage('paused', 'paused:2')
  const d = await eventually('the paused condition', async () => {
    const x = await c.apps.readNamespacedDeployment({ name: 'paused', namespace: ns })
    const p = x.status?.conditions?.find((y) => y.type === 'Progressing')
    return p?.reason === 'DeploymentPaused' && x.status?.observedGeneration === x.metadata?.generation ? x : undefined
  })
  expect(d.status?.conditions?.find((y) => y.type === 'Progressing')).toMatchObject({
    status: 'Unknown',
    message: 'Deployment is paused',
  })
  expect((await replicaSets('paused')).map(imageOf)).toEqual(['paused:1'])
  await c.apps.patchNamespacedDeployment(
    { name: 'paused', namespace: ns, body: { spec: { paused: false } } },
    mergePatch,
  )
  const resumed = await rolledOut('paused')
  expect(resumed.spec?.template.spec?.containers[0]?.image).toBe('paused:2')
})

test('a rollout that cannot progress gets ProgressDeadlineExceeded after progressDeadlineSeconds', async () => {
  await c.apps.createNamespacedDeployment({
    namespace: ns,
    body: deploymentBody('stuck', 'stuck:1', 2, { progressDeadlineSeconds: 100 }),
  })
  await rolledOut('stuck')
  await setImage('stuck', 'stuck:2-crashloop')
  const d = await eventually(
    'the deadline',
    async () => {
      const x = await c.apps.readNamespacedDeployment({ name: 'stuck', namespace: ns })
      return x.status?.conditions?.find((y) => y.type === 'Progressing' && y.reason === 'ProgressDeadlineExceeded')
        ? x
        : undefined
    },
    10_000,
  )
  const progressing = d.status?.conditions?.find((y) => y.type === 'Progressing')
  const newRs = (await replicaSets('stuck')).find((rs) => imageOf(rs) === 'stuck:2-crashloop')
  expect(progressing).toMatchObject({
    status: 'False',
    message: `ReplicaSet "${newRs?.metadata?.name}" has timed out progressing.`,
  })
  // old pods keep serving: availability stays
  expect(d.status?.conditions?.find((y) => y.type === 'Available')?.status).toBe('True')
  expect(d.status?.unavailableReplicas).toBeGreaterThan(0)
})

test('kubelet failures: CrashLoopBackOff with growing restarts, OOMKilled, ErrImagePull/ImagePullBackOff, with their events', async () => {
  const mk = (name: string, image: string) =>
    c.core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name, labels: { fail: 'yes' } }, spec: { containers: [{ name: 'app', image }] } },
    })
  await mk('crash', 'registry.example.com/app:v1-crashloop')
  await mk('oom', 'app:v1-oom')
  await mk('missing', 'app:v1-missing')
  const status = async (name: string) =>
    (await c.core.readNamespacedPod({ name, namespace: ns })).status?.containerStatuses?.[0]
  const crash = await eventually('two restarts', async () => {
    const s = await status('crash')
    return (s?.restartCount ?? 0) >= 2 ? s : undefined
  })
  expect(crash.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' })
  expect(crash.ready).toBe(false)
  await eventually('CrashLoopBackOff', async () =>
    (await status('crash'))?.state?.waiting?.reason === 'CrashLoopBackOff' ? true : undefined,
  )
  const oom = await eventually('OOMKilled', async () => {
    const s = await status('oom')
    return s?.lastState?.terminated?.reason === 'OOMKilled' ? s : undefined
  })
  expect(oom.lastState?.terminated?.exitCode).toBe(137)
  const missing = await eventually('ImagePullBackOff', async () => {
    const s = await status('missing')
    return s?.state?.waiting?.reason === 'ImagePullBackOff' ? s : undefined
  })
  expect(missing.restartCount).toBe(0)
  const pod = await c.core.readNamespacedPod({ name: 'missing', namespace: ns })
  expect(pod.status?.phase).toBe('Pending')
  expect(pod.status?.conditions?.find((x) => x.type === 'Ready')).toMatchObject({
    status: 'False',
    reason: 'ContainersNotReady',
    message: 'containers with unready status: [app]',
  })
  const missingEvents = (await podEvents(pod)).map((e) => `${e.type} ${e.reason} ${e.message}`)
  expect(missingEvents).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^Warning Failed Failed to pull image "app:v1-missing": .*not found$/),
      'Warning Failed Error: ErrImagePull',
      'Normal BackOff Back-off pulling image "app:v1-missing"',
      'Warning Failed Error: ImagePullBackOff',
    ]),
  )
  const crashPod = await c.core.readNamespacedPod({ name: 'crash', namespace: ns })
  const backOff = (await podEvents(crashPod)).find((e) => e.reason === 'BackOff')
  expect(backOff).toMatchObject({
    type: 'Warning',
    message: `Back-off restarting failed container app in pod crash_default(${crashPod.metadata?.uid})`,
    source: { component: 'kubelet', host: 'testbed-node' },
    involvedObject: { kind: 'Pod', name: 'crash', fieldPath: 'spec.containers{app}' },
  })
  await eventually('repeated events counted', async () => {
    const e = (await podEvents(crashPod)).find((x) => x.reason === 'BackOff')
    return (e?.count ?? 0) >= 2 ? e : undefined
  })
})

test('init containers complete before the app containers start', async () => {
  await c.core.createNamespacedPod({
    namespace: ns,
    body: {
      metadata: { name: 'with-init' },
      spec: {
        initContainers: [{ name: 'migrate', image: 'migrate:1' }],
        containers: [{ name: 'app', image: 'app:1' }],
      },
    },
  })
  const pod = await eventually('the pod to run', async () => {
    const p = await c.core.readNamespacedPod({ name: 'with-init', namespace: ns })
    return p.status?.phase === 'Running' ? p : undefined
  })
  expect(pod.status?.initContainerStatuses?.[0]).toMatchObject({
    name: 'migrate',
    ready: true,
    state: { terminated: { exitCode: 0, reason: 'Completed' } },
  })
  expect(pod.status?.conditions?.find((x) => x.type === 'Initialized')?.status).toBe('True')
  const started = (await podEvents(pod)).filter((e) => e.reason === 'Started').map((e) => e.involvedObject.fieldPath)
  expect(started).toEqual(['spec.initContainers{migrate}', 'spec.containers{app}'])
})

test('a pod that fits no node stays Pending, Unschedulable, with FailedScheduling events', async () => {
  await c.core.createNamespacedPod({
    namespace: ns,
    body: {
      metadata: { name: 'too-big' },
      spec: { containers: [{ name: 'app', image: 'app:1', resources: { requests: { cpu: '64', memory: '1Gi' } } }] },
    },
  })
  const pod = await eventually('the scheduling failure', async () => {
    const p = await c.core.readNamespacedPod({ name: 'too-big', namespace: ns })
    return p.status?.conditions?.some((x) => x.reason === 'Unschedulable') ? p : undefined
  })
  expect(pod.status?.phase).toBe('Pending')
  expect(pod.spec?.nodeName).toBeUndefined()
  const [event] = (await podEvents(pod)).filter((e) => e.reason === 'FailedScheduling')
  expect(event).toMatchObject({
    type: 'Warning',
    source: { component: 'default-scheduler' },
    message:
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
  })
})

test('an HPA keeps the target within min/max and reports current replicas', async () => {
  await c.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody('scaled-by-hpa', 'hpa:1', 1) })
  await c.autoscaling.createNamespacedHorizontalPodAutoscaler({
    namespace: ns,
    body: {
      metadata: { name: 'scaled-by-hpa' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'scaled-by-hpa' },
        minReplicas: 2,
        maxReplicas: 5,
      },
    },
  })
  const d = await eventually('the HPA to scale up to its minimum', async () => {
    const x = await c.apps.readNamespacedDeployment({ name: 'scaled-by-hpa', namespace: ns })
    return x.spec?.replicas === 2 && isComplete(x) ? x : undefined
  })
  expect(d.status?.availableReplicas).toBe(2)
  // a replica count inside the range is honoured as it is
  await c.apps.patchNamespacedDeploymentScale(
    { name: 'scaled-by-hpa', namespace: ns, body: { spec: { replicas: 4 } } },
    mergePatch,
  )
  const hpa = await eventually('the HPA to report 4', async () => {
    const h = await c.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'scaled-by-hpa', namespace: ns })
    return h.status?.currentReplicas === 4 ? h : undefined
  })
  expect(hpa.status?.desiredReplicas).toBe(4)
  expect((await c.apps.readNamespacedDeployment({ name: 'scaled-by-hpa', namespace: ns })).spec?.replicas).toBe(4)
})

test('autoscaling/v1 is the same HPA seen through the v1 schema', async () => {
  const v1 = c.kc.makeApiClient(k8s.AutoscalingV1Api)
  await c.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody('hpa-v1', 'hpa:1', 1) })
  await v1.createNamespacedHorizontalPodAutoscaler({
    namespace: ns,
    body: {
      metadata: { name: 'hpa-v1' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hpa-v1' },
        minReplicas: 2,
        maxReplicas: 3,
        targetCPUUtilizationPercentage: 70,
      },
    },
  })
  const v2 = await c.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'hpa-v1', namespace: ns })
  expect(v2.spec?.metrics).toEqual([
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
  ])
  await c.autoscaling.patchNamespacedHorizontalPodAutoscaler(
    { name: 'hpa-v1', namespace: ns, body: { spec: { maxReplicas: 4 } } },
    mergePatch,
  )
  const seen = await eventually('the v1 view with status', async () => {
    const h = await v1.readNamespacedHorizontalPodAutoscaler({ name: 'hpa-v1', namespace: ns })
    return h.status?.currentReplicas === 2 ? h : undefined
  })
  expect(seen.apiVersion).toBe('autoscaling/v1')
  expect(seen.spec).toEqual({
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hpa-v1' },
    minReplicas: 2,
    maxReplicas: 4,
    targetCPUUtilizationPercentage: 70,
  })
})

test('a Job runs its pods to completion; a failing one stops at backoffLimit', async () => {
  const job = (name: string, image: string, backoffLimit?: number): k8s.V1Job => ({
    metadata: { name },
    spec: {
      completions: 2,
      parallelism: 1,
      backoffLimit,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'task', image }] } },
    },
  })
  await c.batch.createNamespacedJob({ namespace: ns, body: job('migrate', 'task:1') })
  const done = await eventually('the job to complete', async () => {
    const j = await c.batch.readNamespacedJob({ name: 'migrate', namespace: ns })
    return j.status?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True') ? j : undefined
  })
  expect(done.status?.succeeded).toBe(2)
  expect(done.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid']).toBe(done.metadata?.uid)
  await c.batch.createNamespacedJob({ namespace: ns, body: job('broken', 'task:1-crashloop', 1) })
  const failed = await eventually('the job to fail', async () => {
    const j = await c.batch.readNamespacedJob({ name: 'broken', namespace: ns })
    return j.status?.conditions?.some((x) => x.type === 'Failed') ? j : undefined
  })
  expect(failed.status?.failed).toBe(2)
  expect(failed.status?.conditions?.find((x) => x.type === 'Failed')?.reason).toBe('BackoffLimitExceeded')
})

test('deleting a deployment removes its ReplicaSets and pods; deleting a namespace removes its content', async () => {
  await c.core.createNamespace({ body: { metadata: { name: 'scratch' } } })
  await c.apps.createNamespacedDeployment({ namespace: 'scratch', body: deploymentBody('gone', 'gone:1', 2) })
  await rolledOut('gone', 'scratch')
  await c.apps.deleteNamespacedDeployment({ name: 'gone', namespace: 'scratch' })
  await eventually('pods gone', async () =>
    (await c.core.listNamespacedPod({ namespace: 'scratch' })).items.length === 0 ? true : undefined,
  )
  expect((await c.apps.listNamespacedReplicaSet({ namespace: 'scratch' })).items).toEqual([])
  await c.core.createNamespacedConfigMap({ namespace: 'scratch', body: { metadata: { name: 'left' } } })
  await c.core.deleteNamespace({ name: 'scratch' })
  await eventually('namespace gone', async () =>
    (await c.core.listNamespace()).items.some((n) => n.metadata?.name === 'scratch') ? undefined : true,
  )
  expect((await c.core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=scratch' })).items).toEqual(
    [],
  )
})

test('a failing readiness probe keeps a running pod unready, with Unhealthy events', async () => {
  await c.core.createNamespacedPod({
    namespace: ns,
    body: {
      metadata: { name: 'unready' },
      spec: {
        containers: [
          { name: 'app', image: 'app:v1-unready', readinessProbe: { httpGet: { path: '/ready', port: 8080 } } },
        ],
      },
    },
  })
  const pod = await eventually('Unhealthy events', async () => {
    const e = (await podEvents(await c.core.readNamespacedPod({ name: 'unready', namespace: ns }))).find(
      (x) => x.reason === 'Unhealthy',
    )
    // Read after the events: under load the two reads can be a probe period apart.
    const p = await c.core.readNamespacedPod({ name: 'unready', namespace: ns })
    return (e?.count ?? 0) >= 2 ? p : undefined
  })
  expect(pod.status?.phase).toBe('Running')
  expect(pod.status?.containerStatuses?.[0]).toMatchObject({
    ready: false,
    started: true,
    restartCount: 0,
    state: { running: {} },
  })
  const e = (await podEvents(pod)).find((x) => x.reason === 'Unhealthy')
  expect(e).toMatchObject({
    type: 'Warning',
    message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
  })
})

test('Endpoints list the ready and not-ready pods a Service selects', async () => {
  await c.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody('backend', 'backend:1', 2) })
  await c.core.createNamespacedPod({
    namespace: ns,
    body: {
      metadata: { name: 'backend-slow', labels: { app: 'backend' } },
      spec: {
        containers: [
          { name: 'app', image: 'backend:1-unready', readinessProbe: { httpGet: { path: '/ready', port: 8080 } } },
        ],
      },
    },
  })
  await c.core.createNamespacedService({
    namespace: ns,
    body: {
      metadata: { name: 'backend' },
      spec: { selector: { app: 'backend' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    },
  })
  await rolledOut('backend')
  const ep = await eventually('endpoints', async () => {
    const e = await c.core.readNamespacedEndpoints({ name: 'backend', namespace: ns }).catch(() => undefined)
    const subset = e?.subsets?.[0]
    return subset?.addresses?.length === 2 && subset.notReadyAddresses?.length === 1 ? subset : undefined
  })
  expect(ep.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }])
  expect(ep.notReadyAddresses?.[0]?.targetRef).toMatchObject({ kind: 'Pod', name: 'backend-slow' })
  await c.core.deleteNamespacedService({ name: 'backend', namespace: ns })
  await eventually('endpoints removed', async () =>
    (await c.core.readNamespacedEndpoints({ name: 'backend', namespace: ns }).catch(() => 'gone')) === 'gone'
      ? true
      : undefined,
  )
})

test('services and ingresses round-trip', async () => {
  await c.networking.createNamespacedIngress({
    namespace: ns,
    body: {
      metadata: {
        name: 'web-canary',
        annotations: {
          'nginx.ingress.kubernetes.io/canary': 'true',
          'nginx.ingress.kubernetes.io/canary-weight': '10',
        },
      },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'web.example.com',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: 'web-canary', port: { number: 80 } } } },
              ],
            },
          },
        ],
      },
    },
  })
  await c.networking.patchNamespacedIngress(
    {
      name: 'web-canary',
      namespace: ns,
      body: { metadata: { annotations: { 'nginx.ingress.kubernetes.io/canary-weight': '50' } } },
    },
    mergePatch,
  )
  const ing = await c.networking.readNamespacedIngress({ name: 'web-canary', namespace: ns })
  expect(ing.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary-weight']).toBe('50')
  expect(ing.spec?.rules?.[0]?.host).toBe('web.example.com')
})
