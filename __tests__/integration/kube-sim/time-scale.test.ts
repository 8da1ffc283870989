// One time scale (issue item 8): a simulator at timeScale 0.01 plays a real cluster's durations
// a hundred times faster, all of them: back-off 10 s doubling, probe delays and periods,
// progressDeadlineSeconds. Transient states show between restarts; `-unready` fails only the
// probes a container declares.
import { spawn } from 'node:child_process'
import { type KubeSimulator, requireBinary, startKubeSimulator } from '@deploy-actions/testbed'
import * as k8s from '@kubernetes/client-node'
import { clients, eventually, kubectlRunner, statusOf } from './helpers.ts'

let sim: KubeSimulator
let bin: string
let kubectl: ReturnType<typeof kubectlRunner>
let c: ReturnType<typeof clients>
const namespace = 'default'

beforeAll(async () => {
  bin = requireBinary('kubectl', 'apt-get install kubernetes-client')
  sim = await startKubeSimulator({ podReadyDelayMs: 50, controllerTickMs: 10, timeScale: 0.01 })
  kubectl = kubectlRunner(sim, bin)
  c = clients(sim)
})
afterAll(async () => {
  await sim?.stop()
})

/** `kubectl get pod NAME -w` until `until` matches what it printed. */
function watchRows(name: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--kubeconfig', sim.kubeconfigPath, 'get', 'pod', name, '-w', '--no-headers'])
    let out = ''
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`kubectl get -w never printed ${until}:\n${out}`))
    }, 20_000)
    child.stdout.on('data', (d) => {
      out += d
      if (until.test(out)) {
        clearTimeout(timer)
        child.kill()
        resolve(out)
      }
    })
  })
}

async function container(name: string, ns = namespace): Promise<k8s.V1ContainerStatus | undefined> {
  const p = await c.core.readNamespacedPod({ name, namespace: ns })
  return p.status?.containerStatuses?.[0]
}

describe('through kubectl', () => {
  test('a crash-looping pod shows Error between restarts and backs off 10s, 20s, 40s', async () => {
    await kubectl.ok(['run', 'crash', '--image=app:1-crashloop'])
    const rows = await watchRows('crash', /CrashLoopBackOff\s+2 /)
    const statuses = rows
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[2])
    // Exited (Error), then backing off (CrashLoopBackOff), as kubectl shows a real crash loop.
    expect(statuses.some((s, i) => s === 'Error' && statuses[i + 1] === 'CrashLoopBackOff')).toBe(true)
    const describe = await kubectl.ok(['describe', 'pod', 'crash'])
    expect(describe).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/)
    const messages = await eventually('the third back-off', async () => {
      const s = await container('crash')
      const m = s?.state?.waiting?.message ?? ''
      return /back-off (40s|1m20s|2m40s|5m0s)/.test(m) ? m : undefined
    })
    expect(messages).toMatch(/^back-off (40s|1m20s|2m40s|5m0s) restarting failed container=crash pod=crash_default\(/)
  })

  test('-unready fails the readiness probe it declares, and is Ready without one', async () => {
    await kubectl.ok(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  containers:
  - name: app
    image: app:1-unready
    readinessProbe: {httpGet: {path: /healthz, port: 8080}, initialDelaySeconds: 5, periodSeconds: 5}
---
apiVersion: v1
kind: Pod
metadata: {name: unprobed}
spec:
  containers: [{name: app, image: "app:1-unready"}]
`,
    )
    await kubectl.ok(['wait', '--for=condition=Ready', 'pod/unprobed', '--timeout=30s'])
    const events = await eventually('several Unhealthy events', async () => {
      const out = await kubectl.ok([
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=probed,reason=Unhealthy',
        '-o',
        'custom-columns=C:.count,M:.message',
        '--no-headers',
      ])
      return Number(out.trim().split(/\s+/)[0]) >= 3 ? out : undefined
    })
    expect(events).toContain('Readiness probe failed: HTTP probe failed with statuscode: 503')
    expect(await kubectl.ok(['get', 'pod', 'probed', '--no-headers'])).toMatch(/^probed\s+0\/1\s+Running\s+0\s/)
  })

  test('a failing liveness probe restarts the container after failureThreshold periods', async () => {
    await kubectl.ok(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Pod
metadata: {name: live}
spec:
  containers:
  - name: app
    image: app:1-unready
    livenessProbe: {tcpSocket: {port: 8080}, periodSeconds: 10, failureThreshold: 3}
`,
    )
    await eventually('a liveness restart', async () => ((await container('live'))?.restartCount ?? 0) >= 1 || undefined)
    const events = await kubectl.ok([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=live',
      '-o',
      'custom-columns=R:.reason,M:.message',
      '--no-headers',
    ])
    expect(events).toMatch(
      /Unhealthy\s+Liveness probe failed: dial tcp 10\.244\.\d+\.\d+:8080: connect: connection refused/,
    )
    expect(events).toMatch(/Killing\s+Container app failed liveness probe, will be restarted/)
    const s = await container('live')
    expect(s?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'Error' })
  })
})

