// An in-memory KubeApi that answers lists and watches the way an API server does, so the rollout
// wait runs client-node's real informer over it: every change gets a resourceVersion and goes to
// the open watches and into a history that a watch from an older resourceVersion replays; a
// compacted history answers such a watch with a 410 Expired ERROR event and closes it. The test
// drops watches, fails lists and injects events by hand.
import type {
  Deployment,
  DeploymentList,
  KubeApi,
  KubeEvent,
  Pod,
  ReplicaSet,
  WatchEventType,
} from '@deploy-actions/kube'

export class ApiError extends Error {
  code: number
  body: string
  constructor(code: number, message: string) {
    super(`HTTP-Code: ${code}`)
    this.code = code
    this.body = JSON.stringify({ kind: 'Status', code, message })
  }
}

export interface FakeWatch {
  resourceVersion: string | undefined
  readonly open: boolean
  emit(type: WatchEventType, object: unknown): void
  /** The stream ends: cleanly (no error) or with an error, as a cut connection does. */
  drop(error?: unknown): void
}

interface Change {
  type: 'MODIFIED' | 'DELETED'
  object: Deployment
  rv: number
}

export class FakeApi implements KubeApi {
  deployment: Deployment | undefined
  replicaSets: ReplicaSet[] = []
  pods: Pod[] = []
  events: KubeEvent[] = []
  watches: FakeWatch[] = []
  reads = 0
  lists = 0
  /** Errors the next lists throw, in order. */
  listFailures: unknown[] = []
  /** Replace calls to answer 409 before accepting. */
  conflicts = 0
  replaced: Deployment[] = []
  private rv = 1
  private history: Change[] = []
  private compactedBefore = 0
  private live = new Set<(change: Change) => void>()
  private onWatch: Array<(w: FakeWatch) => void> = []

  constructor(deployment?: Deployment) {
    this.deployment = deployment
  }

  /** Resolves on the next watch opened. */
  nextWatch(): Promise<FakeWatch> {
    return new Promise((resolve) => this.onWatch.push(resolve))
  }

  /** Changes the stored deployment (bumping resourceVersion, telling open watches), returns the new object. */
  set(change: (d: Deployment) => void): Deployment {
    const d = structuredClone(this.deployment!)
    change(d)
    d.metadata = { ...d.metadata, resourceVersion: String(++this.rv) }
    this.deployment = d
    this.record({ type: 'MODIFIED', object: d, rv: this.rv })
    return d
  }

  /** Deletes the stored deployment. */
  remove(): void {
    const d = { ...this.deployment!, metadata: { ...this.deployment!.metadata, resourceVersion: String(++this.rv) } }
    this.deployment = undefined
    this.record({ type: 'DELETED', object: d, rv: this.rv })
  }

  /** Forgets the history so far (etcd compaction): a watch from an older resourceVersion gets 410. */
  compact(): void {
    this.compactedBefore = this.rv
    this.history = []
  }

  private record(change: Change) {
    this.history.push(change)
    for (const listener of [...this.live]) listener(change)
  }

  async readDeployment(_ns: string, name: string): Promise<Deployment> {
    this.reads++
    if (!this.deployment) throw new ApiError(404, `deployments.apps "${name}" not found`)
    return structuredClone(this.deployment)
  }

  async listDeploymentByName(): Promise<DeploymentList> {
    this.lists++
    const failure = this.listFailures.shift()
    if (failure) throw failure
    return {
      metadata: { resourceVersion: String(this.rv) },
      items: this.deployment ? [structuredClone(this.deployment)] : [],
    }
  }

  async replaceDeployment(_ns: string, _name: string, body: Deployment): Promise<Deployment> {
    if (this.conflicts > 0) {
      this.conflicts--
      this.set(() => {}) // someone else wrote meanwhile
      throw new ApiError(
        409,
        'the object has been modified; please apply your changes to the latest version and try again',
      )
    }
    if (body.metadata?.resourceVersion !== this.deployment?.metadata?.resourceVersion) throw new ApiError(409, 'stale')
    this.replaced.push(body)
    return this.set((d) => Object.assign(d, structuredClone(body)))
  }

  async listReplicaSets(): Promise<ReplicaSet[]> {
    return this.replicaSets
  }
  async listPods(): Promise<Pod[]> {
    return this.pods
  }
  async listEvents(): Promise<KubeEvent[]> {
    return this.events
  }

  async watchDeployment(
    _ns: string,
    _name: string,
    resourceVersion: string | undefined,
    onEvent: (type: WatchEventType, object: unknown) => void,
    onClose: (error?: unknown) => void,
  ) {
    let open = true
    const listener = (change: Change) => w.emit(change.type, change.object)
    const close = () => {
      open = false
      this.live.delete(listener)
    }
    const w: FakeWatch = {
      resourceVersion,
      get open() {
        return open
      },
      emit: (type, object) => {
        if (open) onEvent(type, structuredClone(object))
      },
      drop: (error) => {
        if (!open) return
        close()
        onClose(error)
      },
    }
    this.watches.push(w)
    const since = Number(resourceVersion ?? this.rv)
    if (since < this.compactedBefore) {
      // As the API server does: the ERROR event, then the end of the stream.
      queueMicrotask(() => {
        w.emit('ERROR', {
          kind: 'Status',
          code: 410,
          reason: 'Expired',
          message: `too old resource version: ${since} (${this.compactedBefore})`,
        })
        w.drop()
      })
    } else {
      const replay = this.history.filter((c) => c.rv > since)
      this.live.add(listener)
      queueMicrotask(() => {
        for (const c of replay) w.emit(c.type, c.object)
      })
    }
    const waiter = this.onWatch.shift()
    if (waiter) queueMicrotask(() => waiter(w))
    return { stop: close }
  }
}
