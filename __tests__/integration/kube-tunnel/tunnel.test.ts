// The database tunnel of @deploy-actions/kube against the Kubernetes simulator and a real
// PostgreSQL: a proxy pod started, waited for and forwarded to through the API server's
// port-forward (client-node's WebSocket protocol), and removed in every outcome; and kubectl's own
// port-forward (SPDY, through a WebSocket or plain) against the same simulator.

import { spawn } from 'node:child_process'
import { recordingLogger } from '@deploy-actions/kit'
import {
  createObjectsApi,
  loadKubeConfig,
  type ObjectsApi,
  openLocalForward,
  openTunnel,
  removeStaleProxyPods,
  TUNNEL_HEARTBEAT_ANNOTATION,
  TUNNEL_OWNER_LABEL,
  TunnelError,
} from '@deploy-actions/kube'
import { freePort, type KubeSimulator, type Postgres, startKubeSimulator, startPostgres } from '@deploy-actions/testbed'
import type { KubeConfig } from '@kubernetes/client-node'
import pg from 'pg'
import { PORT_FORWARD_ANNOTATION } from '../../../packages/testbed/src/kube/port-forward.ts'

let sim: KubeSimulator
let server: Postgres
let kc: KubeConfig
let objects: ObjectsApi
const run = {
  runId: '42-1',
  runUrl: 'https://github.com/acme/shop/actions/runs/42',
  workflow: 'acme/shop: release (job database)',
}

beforeAll(async () => {
  ;[sim, server] = await Promise.all([startKubeSimulator({ podReadyDelayMs: 100 }), startPostgres()])
  kc = (await loadKubeConfig({ kubeconfig: sim.kubeconfig })).kubeConfig
  objects = await createObjectsApi(kc)
})
afterAll(async () => {
  await Promise.all([sim?.stop(), server?.stop()])
})

async function query(port: number, sql: string): Promise<unknown[]> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' })
  await c.connect()
  try {
    return (await c.query(sql)).rows
  } finally {
    await c.end()
  }
}

/** The owner's pods not yet being deleted (a deleted pod lingers for its grace period). */
const pods = async (selector = `${TUNNEL_OWNER_LABEL}=test-owner`) =>
  (await objects.list('v1', 'Pod', 'default', selector)).filter((p) => !p.metadata?.deletionTimestamp)

