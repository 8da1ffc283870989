// An in-memory KubeApi for the watch-loop and update tests: the test drives watch events,
// drops and conflicts by hand.
import type { Deployment, KubeApi, KubeEvent, Pod, ReplicaSet, WatchEventType } from '@deploy-actions/kube'

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
  emit(type: WatchEventType, object: unknown): void
  drop(error?: unknown): void
}

export class FakeApi implements KubeApi {
  deployment: Deployment | undefined
  replicaSets: ReplicaSet[] = []
  pods: Pod[] = []
  events: KubeEvent[] = []
  watches: FakeWatch[] = []
  reads = 0
  /** Replace calls to answer 409 before accepting. */
  conflicts = 0
  replaced: Deployment[] = []
  private rv = 1
  private onWatch: Array<(w: FakeWatch) => void> = []

  constructor(deployment?: Deployment) {
    this.deployment = deployment
  }

  /** Resolves on the next watch opened (or the current one if open and not yet taken). */
  nextWatch(): Promise<FakeWatch> {
    return new Promise((resolve) => this.onWatch.push(resolve))
  }

  /** Changes the stored deployment (bumping resourceVersion), returns the new object. */
  set(change: (d: Deployment) => void): Deployment {
    const d = structuredClone(this.deployment!)
    change(d)
    d.metadata = { ...d.metadata, resourceVersion: String(++this.rv) }
    this.deployment = d
    return d
  }

  async readDeployment(_ns: string, name: string): Promise<Deployment> {
    this.reads++
    if (!this.deployment) throw new ApiError(404, `deployments.apps "${name}" not found`)
    return structuredClone(this.deployment)
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
    const w: FakeWatch = {
      resourceVersion,
      emit: (type, object) => open && onEvent(type, structuredClone(object)),
      drop: (error) => {
        if (!open) return
        open = false
        onClose(error)
      },
    }
    this.watches.push(w)
    const waiter = this.onWatch.shift()
    if (waiter) queueMicrotask(() => waiter(w))
    return {
      stop() {
        open = false
      },
    }
  }
}
