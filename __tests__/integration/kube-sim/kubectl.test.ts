// kubectl, unchanged, as a second client of the simulator: the commands the runbooks use.
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type KubeSimulator, removeDir, requireBinary, startKubeSimulator, tempDir } from '@deploy-actions/testbed'

let sim: KubeSimulator
let kubectlBin: string
let dir: string

beforeAll(async () => {
  kubectlBin = requireBinary('kubectl', 'apt-get install kubectl')
  sim = await startKubeSimulator({ podReadyDelayMs: 100, controllerTickMs: 20 })
  dir = tempDir('kubectl')
})
afterAll(async () => {
  await sim?.stop()
  if (dir) removeDir(dir)
})

interface Result {
  code: number
  stdout: string
  stderr: string
}

function kubectl(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      kubectlBin,
      ['--kubeconfig', sim.kubeconfigPath, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

async function ok(...args: string[]): Promise<string> {
  const r = await kubectl(...args)
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`)
  return r.stdout
}

function manifest(name: string, image: string, replicas: number, extra = ''): string {
  const file = join(dir, `${name}-${Date.now()}.yaml`)
  writeFileSync(
    file,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${replicas}
${extra}  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: app
        image: ${image}
        ports:
        - containerPort: 8080
        env:
        - {name: MODE, value: blue}
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: {app: ${name}}
  ports:
  - {port: 80, targetPort: 8080}
`,
  )
  return file
}

function imageOf(json: string): string {
  return JSON.parse(json).spec.template.spec.containers[0].image
}

test('apply creates, is idempotent and configures; rollout status waits for completion', async () => {
  const file = manifest('shop', 'shop:1.0', 3)
  expect(await ok('apply', '-f', file)).toBe('deployment.apps/shop created\nservice/shop created\n')
  expect(await ok('apply', '-f', file)).toBe('deployment.apps/shop unchanged\nservice/shop unchanged\n')
  expect(await ok('rollout', 'status', 'deployment/shop', '--timeout=30s')).toMatch(
    /deployment "shop" successfully rolled out\n$/,
  )
  const changed = manifest('shop', 'shop:1.0', 4)
  expect(await ok('apply', '-f', changed)).toBe('deployment.apps/shop configured\nservice/shop unchanged\n')
  await ok('rollout', 'status', 'deployment/shop', '--timeout=30s')
  const d = JSON.parse(await ok('get', 'deployment', 'shop', '-o', 'json'))
  expect(d.spec.replicas).toBe(4)
  expect(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"replicas":4')
  expect(d.status.availableReplicas).toBe(4)
})

test('get prints the server-side tables', async () => {
  const deploy = await ok('get', 'deployment', 'shop')
  expect(deploy).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nshop\s+4\/4\s+4\s+4\s+\d+s\n$/)
  const pods = await ok('get', 'pods', '-l', 'app=shop')
  const lines = pods.trim().split('\n')
  expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/)
  expect(lines.slice(1)).toHaveLength(4)
  for (const line of lines.slice(1)) expect(line).toMatch(/^shop-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\d+s$/)
  const wide = await ok('get', 'rs', '-l', 'app=shop', '-o', 'wide')
  expect(wide).toMatch(/CONTAINERS\s+IMAGES\s+SELECTOR/)
  expect(wide).toContain('shop:1.0')
  const svc = await ok('get', 'service', 'shop')
  expect(svc).toMatch(/shop\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP/)
  expect(
    await ok('get', 'deploy', 'shop', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}'),
  ).toBe('NewReplicaSetAvailable')
})

