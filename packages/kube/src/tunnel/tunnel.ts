// A tunnel to a private host through the cluster, in one call: remove the proxy pods earlier runs
// of the same owner left behind, start this run's (or use a pod a team already runs), wait until
// it is Ready, and forward a local loopback port to it through the API server. `close()` ends the
// forward and removes the pod this run created; it is safe to call more than once and from a
// cancellation handler. `onCreated` lets the caller record the pod (for a post step) before the
// wait begins, so a run killed while waiting still leaves a name to clean up.
import { randomBytes } from 'node:crypto'
import type { Clock, Logger } from '@deploy-actions/kit'
import type { KubeConfig } from '@kubernetes/client-node'
import type { ObjectsApi } from '../objects.ts'
import {
  createProxyPod,
  keepHeartbeat,
  removeProxyPod,
  removeStaleProxyPods,
  TunnelError,
  waitProxyPodReady,
} from './lifecycle.ts'
import { type LocalForward, openLocalForward } from './port-forward.ts'
import { type PodPort, type PodSpecOverrides, proxyPodManifest, type RunIdentity } from './spec.ts'

export type TunnelPlan =
  | {
      kind: 'proxy-pod'
      /** Undefined: the kubeconfig context's namespace, else `default`. */
      namespace: string | undefined
      image: string
      overrides: PodSpecOverrides
      target: { host: string; port: number }
    }
  | { kind: 'existing-pod'; pod: PodPort }

export interface Tunnel {
  host: '127.0.0.1'
  port: number
  /** The pod forwarded to. */
  pod: PodPort
  /** True when this run created the pod (and removes it). */
  created: boolean
  forward: LocalForward
  /** Ends the forward, stops the heartbeat, removes the pod this run created. Never throws. */
  close(): Promise<{ removed: boolean; error?: string }>
}

export interface OpenTunnelOptions {
  kubeConfig: KubeConfig
  objects: ObjectsApi
  /** The owning action (`flyway-migrate`): the owner label's value. */
  owner: string
  run: RunIdentity
  log: Logger
  readyTimeoutMs?: number
  signal?: AbortSignal
  clock?: Clock
  /** Called once the proxy pod exists (before waiting for it). */
  onCreated?: (pod: PodPort) => void
  /** Fixed name suffix (tests). */
  suffix?: string
  heartbeatEveryMs?: number
}

export async function openTunnel(plan: TunnelPlan, o: OpenTunnelOptions): Promise<Tunnel> {
  if (plan.kind === 'existing-pod') {
    await waitProxyPodReady(o.objects, plan.pod.namespace, plan.pod.pod, {
      timeoutMs: o.readyTimeoutMs ?? 60_000,
      log: o.log,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.clock ? { clock: o.clock } : {}),
    })
    const forward = await openLocalForward(o.kubeConfig, plan.pod, { onError: (m) => o.log.warning(m) })
    o.log.info(`tunnel: 127.0.0.1:${forward.port} → pod ${plan.pod.namespace}/${plan.pod.pod}:${plan.pod.port}`)
    return {
      host: '127.0.0.1',
      port: forward.port,
      pod: plan.pod,
      created: false,
      forward,
      async close() {
        await forward.close()
        return { removed: false }
      },
    }
  }

  const namespace =
    plan.namespace ?? o.kubeConfig.getContextObject(o.kubeConfig.getCurrentContext())?.namespace ?? 'default'
  const removed = await removeStaleProxyPods(o.objects, namespace, o.owner, { log: o.log })
  if (removed.length) o.log.info(`removed ${removed.length} stale proxy pod(s) left by earlier runs`)
  o.signal?.throwIfAborted()
  const manifest = proxyPodManifest({
    namespace,
    owner: o.owner,
    image: plan.image,
    target: plan.target,
    run: o.run,
    overrides: plan.overrides,
    suffix: o.suffix ?? randomBytes(3).toString('hex'),
  })
  const created = await createProxyPod(o.objects, manifest)
  const name = created.metadata?.name ?? String((manifest.metadata as { name: string }).name)
  const pod: PodPort = { namespace, pod: name, port: plan.target.port }
  o.onCreated?.(pod)
  o.log.info(
    `proxy pod ${namespace}/${name} (${plan.image}) created, forwarding to ${plan.target.host}:${plan.target.port}`,
  )

  let heartbeat: { stop(): void } | undefined
  let forward: LocalForward | undefined
  let closed: Promise<{ removed: boolean; error?: string }> | undefined
  const close = () => {
    closed ??= (async () => {
      heartbeat?.stop()
      await forward?.close().catch(() => {})
      try {
        const was = await removeProxyPod(o.objects, namespace, name)
        o.log.info(`proxy pod ${namespace}/${name} ${was ? 'removed' : 'was already gone'}`)
        return { removed: true }
      } catch (error) {
        const message = `proxy pod ${namespace}/${name} not removed: ${(error as Error).message} (the next run removes it)`
        o.log.warning(message)
        return { removed: false, error: message }
      }
    })()
    return closed
  }
  try {
    const started = Date.now()
    await waitProxyPodReady(o.objects, namespace, name, {
      timeoutMs: o.readyTimeoutMs ?? 120_000,
      log: o.log,
      target: `${plan.target.host}:${plan.target.port}`,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.clock ? { clock: o.clock } : {}),
    })
    o.log.info(`proxy pod ${namespace}/${name} Ready after ${((Date.now() - started) / 1000).toFixed(1)} s`)
    heartbeat = keepHeartbeat(o.objects, namespace, name, {
      log: o.log,
      ...(o.heartbeatEveryMs ? { everyMs: o.heartbeatEveryMs } : {}),
    })
    forward = await openLocalForward(o.kubeConfig, pod, { onError: (m) => o.log.warning(m) })
  } catch (error) {
    await close()
    if (error instanceof TunnelError) throw error
    throw error
  }
  o.log.info(
    `tunnel: 127.0.0.1:${forward.port} → pod ${namespace}/${name}:${pod.port} → ${plan.target.host}:${plan.target.port}`,
  )
  return { host: '127.0.0.1', port: forward.port, pod, created: true, forward, close }
}