describe('openTunnel with a proxy pod', () => {
  test('reaches PostgreSQL through the pod, labels it with the run, removes it on close', async () => {
    const log = recordingLogger()
    const tunnel = await openTunnel(
      {
        kind: 'proxy-pod',
        namespace: undefined,
        image: 'alpine/socat:1.8.0.0',
        overrides: { spec: {}, container: {}, labels: {}, annotations: {} },
        target: { host: server.host, port: server.port },
      },
      { kubeConfig: kc, objects, owner: 'test-owner', run, log },
    )
    try {
      const [pod] = await pods()
      expect(pod?.metadata?.labels).toMatchObject({
        [TUNNEL_OWNER_LABEL]: 'test-owner',
        'deploy-actions.dev/run-id': '42-1',
      })
      expect(pod?.metadata?.annotations).toMatchObject({
        'deploy-actions.dev/run-url': run.runUrl,
        'deploy-actions.dev/tunnel-target': `${server.host}:${server.port}`,
      })
      expect((pod!.spec as { containers: Array<{ args: string[] }> }).containers[0]!.args).toEqual([
        `TCP-LISTEN:${server.port},fork,reuseaddr`,
        `TCP:${server.host}:${server.port}`,
      ])
      // Two connections at once, each its own WebSocket.
      const [a, b] = await Promise.all([query(tunnel.port, 'SELECT 1 AS one'), query(tunnel.port, 'SELECT 2 AS two')])
      expect(a).toEqual([{ one: 1 }])
      expect(b).toEqual([{ two: 2 }])
      expect(tunnel.forward.connections()).toBe(2)
    } finally {
      expect(await tunnel.close()).toEqual({ removed: true })
    }
    expect(await pods()).toEqual([])
    expect(log.lines.join('\n')).toMatch(/proxy pod default\/test-owner-tunnel-\w+ removed/)
  })

  test('an image that cannot be pulled fails at once with the reason, and the pod is removed', async () => {
    const log = recordingLogger()
    const error = await openTunnel(
      {
        kind: 'proxy-pod',
        namespace: 'default',
        image: 'registry.example.com/socat:1-missing',
        overrides: { spec: {}, container: {}, labels: {}, annotations: {} },
        target: { host: server.host, port: server.port },
      },
      { kubeConfig: kc, objects, owner: 'test-owner', run, log, readyTimeoutMs: 20_000 },
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TunnelError)
    expect((error as Error).message).toMatch(/cannot start: .*(ErrImagePull|ImagePullBackOff).*set tunnel-image/)
    expect(await pods()).toEqual([])
  })

  test('a pod that cannot be scheduled times out saying it is still Pending, and is removed', async () => {
    const error = await openTunnel(
      {
        kind: 'proxy-pod',
        namespace: 'default',
        image: 'alpine/socat:1.8.0.0',
        overrides: {
          spec: { nodeSelector: { 'node.kubernetes.io/pool': 'nowhere' } },
          container: {},
          labels: {},
          annotations: {},
        },
        target: { host: server.host, port: server.port },
      },
      { kubeConfig: kc, objects, owner: 'test-owner', run, log: recordingLogger(), readyTimeoutMs: 1500 },
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TunnelError)
    expect((error as Error).message).toMatch(
      /timed out after 1\.5 ?s waiting for proxy pod default\/test-owner-tunnel-\w+ to be Ready.*Pending/,
    )
    expect(await pods()).toEqual([])
  })

  test('a stale proxy pod of an earlier run is removed; a live one of a concurrent run is left', async () => {
    const old = new Date(Date.now() - 10 * 60_000).toISOString()
    const base = (name: string, heartbeat: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: 'default',
        labels: { [TUNNEL_OWNER_LABEL]: 'test-owner', 'deploy-actions.dev/run-id': name },
        annotations: { [TUNNEL_HEARTBEAT_ANNOTATION]: heartbeat },
      },
      spec: {
        containers: [{ name: 'proxy', image: 'alpine/socat:1.8.0.0', args: ['TCP-LISTEN:5432,fork', 'TCP:db:5432'] }],
      },
    })
    await objects.create(base('stale-run', old))
    await objects.create(base('live-run', new Date().toISOString()))
    const log = recordingLogger()
    expect(await removeStaleProxyPods(objects, 'default', 'test-owner', { log })).toEqual(['stale-run'])
    expect(log.lines.join('\n')).toMatch(/removed stale proxy pod default\/stale-run of run stale-run/)
    expect(log.lines.join('\n')).toMatch(/default\/live-run belongs to a run still in progress/)
    expect((await pods()).map((p) => p.metadata?.name)).toEqual(['live-run'])
    await objects.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'live-run' })
  })
})

describe('port-forward (simulator endpoint, client-node client)', () => {
  test('an existing pod with a forward annotation reaches its target; a port nothing listens on is refused with the kubelet message', async () => {
    await objects.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'pg-bastion',
        namespace: 'default',
        annotations: { [PORT_FORWARD_ANNOTATION]: `5432=${server.host}:${server.port}` },
      },
      spec: { containers: [{ name: 'bastion', image: 'busybox:1.36' }] },
    })
    const log = recordingLogger()
    const tunnel = await openTunnel(
      { kind: 'existing-pod', pod: { namespace: 'default', pod: 'pg-bastion', port: 5432 } },
      { kubeConfig: kc, objects, owner: 'x', run, log },
    )
    expect(await query(tunnel.port, 'SELECT 3 AS three')).toEqual([{ three: 3 }])
    expect(await tunnel.close()).toEqual({ removed: false })
    // The team's pod stays.
    expect(
      await objects.find({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'pg-bastion' }),
    ).toBeDefined()

    const errors: string[] = []
    const forward = await openLocalForward(
      kc,
      { namespace: 'default', pod: 'pg-bastion', port: 6000 },
      { onError: (m) => errors.push(m) },
    )
    await expect(query(forward.port, 'SELECT 1')).rejects.toThrow()
    await forward.close()
    expect(errors.join('\n')).toMatch(/error forwarding port 6000 to pod .*connection refused/)
  })

  test('a pod that does not exist is refused by the server (404 Status)', async () => {
    const errors: string[] = []
    const forward = await openLocalForward(
      kc,
      { namespace: 'default', pod: 'nope', port: 5432 },
      { onError: (m) => errors.push(m) },
    )
    await expect(query(forward.port, 'SELECT 1')).rejects.toThrow()
    await forward.close()
    expect(errors.join('\n')).toMatch(/refused: .*404/)
  })
})