test('set image, rollout history, undo to the previous revision and to a given one', async () => {
  await ok('annotate', 'deployment/shop', 'kubernetes.io/change-cause=release 1.0')
  await ok('set', 'image', 'deployment/shop', 'app=shop:1.1')
  await ok('annotate', 'deployment/shop', 'kubernetes.io/change-cause=release 1.1', '--overwrite')
  await ok('rollout', 'status', 'deployment/shop', '--timeout=30s')
  await ok('set', 'image', 'deployment/shop', 'app=shop:1.2')
  await ok('annotate', 'deployment/shop', 'kubernetes.io/change-cause=release 1.2', '--overwrite')
  await ok('rollout', 'status', 'deployment/shop', '--timeout=30s')
  const history = await ok('rollout', 'history', 'deployment/shop')
  expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+release 1.0\n2\s+release 1.1\n3\s+release 1.2\n/)
  expect(await ok('rollout', 'history', 'deployment/shop', '--revision=2')).toContain('Image:\tshop:1.1')

  expect(await ok('rollout', 'undo', 'deployment/shop')).toBe('deployment.apps/shop rolled back\n')
  await ok('rollout', 'status', 'deployment/shop', '--timeout=30s')
  expect(imageOf(await ok('get', 'deployment', 'shop', '-o', 'json'))).toBe('shop:1.1')
  expect(await ok('rollout', 'history', 'deployment/shop')).toMatch(
    /REVISION\s+CHANGE-CAUSE\n1\s+release 1.0\n3\s+release 1.2\n4\s+release 1.1\n/,
  )

  expect(await ok('rollout', 'undo', 'deployment/shop', '--to-revision=1')).toBe('deployment.apps/shop rolled back\n')
  await ok('rollout', 'status', 'deployment/shop', '--timeout=30s')
  expect(imageOf(await ok('get', 'deployment', 'shop', '-o', 'json'))).toBe('shop:1.0')
  const rs = JSON.parse(await ok('get', 'rs', '-l', 'app=shop', '-o', 'json')).items
  expect(rs).toHaveLength(3)
  const byImage = Object.fromEntries(
    rs.map(
      (x: {
        spec: { template: { spec: { containers: { image: string }[] } } }
        metadata: { annotations: Record<string, string> }
      }) => [x.spec.template.spec.containers[0]!.image, x.metadata.annotations['deployment.kubernetes.io/revision']],
    ),
  )
  expect(byImage).toEqual({ 'shop:1.0': '5', 'shop:1.1': '4', 'shop:1.2': '3' })

  const missing = await kubectl('rollout', 'undo', 'deployment/shop', '--to-revision=42')
  expect(missing.code).not.toBe(0)
  expect(missing.stderr).toContain('unable to find specified revision 42 in history')
})

test('scale, describe and events', async () => {
  expect(await ok('scale', 'deployment/shop', '--replicas=2')).toBe('deployment.apps/shop scaled\n')
  await ok('rollout', 'status', 'deployment/shop', '--timeout=30s')
  expect(await ok('get', 'deployment', 'shop', '-o', 'jsonpath={.status.readyReplicas}/{.spec.replicas}')).toBe('2/2')
  const describe = await ok('describe', 'deployment', 'shop')
  expect(describe).toMatch(/Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable/)
  expect(describe).toMatch(/StrategyType:\s+RollingUpdate/)
  expect(describe).toMatch(/RollingUpdateStrategy:\s+25% max unavailable, 25% max surge/)
  expect(describe).toMatch(/Available\s+True\s+MinimumReplicasAvailable/)
  expect(describe).toMatch(/Progressing\s+True\s+NewReplicaSetAvailable/)
  expect(describe).toMatch(/NewReplicaSet:\s+shop-\w+ \(2\/2 replicas created\)/)
  expect(describe).toMatch(
    /Normal\s+ScalingReplicaSet\s+.*deployment-controller\s+Scaled down replica set shop-\w+ from 4 to 2/,
  )
  const pod = (await ok('get', 'pods', '-l', 'app=shop', '-o', 'name')).trim().split('\n')[0]!
  const describePod = await ok('describe', pod)
  expect(describePod).toMatch(/Status:\s+Running/)
  expect(describePod).toMatch(/Controlled By:\s+ReplicaSet\/shop-/)
  expect(describePod).toMatch(/Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/shop-/)
  expect(describePod).toMatch(/Normal\s+Started\s+.*kubelet\s+Started container app/)
  const events = await ok(
    'get',
    'events',
    '--field-selector',
    'involvedObject.kind=Deployment,involvedObject.name=shop',
  )
  expect(events).toMatch(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/)
  expect(events).toMatch(/Normal\s+ScalingReplicaSet\s+deployment\/shop\s+Scaled up replica set/)
})

