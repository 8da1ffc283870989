// The Kubernetes API simulator: an in-process HTTP API server with the controllers and a
// kubelet stand-in, for tests (startKubeSimulator in beforeAll) and the CLI (`testbed kube`).
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { removeDir, tempDir } from '../process.ts'
import { Api } from './api.ts'
import { DeploymentController } from './deployment-controller.ts'
import { EndpointsController } from './endpoints-controller.ts'
import { collectGarbage } from './gc.ts'
import { HpaController } from './hpa-controller.ts'
import { type HttpContext, handle } from './http.ts'
import { JobController } from './job-controller.ts'
import { DisruptionController } from './kinds.ts'
import { Kubelet } from './kubelet.ts'
import { attachPortForward } from './port-forward.ts'
import { ReplicaSetController } from './replicaset-controller.ts'
import { ServiceController } from './service-controller.ts'

export interface KubeSimulatorOptions {
  port?: number
  podReadyDelayMs?: number /* default 200 */
  controllerTickMs?: number /* default 50 */
  /**
   * Real milliseconds per millisecond of the cluster's clock: 1 plays a real cluster's durations
   * as they are (the CLI's default), 0.01 (the default here, for tests) plays its 10 s back-off in
   * 100 ms. One clock for every duration the simulator plays: the kubelet (restart and image pull
   * back-off, probe delays and periods, termination grace, so namespace termination too), the
   * scheduler's and ReplicaSet controller's retries, the HPA's 15 s sync, and the durations objects
   * declare (minReadySeconds, progressDeadlineSeconds: 600 s of cluster time is 6 s at 0.01).
   */
  timeScale?: number
}

export interface KubeSimulator {
  url: string // http://127.0.0.1:PORT
  port: number
  kubeconfig: string // kubeconfig YAML content
  kubeconfigPath: string // the same written to a temp file
  stop(): Promise<void>
}

export const SIMULATOR_TOKEN = 'testbed-token'

/**
 * The clock when no timeScale is given (tests): a 10 s back-off lasts 100 ms, a Deployment's
 * default 600 s progress deadline 6 s. The CLI passes 1.
 */
export const DEFAULT_TIME_SCALE = 0.01

export function simulatorKubeconfig(url: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: testbed',
    '  cluster:',
    `    server: ${url}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: testbed',
    '  user:',
    `    token: ${SIMULATOR_TOKEN}`,
    'contexts:',
    '- name: testbed',
    '  context:',
    '    cluster: testbed',
    '    user: testbed',
    '    namespace: default',
    'current-context: testbed',
    'preferences: {}',
    '',
  ].join('\n')
}

export async function startKubeSimulator(options: KubeSimulatorOptions = {}): Promise<KubeSimulator> {
  const readyDelay = options.podReadyDelayMs ?? 200
  const tickMs = options.controllerTickMs ?? 50
  const timeScale = options.timeScale ?? DEFAULT_TIME_SCALE
  if (!(timeScale > 0 && Number.isFinite(timeScale))) {
    throw new Error(`timeScale must be a positive number, got ${options.timeScale}`)
  }
  const api = new Api()
  api.timeScale = timeScale
  const kubelet = new Kubelet(api, readyDelay, Date.now, timeScale)
  const controllers = [
    new DeploymentController(api),
    new ReplicaSetController(api),
    new JobController(api),
    new HpaController(api),
    kubelet,
    new EndpointsController(api),
    new ServiceController(api),
    new DisruptionController(api),
  ]
  let address = '127.0.0.1:0'
  const ctx: HttpContext = {
    api,
    watches: { active: new Set(), bookmarkIntervalMs: 1000 },
    serverAddress: () => address,
  }
  const server = createServer((req, res) => {
    void handle(ctx, req, res)
  })
  // pods/<name>/portforward (WebSocket and SPDY upgrades) reach what the pod forwards to.
  attachPortForward(server, api)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  address = `127.0.0.1:${port}`
  const url = `http://127.0.0.1:${port}`

  let ticking = false
  const tick = () => {
    if (ticking) return
    ticking = true
    try {
      for (const c of controllers) c.tick()
      collectGarbage(api)
      api.finishNamespaces()
    } catch (error) {
      process.stderr.write(`kube simulator: controller error: ${(error as Error)?.stack ?? String(error)}\n`)
    } finally {
      ticking = false
    }
  }
  const timer = setInterval(tick, tickMs)
  timer.unref()

  const kubeconfig = simulatorKubeconfig(url)
  const kubeconfigDir = tempDir('kube')
  const kubeconfigPath = join(kubeconfigDir, 'kubeconfig')
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 })
  let stopped = false
  return {
    url,
    port,
    kubeconfig,
    kubeconfigPath,
    async stop() {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      for (const res of ctx.watches.active) res.end()
      ctx.watches.active.clear()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      removeDir(kubeconfigDir)
    },
  }
}