describe('kubectl port-forward against the simulator (SPDY/3.1, tunnelled through a WebSocket or plain)', () => {
  /** Runs `kubectl port-forward pod/<pod> <local>:<remote>`, then `use(localPort)`, then stops it. */
  async function withKubectl<T>(
    pod: string,
    remote: number,
    env: Record<string, string>,
    use: (port: number) => Promise<T>,
    /** Keeps kubectl running until its output matches (it reports a forwarding error after the fact). */
    waitFor?: RegExp,
  ): Promise<{ result: T; output: string }> {
    const local = await freePort()
    const child = spawn(
      'kubectl',
      ['--kubeconfig', sim.kubeconfigPath, 'port-forward', `pod/${pod}`, `${local}:${remote}`],
      {
        env: { ...process.env, ...env },
      },
    )
    let output = ''
    child.stdout.on('data', (d) => {
      output += d
    })
    child.stderr.on('data', (d) => {
      output += d
    })
    try {
      const deadline = Date.now() + 20_000
      while (!output.includes('Forwarding from') && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 50))
      if (!output.includes('Forwarding from')) throw new Error(`kubectl port-forward did not start:\n${output}`)
      const result = await use(local)
      const until = Date.now() + 15_000
      while (waitFor && !waitFor.test(output) && Date.now() < until && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 50))
      return { result, output }
    } finally {
      // kubectl 1.32 may have exited on its own after a forwarding error.
      const closed = new Promise((r) => child.once('close', r))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
      await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))])
    }
  }

  beforeAll(async () => {
    await objects.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'socat-proxy', namespace: 'default' },
      spec: {
        containers: [
          {
            name: 'proxy',
            image: 'alpine/socat:1.8.0.0',
            args: ['TCP-LISTEN:5432,fork,reuseaddr', `TCP:${server.host}:${server.port}`],
          },
        ],
      },
    })
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      const pod = await objects.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'socat-proxy' })
      if ((pod.status as { phase?: string } | undefined)?.phase === 'Running') break
      await new Promise((r) => setTimeout(r, 50))
    }
  })

  test.each([
    ['WebSocket tunnel (kubectl 1.31+ default)', {}],
    ['plain SPDY (the fallback)', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
  ])(
    '%s: a socat pod reaches PostgreSQL, two connections in turn',
    async (_name, env) => {
      const { result, output } = await withKubectl('socat-proxy', 5432, env, async (port) => [
        await query(port, 'SELECT 1 AS one'),
        await query(port, "SELECT current_setting('server_version_num')::int >= 150000 AS pg15"),
      ])
      expect(result).toEqual([[{ one: 1 }], [{ pg15: true }]])
      expect(output.match(/Handling connection for/g)?.length).toBe(2)
    },
    60_000,
  )

  test('a port nothing listens on: kubectl reports the kubelet error and the connection fails', async () => {
    const refused = /an error occurred forwarding \d+ -> 6543: error forwarding port 6543 to pod .*connection refused/
    const { output } = await withKubectl(
      'socat-proxy',
      6543,
      {},
      async (port) => {
        await expect(query(port, 'SELECT 1')).rejects.toThrow()
      },
      refused,
    )
    expect(output).toMatch(refused)
  }, 60_000)
})