test('rollout status fails on a stuck rollout once the progress deadline passes, and describe shows why', async () => {
  await ok('apply', '-f', manifest('stuck', 'stuck:1', 2, '  progressDeadlineSeconds: 200\n'))
  await ok('rollout', 'status', 'deployment/stuck', '--timeout=30s')
  await ok('set', 'image', 'deployment/stuck', 'app=stuck:2-crashloop')
  const r = await kubectl('rollout', 'status', 'deployment/stuck', '--timeout=30s')
  expect(r.code).not.toBe(0)
  expect(r.stderr).toContain('error: deployment "stuck" exceeded its progress deadline')
  expect(r.stdout).toContain(
    'Waiting for deployment "stuck" rollout to finish: 1 out of 2 new replicas have been updated...',
  )
  // the crashing pod alternates between Running and CrashLoopBackOff: look until both show as kubectl prints them
  let pods = ''
  let describe = ''
  for (let i = 0; i < 200; i++) {
    pods = await ok('get', 'pods', '-l', 'app=stuck')
    const crashing = pods.split('\n').find((l) => l.includes('CrashLoopBackOff'))
    if (crashing) {
      describe = await ok('describe', 'pod', crashing.split(/\s+/)[0]!)
      if (describe.includes('CrashLoopBackOff')) break
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  expect(pods).toMatch(/CrashLoopBackOff\s+\d+ \(\d+s ago\)/)
  expect(describe).toMatch(/State:\s+Waiting\n\s+Reason:\s+CrashLoopBackOff/)
  expect(describe).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/)
  expect(describe).toMatch(/Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container app in pod/)
  expect(await ok('rollout', 'undo', 'deployment/stuck')).toBe('deployment.apps/stuck rolled back\n')
  expect(await ok('rollout', 'status', 'deployment/stuck', '--timeout=30s')).toContain('successfully rolled out')
})

test('imperative create commands (protobuf bodies): namespace, secret, configmap, deployment, job, service', async () => {
  expect(await ok('create', 'namespace', 'imperative')).toBe('namespace/imperative created\n')
  const n = ['-n', 'imperative']
  expect(await ok('create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret', ...n)).toBe(
    'secret/creds created\n',
  )
  expect(await ok('get', 'secret', 'creds', '-o', 'jsonpath={.data.password}', ...n)).toBe(
    Buffer.from('s3cret').toString('base64'),
  )
  expect(await ok('create', 'configmap', 'cfg', '--from-literal=mode=blue', ...n)).toBe('configmap/cfg created\n')
  expect(await ok('create', 'deployment', 'api', '--image=api:1', '--replicas=2', '--port=8080', ...n)).toBe(
    'deployment.apps/api created\n',
  )
  await ok('rollout', 'status', 'deployment/api', '--timeout=30s', ...n)
  expect(await ok('expose', 'deployment', 'api', '--port=80', '--target-port=8080', ...n)).toBe('service/api exposed\n')
  expect(await ok('create', 'job', 'once', '--image=task:1', ...n, '--', 'echo', 'hi')).toBe('job.batch/once created\n')
  await ok('wait', '--for=condition=complete', 'job/once', '--timeout=30s', ...n)
  expect(await ok('autoscale', 'deployment', 'api', '--min=3', '--max=5', '--cpu-percent=60', ...n)).toBe(
    'horizontalpodautoscaler.autoscaling/api autoscaled\n',
  )
  for (
    let i = 0;
    i < 200 && (await ok('get', 'deployment', 'api', '-o', 'jsonpath={.status.availableReplicas}', ...n)) !== '3';
    i++
  ) {
    await new Promise((r) => setTimeout(r, 50))
  }
  expect(
    await ok(
      'get',
      'hpa',
      'api',
      '-o',
      'jsonpath={.spec.metrics[0].resource.target.averageUtilization} {.status.currentReplicas}',
      ...n,
    ),
  ).toBe('60 3')
  const endpoints = await ok('get', 'endpoints', 'api', '-o', 'jsonpath={.subsets[0].addresses[*].ip}', ...n)
  expect(endpoints.split(' ')).toHaveLength(3)
  expect(await ok('delete', 'namespace', 'imperative')).toBe('namespace "imperative" deleted\n')
})

test('rollout restart, pause and resume; delete cascades', async () => {
  await ok('rollout', 'restart', 'deployment/shop')
  await ok('rollout', 'status', 'deployment/shop', '--timeout=30s')
  const d = JSON.parse(await ok('get', 'deployment', 'shop', '-o', 'json'))
  expect(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeDefined()
  expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('6')
  await ok('rollout', 'pause', 'deployment/shop')
  const paused = await kubectl('rollout', 'undo', 'deployment/shop')
  expect(paused.stderr).toContain(
    "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
  )
  await ok('rollout', 'resume', 'deployment/shop')
  expect(await ok('delete', 'deployment', 'shop')).toBe('deployment.apps "shop" deleted\n')
  const left = async () => (await ok('get', 'pods,rs', '-l', 'app=shop', '-o', 'name')).trim()
  for (let i = 0; i < 100 && (await left()) !== ''; i++) await new Promise((r) => setTimeout(r, 50))
  expect(await left()).toBe('')
})
