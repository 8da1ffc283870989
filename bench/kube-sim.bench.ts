// Kubernetes API simulator figures: request latency, watch delivery latency, rollout time, and
// how much later a once-a-second poller (kubectl's old `rollout status` loop) notices a finished
// rollout than a watch does. Prints figures; asserts nothing. Run: node bench/kube-sim.bench.ts
import * as k8s from '@kubernetes/client-node'
import { startKubeSimulator } from '../packages/testbed/src/kube/index.ts'

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b)
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
  return `p50 ${at(50).toFixed(2)} ms, p95 ${at(95).toFixed(2)} ms, max ${s[s.length - 1]!.toFixed(2)} ms (n=${s.length})`
}

const sim = await startKubeSimulator({ podReadyDelayMs: 200, controllerTickMs: 50 })
const kc = new k8s.KubeConfig()
kc.loadFromString(sim.kubeconfig)
const apps = kc.makeApiClient(k8s.AppsV1Api)
const core = kc.makeApiClient(k8s.CoreV1Api)
const ns = 'default'
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch)

function deployment(name: string, replicas: number): k8s.V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: `${name}:1` }] } },
    },
  }
}

function complete(d: k8s.V1Deployment): boolean {
  const want = d.spec?.replicas ?? 1
  const s = d.status ?? {}
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    s.updatedReplicas === want &&
    s.replicas === want &&
    s.availableReplicas === want
  )
}

try {
  // 1. request latency through client-node
  await apps.createNamespacedDeployment({ namespace: ns, body: deployment('bench', 3) })
  const gets: number[] = []
  for (let i = 0; i < 500; i++) {
    const t = performance.now()
    await apps.readNamespacedDeployment({ name: 'bench', namespace: ns })
    gets.push(performance.now() - t)
  }
  console.log(`GET deployment (client-node): ${stats(gets)}`)
  const lists: number[] = []
  for (let i = 0; i < 200; i++) {
    const t = performance.now()
    await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=bench' })
    lists.push(performance.now() - t)
  }
  console.log(`LIST pods by label (client-node): ${stats(lists)}`)

  // 2. watch delivery: PATCH returns → the watcher has the event
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'bench-watch' }, data: { n: '0' } } })
  const waiting = new Map<string, (t: number) => void>()
  const req = await new k8s.Watch(kc).watch(
    `/api/v1/namespaces/${ns}/configmaps`,
    { fieldSelector: 'metadata.name=bench-watch' },
    (_type, obj) => waiting.get(obj.data?.n)?.(performance.now()),
    () => {},
  )
  const delivery: number[] = []
  for (let i = 1; i <= 200; i++) {
    const seen = new Promise<number>((resolve) => waiting.set(String(i), resolve))
    const t = performance.now()
    await core.patchNamespacedConfigMap({ name: 'bench-watch', namespace: ns, body: { data: { n: String(i) } } }, merge)
    delivery.push((await seen) - t)
  }
  req.abort()
  console.log(`write → watch event (round trip incl. the PATCH): ${stats(delivery)}`)

  // 3 and 4. rollouts: duration, and watch vs 1 s polling to notice completion
  await apps.createNamespacedDeployment({ namespace: ns, body: deployment('roll', 10) })
  for (;;) {
    if (complete(await apps.readNamespacedDeployment({ name: 'roll', namespace: ns }))) break
    await new Promise((r) => setTimeout(r, 50))
  }
  const durations: number[] = []
  const lag: number[] = []
  for (let round = 2; round <= 13; round++) {
    const start = performance.now()
    await apps.patchNamespacedDeployment(
      {
        name: 'roll',
        namespace: ns,
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: `roll:${round}` }] } } } },
      },
      strategic,
    )
    const watched = new Promise<number>((resolve) => {
      let req: AbortController | undefined
      void new k8s.Watch(kc)
        .watch(
          `/apis/apps/v1/namespaces/${ns}/deployments`,
          { fieldSelector: 'metadata.name=roll' },
          (_t, d: k8s.V1Deployment) => {
            if (complete(d)) {
              req?.abort()
              resolve(performance.now())
            }
          },
          () => {},
        )
        .then((r) => {
          req = r
        })
    })
    // kubectl rollout status polled once a second before it used watches; start at a random phase
    const polled = (async () => {
      await new Promise((r) => setTimeout(r, Math.random() * 1000))
      for (;;) {
        if (complete(await apps.readNamespacedDeployment({ name: 'roll', namespace: ns }))) return performance.now()
        await new Promise((r) => setTimeout(r, 1000))
      }
    })()
    const [w, p] = await Promise.all([watched, polled])
    durations.push(w - start)
    lag.push(p - w)
  }
  console.log(`rolling update of 10 replicas (25%/25%, pods ready after 200 ms, 50 ms ticks): ${stats(durations)}`)
  console.log(`1 s polling notices completion later than a watch by: ${stats(lag)}`)
} finally {
  await sim.stop()
}
