// One Deployment followed the way kubectl's `rollout status` follows it: client-go's
// watchtools.UntilWithSync over a ListWatch with fieldSelector metadata.name=<name>
// (k8s.io/kubectl/pkg/cmd/rollout/rollout_status.go, RolloutStatusOptions.Run). Here the informer
// is client-node's ListWatch (cache.ts): it lists, watches from the list's resourceVersion, keeps
// the resourceVersion of every event and bookmark, re-watches from it when the server ends a
// watch or its 30 s inactivity timer fires (with its own back-off after repeated empty closes),
// and relists on 410 Gone. Any other failure (a cut connection, a refused list) makes it emit
// `error` and stop; we start it again, from the resourceVersion it kept, after a back-off.
//
// It runs over the KubeApi port (listDeploymentByName + watchDeployment, client-go's
// ListerWatcher), so unit tests drive the real informer with an in-memory API.
import type { Clock } from '@deploy-actions/kit'
import type { KubernetesListObject, KubernetesObject, Watch } from '@kubernetes/client-node'
import { apiMessage, apiStatus, type KubeApi, type WatchHandle } from './client.ts'
import type { Deployment } from './types.ts'

export type FollowEvent =
  /** The Deployment as listed or as a watch event brought it (added or changed). */
  | { type: 'object'; deployment: Deployment }
  /** A DELETED event, or a relist without it. */
  | { type: 'deleted' }
  /** The first list did not have it. */
  | { type: 'missing' }
  /** The first list failed: nothing to follow. */
  | { type: 'failed'; error: unknown }

export interface FollowOptions {
  namespace: string
  name: string
  clock: Clock
  /** A watch or list failed (not a routine close); the informer is being restarted. */
  onDrop: (cause: string) => void
  /** First delay before restarting after a failure (doubles up to 5 s, reset by an event). */
  reconnectDelayMs?: number
}

export interface DeploymentFollower {
  /** The next event; undefined when `ms` pass or `signal` aborts first (`Infinity`: no clock). */
  next(ms: number, signal?: AbortSignal): Promise<FollowEvent | undefined>
  /** How many times the informer connected again after its first connect. */
  readonly reconnects: number
  /** Stops the informer and closes its watch; nothing is delivered afterwards. */
  stop(): void
}

const MAX_RESTART_DELAY_MS = 5000