describe('namespace termination', () => {
  test('kubectl: a deleted namespace is Terminating, refuses new content, and goes once its pods have stopped', async () => {
    await kubectl.ok(['create', 'namespace', 'brief'])
    await kubectl.ok(['create', 'deployment', 'web', '--image=web:1', '--replicas=2', '-n', 'brief'])
    await kubectl.ok(['rollout', 'status', 'deployment/web', '-n', 'brief', '--timeout=30s'])
    await kubectl.ok(['delete', 'namespace', 'brief', '--wait=false'])
    const refused = await kubectl.run(['create', 'configmap', 'late', '-n', 'brief'])
    if (refused.code !== 0) {
      expect(refused.stderr).toMatch(
        /forbidden: unable to create new content in namespace brief because it is being terminated|not found/,
      )
    }
    await kubectl.ok(['wait', '--for=delete', 'namespace/brief', '--timeout=30s'])
  })

  test('client-node: Terminating while a pod is held by a finalizer; gone once it is released', async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'going' } } })
    await c.core.createNamespacedPod({
      namespace: 'going',
      body: {
        metadata: { name: 'held', finalizers: ['example.com/hold'] },
        spec: { containers: [{ name: 'app', image: 'app:1' }] },
      },
    })
    await eventually('held running', async () => (await container('held', 'going'))?.started || undefined)
    await c.core.deleteNamespace({ name: 'going' })
    const ns = await c.core.readNamespace({ name: 'going' })
    expect(ns.status?.phase).toBe('Terminating')
    expect(ns.metadata?.deletionTimestamp).toBeDefined()
    const refused = await c.core
      .createNamespacedConfigMap({ namespace: 'going', body: { metadata: { name: 'late' } } })
      .catch((e) => e)
    expect(statusOf(refused).code).toBe(403)
    expect(statusOf(refused).body.message).toContain(
      'unable to create new content in namespace going because it is being terminated',
    )
    await c.core.patchNamespacedPod({
      name: 'held',
      namespace: 'going',
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    })
    await eventually('namespace gone', async () =>
      (await c.core.readNamespace({ name: 'going' }).catch(() => 'gone')) === 'gone' ? true : undefined,
    )
  })
})

describe('through client-node', () => {
  test('a readiness probe first passes after initialDelaySeconds', async () => {
    await c.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'warming' },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 300 },
            },
          ],
        },
      },
    })
    const running = await eventually('started', async () => {
      const s = await container('warming')
      return s?.started ? s : undefined
    })
    // Five minutes of cluster time: started, not yet Ready; then Ready.
    expect(running.ready).toBe(false)
    await eventually('ready', async () => ((await container('warming'))?.ready ? true : undefined))
  })

  test('progressDeadlineSeconds runs on the same clock: 60 s of cluster time', async () => {
    await c.apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'never' },
        spec: {
          replicas: 1,
          progressDeadlineSeconds: 60,
          selector: { matchLabels: { app: 'never' } },
          template: {
            metadata: { labels: { app: 'never' } },
            spec: { containers: [{ name: 'app', image: 'app:1-missing' }] },
          },
        },
      },
    })
    const progressing = await eventually('ProgressDeadlineExceeded', async () => {
      const d = await c.apps.readNamespacedDeployment({ name: 'never', namespace })
      const p = d.status?.conditions?.find((x) => x.type === 'Progressing')
      return p?.reason === 'ProgressDeadlineExceeded' ? p : undefined
    })
    expect(progressing.message).toMatch(/^ReplicaSet "never-[a-z0-9]+" has timed out progressing\.$/)
  })

  test('a watch sees the container go running, terminated (Error), waiting (CrashLoopBackOff), running', async () => {
    const seen: string[] = []
    const watch = new k8s.Watch(c.kc)
    const request = await watch.watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { fieldSelector: 'metadata.name=watched' },
      (_type, pod: k8s.V1Pod) => {
        const st = pod.status?.containerStatuses?.[0]?.state
        const what = st?.running
          ? 'running'
          : st?.terminated
            ? `terminated:${st.terminated.reason}`
            : st?.waiting?.reason
        if (what && seen[seen.length - 1] !== what) seen.push(what)
      },
      () => {},
    )
    await c.core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'watched' }, spec: { containers: [{ name: 'app', image: 'app:1-oom' }] } },
    })
    await eventually('a restart seen', async () => (seen.filter((s) => s === 'running').length >= 2 ? true : undefined))
    request.abort()
    expect(seen.slice(0, 5)).toEqual([
      'ContainerCreating',
      'running',
      'terminated:OOMKilled',
      'CrashLoopBackOff',
      'running',
    ])
  })
})
