// How long after the API server completes a rollout does `rollout status` notice it: our
// waitForRollout (client-node's informer: one list, then watch events) against a poll of GET
// every 1 s (the loop kubectl's older, poll-based rollout status and most scripts use). The
// simulator runs in its own process (`testbed kube`), as an API server would. The moment of
// completion is taken as the earliest of three observers: a 5 ms GET poller (the reference),
// the watch, the 1 s poll. Each run rolls a 3-replica Deployment to a new image and times all
// three on the same rollout. Prints median and max per strategy; asserts nothing.
// `node bench/kube-watch.bench.ts`
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { formatDuration } from '@deploy-actions/kit'
import {
  createKubeApi,
  type Deployment,
  deploymentRolloutState,
  loadKubeConfig,
  updateDeployment,
  waitForRollout,
} from '@deploy-actions/kube'
import { startSimulatorProcess } from './simulator-process.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 20)
const REFERENCE_POLL_MS = 5
const KUBECTL_POLL_MS = 1000
const NS = 'default'
const NAME = 'bench'

const { dir, kubeconfigPath, stop } = await startSimulatorProcess('kube-watch-bench')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const done = (d: Deployment) => deploymentRolloutState(d).done

type Read = () => Promise<Deployment>

async function pollUntilDone(read: Read, everyMs: number, firstDelayMs: number, stop: { stopped: boolean }) {
  let gets = 0
  // Send time of the last GET that still saw the rollout incomplete: completion came after it.
  let lastIncompleteSentAt = performance.now()
  await sleep(firstDelayMs)
  while (!stop.stopped) {
    gets++
    const sentAt = performance.now()
    if (done(await read())) return { at: performance.now(), gets, lastIncompleteSentAt }
    lastIncompleteSentAt = sentAt
    await sleep(everyMs)
  }
  return { at: Number.POSITIVE_INFINITY, gets, lastIncompleteSentAt }
}

try {
  const { kubeConfig } = await loadKubeConfig({ env: { KUBECONFIG: kubeconfigPath } })
  const api = await createKubeApi(kubeConfig)
  const k8s = await import('@kubernetes/client-node')
  await kubeConfig.makeApiClient(k8s.AppsV1Api).createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name: NAME },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: NAME } },
        template: { metadata: { labels: { app: NAME } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } },
      },
    },
  })
  const quiet = () => {}
  const viaClient: Read = () => api.readDeployment(NS, NAME)
  // The reference poller uses bare fetch (keep-alive, no client overhead) to keep its GETs short.
  const url = `${kubeConfig.getCurrentCluster()!.server}/apis/apps/v1/namespaces/${NS}/deployments/${NAME}`
  const headers = { authorization: `Bearer ${kubeConfig.getCurrentUser()?.token ?? ''}` }
  const viaFetch: Read = async () => (await (await fetch(url, { headers })).json()) as Deployment
  await waitForRollout(api, { namespace: NS, name: NAME, timeoutMs: 60_000, log: quiet })

  const watchDelays: number[] = []
  const pollDelays: number[] = []
  const pollGets: number[] = []
  const rolloutMs: number[] = []
  let watchFirst = 0
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now()
    await updateDeployment(api, NS, NAME, (d) => {
      d.spec!.template.spec!.containers[0]!.image = `web:${run + 2}`
      return d
    })
    const stop = { stopped: false }
    const [reference, watch, poll] = await Promise.all([
      pollUntilDone(viaFetch, REFERENCE_POLL_MS, 0, stop),
      waitForRollout(api, { namespace: NS, name: NAME, timeoutMs: 60_000, log: quiet, diagnose: false }).then(() => ({
        at: performance.now(),
      })),
      // A poller's phase relative to the completion is arbitrary: start it at a random offset.
      pollUntilDone(viaClient, KUBECTL_POLL_MS, Math.random() * KUBECTL_POLL_MS, stop),
    ])
    stop.stopped = true
    // Completion lies between the reference poller's last "incomplete" GET and the first notice.
    const completedAt = Math.min(reference.at, watch.at, poll.at)
    const completedAfter = reference.lastIncompleteSentAt
    watchFirst += watch.at <= reference.at ? 1 : 0
    // Watch: an upper bound (measured from the earliest possible completion).
    watchDelays.push(watch.at - completedAfter)
    // Poll: a lower bound (measured from the latest possible completion).
    pollDelays.push(poll.at - completedAt)
    pollGets.push(poll.gets)
    rolloutMs.push(completedAt - started)
  }

  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
  const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!
  const max = (xs: number[]) => Math.max(...xs)
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const fmt = (ms: number) => (ms < 1000 ? `${ms.toFixed(1)} ms` : formatDuration(ms))
  const lines = [
    `kube-watch: ${RUNS} rollouts of a 3-replica Deployment on the simulator (own process), median rollout ${fmt(median(rolloutMs))}`,
    `completion lies between the ${REFERENCE_POLL_MS} ms reference poller's last "incomplete" GET and the first notice by any observer;`,
    `the watch noticed before the reference poller in ${watchFirst}/${RUNS} runs`,
    'watch delays are upper bounds (from the earliest possible completion), poll delays lower bounds (from the latest)',
    '',
    'strategy                         median delay   mean delay     max delay      reads per rollout',
    `informer (waitForRollout)        ${fmt(median(watchDelays)).padEnd(15)}${fmt(mean(watchDelays)).padEnd(15)}${fmt(max(watchDelays)).padEnd(15)}1 list (then watch events)`,
    `poll GET every 1 s               ${fmt(median(pollDelays)).padEnd(15)}${fmt(mean(pollDelays)).padEnd(15)}${fmt(max(pollDelays)).padEnd(15)}${median(pollGets)} GETs (median)`,
  ]
  console.log(lines.join('\n'))
  writeFileSync(join(dir, 'result.txt'), lines.join('\n'))
} finally {
  await stop()
}
