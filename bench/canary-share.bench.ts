// Served canary share against the asked weight with the `replicas` router (canary pods beside the
// stable ones behind one Service), for stable sizes 2..20 at 10/25/50%: ours beside
// Azure/k8s-deploy's pod strategy. The share is measured: pods run in the Kubernetes simulator,
// the traffic emulator sends load through the Service's ready endpoints and counts what each
// version served over one second.
//   ours:       canary c = the count whose c/(stable+c) is closest to the weight (our canary's
//               closestCanaryReplicas, with the live stable size); a weight that cannot come
//               within 5 points is refused (marked `refused`: the share shown is what it would give).
//   k8s-deploy: canary c = max(1, round(replicas × percentage / 100)) and a baseline copy of the
//               stable with the same c, all behind the Service: c / (replicas + 2c)
//               (Azure/k8s-deploy src/strategyHelpers/canary/podCanaryHelper.ts,
//               calculateReplicaCountForCanary, and the baseline it deploys beside the canary).
// Prints figures; asserts nothing. Run: node bench/canary-share.bench.ts [maxReplicas]
import * as k8s from '@kubernetes/client-node'
import { closestCanaryReplicas, SHARE_TOLERANCE } from '../actions/canary-deploy/src/replicas-share.ts'
import { startKubeSimulator } from '../packages/testbed/src/kube/index.ts'
import { startTrafficEmulator } from '../packages/testbed/src/traffic/index.ts'

const MAX = Number(process.argv[2] ?? 20)
const WEIGHTS = [10, 25, 50]
const RPS = 300
const WINDOW_MS = 1000

const sim = await startKubeSimulator({ podReadyDelayMs: 20, controllerTickMs: 10 })
const kc = new k8s.KubeConfig()
kc.loadFromString(sim.kubeconfig)
const apps = kc.makeApiClient(k8s.AppsV1Api)
const core = kc.makeApiClient(k8s.CoreV1Api)
const ns = 'default'

function deployment(name: string, image: string, replicas: number, track: string): k8s.V1Deployment {
  const labels = { app: 'web', track }
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
    },
  }
}

await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 'shop/web:v1', 2, 'stable') })
await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web-canary', 'shop/web:v2', 0, 'canary') })
await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web-baseline', 'shop/web:v1', 0, 'baseline') })
await core.createNamespacedService({
  namespace: ns,
  body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
})
const emulator = await startTrafficEmulator({ kube: sim, namespace: ns, service: 'web', rps: RPS, refreshMs: 50 })

async function scaleAll(stable: number, canary: number, baseline: number): Promise<void> {
  for (const [name, replicas] of [
    ['web', stable],
    ['web-canary', canary],
    ['web-baseline', baseline],
  ] as const) {
    await apps.patchNamespacedDeploymentScale(
      { name, namespace: ns, body: { spec: { replicas } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    )
  }
  const want = stable + canary + baseline
  const expected = canary / want
  for (let i = 0; i < 600; i++) {
    await emulator.refresh()
    const pods = await core.listNamespacedPod({ namespace: ns })
    const settled = pods.items.length === want && pods.items.every((p) => !p.metadata?.deletionTimestamp)
    if (settled && Math.abs(emulator.expectedShare().canary - expected) < 1e-9) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`pods did not settle at ${stable}/${canary}/${baseline}`)
}

async function served(): Promise<number> {
  await new Promise((r) => setTimeout(r, WINDOW_MS + 100))
  return 100 * emulator.servedShare(WINDOW_MS).canaryShare
}

interface Row {
  replicas: number
  weight: number
  ours: { canary: number; served: number; refused: boolean }
  azure: { canary: number; served: number }
}
const rows: Row[] = []
const pad = (s: string | number, n: number) => String(s).padStart(n)
console.log(
  `served canary share (%) by the replicas router, ${RPS} req/s through the Service's ready endpoints, ${WINDOW_MS} ms windows`,
)
console.log(
  `${pad('stable', 6)} ${pad('asked', 5)} | ${pad('ours: canary', 12)} ${pad('served', 7)} | ${pad('k8s-deploy: canary+baseline', 27)} ${pad('served', 7)}`,
)
for (let replicas = 2; replicas <= MAX; replicas++) {
  for (const weight of WEIGHTS) {
    const c = closestCanaryReplicas(weight, replicas)
    await scaleAll(replicas, c, 0)
    const oursServed = await served()
    const a = Math.max(1, Math.round((replicas * weight) / 100))
    await scaleAll(replicas, a, a)
    const azureServed = await served()
    const refused = Math.abs((100 * c) / (replicas + c) - weight) > SHARE_TOLERANCE
    rows.push({
      replicas,
      weight,
      ours: { canary: c, served: oursServed, refused },
      azure: { canary: a, served: azureServed },
    })
    console.log(
      `${pad(replicas, 6)} ${pad(`${weight}%`, 5)} | ${pad(c, 12)} ${pad(oursServed.toFixed(1), 7)}${refused ? ' refused ' : '         '}| ${pad(`${a}+${a}`, 27)} ${pad(azureServed.toFixed(1), 7)}`,
    )
  }
}

const mean = (xs: number[]) => xs.reduce((n, x) => n + x, 0) / Math.max(1, xs.length)
console.log('\nmean |served − asked| in points, by asked weight (ours over the weights it accepts)')
for (const weight of WEIGHTS) {
  const at = rows.filter((r) => r.weight === weight)
  const accepted = at.filter((r) => !r.ours.refused)
  console.log(
    `  ${pad(`${weight}%`, 4)}  ours ${mean(accepted.map((r) => Math.abs(r.ours.served - weight))).toFixed(1)} (${accepted.length}/${at.length} accepted; all sizes ${mean(at.map((r) => Math.abs(r.ours.served - weight))).toFixed(1)})` +
      `   k8s-deploy ${mean(at.map((r) => Math.abs(r.azure.served - weight))).toFixed(1)}  (worst ${Math.max(...at.map((r) => Math.abs(r.azure.served - weight))).toFixed(1)})`,
  )
}
const worst = rows.reduce((w, r) => (Math.abs(r.azure.served - r.weight) > Math.abs(w.azure.served - w.weight) ? r : w))
console.log(
  `k8s-deploy's worst: ${worst.replicas} replicas at ${worst.weight}% served ${worst.azure.served.toFixed(1)}% (${worst.azure.canary} canary + ${worst.azure.canary} baseline)`,
)
const stats = emulator.stats()
console.log(`requests sent ${stats.sent}, dropped ${stats.dropped}`)
await emulator.stop()
await sim.stop()