/** Starts client-node's informer on one Deployment; events queue until `next` takes them. */
export async function followDeployment(api: KubeApi, options: FollowOptions): Promise<DeploymentFollower> {
  const { ListWatch } = await import('@kubernetes/client-node')
  const { namespace, name, clock, onDrop } = options
  const firstDelay = options.reconnectDelayMs ?? 200
  const stopper = new AbortController()
  const stopped = () => stopper.signal.aborted

  const queue: FollowEvent[] = []
  let wake: (() => void) | undefined
  const deliver = (event: FollowEvent) => {
    if (stopped()) return
    queue.push(event)
    wake?.()
  }

  let synced = false
  let connects = 0
  let restartDelay = firstDelay

  const list = async () => {
    const result = await api.listDeploymentByName(namespace, name)
    if (!synced && !stopped()) {
      synced = true
      if (!result.items.some((d) => d.metadata?.name === name)) deliver({ type: 'missing' })
    }
    return result
  }

  // The Watch the informer calls: one watchDeployment per call, its end reported exactly once.
  const watch = {
    async watch(
      _path: string,
      query: Record<string, unknown>,
      callback: (type: string, object: unknown) => void,
      done: (error: unknown) => void,
    ): Promise<AbortController> {
      const controller = new AbortController()
      let handle: WatchHandle | undefined
      let ended = false
      // The informer aborts the previous watch before every (re)connect and on stop, and our stop
      // closes it too: neither is an end to report.
      const close = () => {
        ended = true
        handle?.stop()
        stopper.signal.removeEventListener('abort', close)
      }
      controller.signal.addEventListener('abort', close)
      stopper.signal.addEventListener('abort', close)
      const end = (error: unknown) => {
        if (ended) return
        close()
        // The informer relists on 410 by itself, without an `error` event: say so here.
        if (apiStatus(error) === 410) onDrop(dropCause(error))
        done(error ?? null)
      }
      // Yield once, so a wait the list already settled stops before a watch is opened.
      await new Promise((resolve) => setImmediate(resolve))
      if (ended || stopped()) return controller
      const resourceVersion =
        typeof query.resourceVersion === 'string' && query.resourceVersion ? query.resourceVersion : undefined
      try {
        handle = await api.watchDeployment(
          namespace,
          name,
          resourceVersion,
          (type, object) => {
            if (ended) return
            // An ERROR event ends the watch (as client-go's reflector treats it): a 410 relists.
            if (type === 'ERROR') end(statusError(object))
            else callback(type, object)
          },
          end,
        )
      } catch (error) {
        end(error)
      }
      if (ended || stopped()) handle?.stop()
      return controller
    },
  }

  // Typed as client-node's objects: our Deployment is structural (timestamps as Date or string).
  const informer = new ListWatch<KubernetesObject>(
    `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
    // Structurally a Watch (its `watch` method is all the informer calls).
    watch as unknown as Watch,
    list as () => Promise<KubernetesListObject<KubernetesObject>>,
    false,
    undefined,
    `metadata.name=${name}`,
    { delayFn: (ms) => clock.sleep(ms, stopper.signal).catch(() => {}) },
  )
  const onObject = (object: KubernetesObject) => {
    const d = object as Deployment
    if (d.metadata?.name !== name) return
    restartDelay = firstDelay
    deliver({ type: 'object', deployment: d })
  }
  informer.on('add', onObject)
  informer.on('update', onObject)
  informer.on('delete', (d) => {
    if (d.metadata?.name === name) deliver({ type: 'deleted' })
  })
  informer.on('connect', () => {
    if (!stopped()) connects++
  })
  const start = () =>
    informer.start().catch((error: unknown) => {
      if (!synced) deliver({ type: 'failed', error })
      else onDrop(dropCause(error))
    })
  informer.on('error', (error: unknown) => {
    if (stopped()) return
    if (!synced) {
      deliver({ type: 'failed', error })
      return
    }
    onDrop(dropCause(error))
    const delay = restartDelay
    restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS)
    clock.sleep(delay, stopper.signal).then(
      () => {
        if (!stopped()) void start()
      },
      () => {},
    )
  })
  void start()

  return {
    get reconnects() {
      return Math.max(0, connects - 1)
    },
    async next(ms, signal) {
      if (!queue.length && ms > 0 && !signal?.aborted && !stopped()) {
        const waker = new AbortController()
        const woken = new Promise<void>((resolve) => waker.signal.addEventListener('abort', () => resolve()))
        wake = () => waker.abort()
        const onAbort = () => waker.abort()
        signal?.addEventListener('abort', onAbort)
        stopper.signal.addEventListener('abort', onAbort)
        try {
          await (Number.isFinite(ms) ? clock.sleep(ms, waker.signal).catch(() => {}) : woken)
        } finally {
          signal?.removeEventListener('abort', onAbort)
          stopper.signal.removeEventListener('abort', onAbort)
          wake = undefined
        }
      }
      return queue.shift()
    },
    stop() {
      if (stopped()) return
      stopper.abort()
      void informer.stop()
    },
  }
}

/** The Status object of an ERROR event as an error the informer and apiMessage understand. */
function statusError(object: unknown): Error & { code?: number } {
  const status = (object ?? {}) as { code?: unknown; reason?: unknown; message?: unknown }
  const code = typeof status.code === 'number' ? status.code : undefined
  const error: Error & { code?: number } = new Error(
    `${code ?? ''} ${String(status.reason ?? '')}: ${String(status.message ?? '')}`.trim(),
  )
  if (code !== undefined) error.code = code
  return error
}

/** The server's message, with the network cause undici hides behind "fetch failed" / "terminated". */
function dropCause(error: unknown): string {
  const message = apiMessage(error)
  const cause = (error as { cause?: unknown } | undefined)?.cause as { code?: unknown; message?: unknown } | undefined
  const detail = typeof cause?.message === 'string' ? cause.message : typeof cause?.code === 'string' ? cause.code : ''
  return detail && !message.includes(detail) ? `${message}: ${detail}` : message
}
