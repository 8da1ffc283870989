// The rollback bundle against what a workflow step does today, `kubectl rollout undo
// deployment/x && kubectl rollout status deployment/x`, on the same simulator (its own process,
// as an API server would be). Each run undoes to the previous revision, so runs alternate between
// two images and every one is a real 3-replica rollout. Whole-process wall time per run, the two
// commands in turn (A B A B …), median / min / max. Asserts nothing.
// `node bench/rollback.bench.ts` (needs dist/rollback: `node scripts/bundle.ts dist rollback`, and kubectl)
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { formatDuration } from '@deploy-actions/kit'
import { createKubeApi, loadKubeConfig, updateDeployment, waitForRollout } from '@deploy-actions/kube'
import { REPO_ROOT, requireBinary } from '@deploy-actions/testbed'
import { startSimulatorProcess } from './simulator-process.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 8)
const NS = 'default'
const kubectl = requireBinary('kubectl', 'apt-get install kubectl')
const { dir, kubeconfigPath, stop } = await startSimulatorProcess('rollback-bench')

function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} exited ${code}: ${stderr}`)),
    )
  })
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! }
}

try {
  const { kubeConfig } = await loadKubeConfig({ env: { KUBECONFIG: kubeconfigPath } })
  const api = await createKubeApi(kubeConfig)
  const k8s = await import('@kubernetes/client-node')
  const apps = kubeConfig.makeApiClient(k8s.AppsV1Api)
  for (const name of ['ours', 'theirs']) {
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } },
        },
      },
    })
    await waitForRollout(api, { namespace: NS, name, timeoutMs: 60_000, log: () => {} })
    await updateDeployment(api, NS, name, (d) => {
      d.spec!.template.spec!.containers[0]!.image = 'web:2'
      return d
    })
    await waitForRollout(api, { namespace: NS, name, timeoutMs: 60_000, log: () => {} })
  }
  const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfigPath }
  const bundle = join(REPO_ROOT, 'dist/rollback/index.js')
  const ours: number[] = []
  const theirs: number[] = []
  for (let i = 0; i < RUNS; i++) {
    ours.push(await timed(process.execPath, [bundle], { ...env, INPUT_DEPLOYMENT: 'ours', INPUT_TIMEOUT: '2m' }))
    theirs.push(
      await timed(
        'sh',
        ['-c', `${kubectl} rollout undo deployment/theirs && ${kubectl} rollout status deployment/theirs --timeout=2m`],
        env,
      ),
    )
  }
  const row = (label: string, xs: number[]) => {
    const s = stats(xs)
    return `${label.padEnd(52)} ${formatDuration(s.median).padStart(8)} ${formatDuration(s.min).padStart(8)} ${formatDuration(s.max).padStart(8)}`
  }
  console.log(`rollback to the previous revision and wait, 3 replicas, ${RUNS} runs each (wall, whole process)`)
  console.log(`${''.padEnd(52)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}`)
  console.log(row('rollback bundle (node dist/rollback/index.js)', ours))
  console.log(row('kubectl rollout undo && kubectl rollout status', theirs))
} finally {
  await stop()
}
