// The simulator's etcd: objects by resource, a global resourceVersion, optimistic concurrency
// and a bounded event history that watches replay from and fan out to.
import { apiVersionOf, type ResourceDef } from './resources.ts'
import { type FieldRequirement, matchesFields, matchesLabels, type Selector } from './selectors.ts'
import { alreadyExists, conflict, gone, notFound } from './status.ts'
import { clone, deepEqual, isoNow, type KObj, uid } from './types.ts'

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface StoreEvent {
  type: WatchEventType
  resource: ResourceDef
  object: KObj
  /** The object before a MODIFIED or DELETED change. */
  previous?: KObj
  rv: number
}

export interface ListFilter {
  namespace?: string
  labels?: Selector
  fields?: FieldRequirement[]
}

export type Listener = (event: StoreEvent) => void

/** Watch history kept for resuming (etcd's compaction window, counted in events). */
export const DEFAULT_HISTORY = 10_000

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`
}

export function matchesFilter(obj: KObj, filter: ListFilter): boolean {
  if (filter.namespace && obj.metadata?.namespace !== filter.namespace) return false
  if (filter.labels && !matchesLabels(filter.labels, obj.metadata?.labels)) return false
  if (filter.fields && !matchesFields(filter.fields, obj)) return false
  return true
}

export interface UpdateOptions {
  /** Fail with 409 unless the stored resourceVersion equals this (when given and non-empty). */
  resourceVersion?: string
  /** The caller may change only status (the /status subresource). */
  statusOnly?: boolean
  dryRun?: boolean
  /** metadata.managedFields as the write leaves them (a /status write keeps the rest of metadata). */
  managedFields?: KObj[]
}

export class Store {
  private rv = 1
  private readonly data = new Map<ResourceDef, Map<string, KObj>>()
  private readonly history: StoreEvent[] = []
  private readonly listeners = new Set<Listener>()
  private readonly historySize: number

  constructor(historySize = DEFAULT_HISTORY) {
    this.historySize = historySize
  }

  get resourceVersion(): number {
    return this.rv
  }

  /** The oldest resourceVersion a watch can still resume from. */
  get oldestResumable(): number {
    return this.history[0] ? this.history[0].rv - 1 : this.rv
  }

  private table(r: ResourceDef): Map<string, KObj> {
    let t = this.data.get(r)
    if (!t) {
      t = new Map()
      this.data.set(r, t)
    }
    return t
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Events after `since` for this resource, or 410 Expired if they were compacted away. */
  eventsSince(r: ResourceDef, since: number): StoreEvent[] {
    if (since < this.oldestResumable) {
      throw gone(`too old resource version: ${since} (${this.oldestResumable})`)
    }
    return this.history.filter((e) => e.resource === r && e.rv > since)
  }

  private emit(type: WatchEventType, r: ResourceDef, object: KObj, previous?: KObj): void {
    const event: StoreEvent = { type, resource: r, object: clone(object), rv: Number(object.metadata.resourceVersion) }
    if (previous) event.previous = clone(previous)
    this.history.push(event)
    if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize)
    for (const l of [...this.listeners]) {
      try {
        l(event)
      } catch (error) {
        // A broken watcher must not fail the write that fed it.
        process.stderr.write(`kube simulator: watch listener failed: ${String(error)}\n`)
      }
    }
  }

  get(r: ResourceDef, namespace: string | undefined, name: string): KObj {
    const obj = this.table(r).get(keyOf(namespace, name))
    if (!obj) throw notFound(r, name)
    return clone(obj)
  }

  tryGet(r: ResourceDef, namespace: string | undefined, name: string): KObj | undefined {
    const obj = this.table(r).get(keyOf(namespace, name))
    return obj ? clone(obj) : undefined
  }

  list(r: ResourceDef, filter: ListFilter = {}): KObj[] {
    const out: KObj[] = []
    for (const obj of this.table(r).values()) if (matchesFilter(obj, filter)) out.push(clone(obj))
    out.sort((a, b) =>
      keyOf(a.metadata.namespace, a.metadata.name).localeCompare(keyOf(b.metadata.namespace, b.metadata.name)),
    )
    return out
  }

  /** Read-only iteration without copies (the caller must not modify what it sees). */
  *scan(r: ResourceDef): Generator<Readonly<KObj>> {
    yield* this.table(r).values()
  }

  create(r: ResourceDef, input: KObj, options: { dryRun?: boolean; keepUid?: boolean } = {}): KObj {
    const obj = clone(input)
    const meta = obj.metadata
    const key = keyOf(r.namespaced ? meta.namespace : undefined, meta.name)
    if (this.table(r).has(key)) throw alreadyExists(r, meta.name)
    obj.apiVersion = apiVersionOf(r)
    obj.kind = r.kind
    if (!options.keepUid || !meta.uid) meta.uid = uid()
    meta.creationTimestamp = isoNow()
    delete meta.deletionTimestamp
    if (r.generation) meta.generation = 1
    else delete meta.generation
    if (options.dryRun) {
      meta.resourceVersion = String(this.rv)
      return obj
    }
    meta.resourceVersion = String(++this.rv)
    this.table(r).set(key, obj)
    this.emit('ADDED', r, obj)
    return clone(obj)
  }

  /**
   * Replaces an object. Spec changes bump metadata.generation; a write through the main
   * resource keeps the stored status and a write through /status keeps everything else,
   * as the registry strategies of the built-in types do. An unchanged object is not rewritten.
   */
  update(r: ResourceDef, input: KObj, options: UpdateOptions = {}): KObj {
    const obj = clone(input)
    const meta = obj.metadata ?? {}
    const ns = r.namespaced ? meta.namespace : undefined
    const key = keyOf(ns, meta.name)
    const stored = this.table(r).get(key)
    if (!stored) throw notFound(r, meta.name)
    if (options.resourceVersion && options.resourceVersion !== stored.metadata.resourceVersion) {
      throw conflict(r, meta.name)
    }
    obj.apiVersion = apiVersionOf(r)
    obj.kind = r.kind
    // Immutable metadata comes from the stored object.
    meta.uid = stored.metadata.uid
    meta.creationTimestamp = stored.metadata.creationTimestamp
    meta.namespace = stored.metadata.namespace
    if (stored.metadata.deletionTimestamp) meta.deletionTimestamp = stored.metadata.deletionTimestamp
    if (stored.metadata.deletionGracePeriodSeconds !== undefined) {
      meta.deletionGracePeriodSeconds = stored.metadata.deletionGracePeriodSeconds
    }
    if (r.subresources.includes('status')) {
      if (options.statusOnly) {
        const status = obj.status
        const merged = clone(stored)
        merged.status = status
        if (options.managedFields?.length) merged.metadata.managedFields = options.managedFields
        else if (options.managedFields) delete merged.metadata.managedFields
        return this.commit(r, key, stored, merged, options)
      }
      if (stored.status !== undefined) obj.status = clone(stored.status)
      else delete obj.status
    }
    if (r.generation) {
      const generation = stored.metadata.generation ?? 1
      meta.generation = deepEqual(obj.spec, stored.spec) ? generation : generation + 1
    }
    obj.metadata = meta
    return this.commit(r, key, stored, obj, options)
  }

  private commit(r: ResourceDef, key: string, stored: KObj, obj: KObj, options: UpdateOptions): KObj {
    obj.metadata.resourceVersion = stored.metadata.resourceVersion
    // A write whose only change is a manager's time is a no-op (IgnoreManagedFieldsTimestampsTransformer).
    if (!deepEqual(obj, stored) && deepEqual(untimed(obj), untimed(stored))) {
      obj.metadata.managedFields = stored.metadata.managedFields
    }
    if (deepEqual(obj, stored)) return clone(stored)
    if (options.dryRun) return obj
    obj.metadata.resourceVersion = String(++this.rv)
    this.table(r).set(key, obj)
    this.emit('MODIFIED', r, obj, stored)
    return clone(obj)
  }

  /** Graceful deletion: the object stays, terminating, until the owner of the grace period removes it. */
  markDeleting(r: ResourceDef, namespace: string | undefined, name: string, graceSeconds: number): KObj {
    const key = keyOf(r.namespaced ? namespace : undefined, name)
    const stored = this.table(r).get(key)
    if (!stored) throw notFound(r, name)
    if (stored.metadata.deletionTimestamp) return clone(stored)
    const obj = clone(stored)
    obj.metadata.deletionTimestamp = isoNow(Date.now() + graceSeconds * 1000)
    obj.metadata.deletionGracePeriodSeconds = graceSeconds
    return this.commit(r, key, stored, obj, {})
  }

  delete(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    options: { dryRun?: boolean; uid?: string; resourceVersion?: string } = {},
  ): KObj {
    const key = keyOf(r.namespaced ? namespace : undefined, name)
    const stored = this.table(r).get(key)
    if (!stored) throw notFound(r, name)
    if (options.uid && options.uid !== stored.metadata.uid) {
      throw conflict(
        r,
        name,
        `Precondition failed: UID in precondition: ${options.uid}, UID in object meta: ${stored.metadata.uid}`,
      )
    }
    if (options.resourceVersion && options.resourceVersion !== stored.metadata.resourceVersion) {
      throw conflict(
        r,
        name,
        `Precondition failed: ResourceVersion in precondition: ${options.resourceVersion}, ResourceVersion in object meta: ${stored.metadata.resourceVersion}`,
      )
    }
    if (options.dryRun) return clone(stored)
    this.table(r).delete(key)
    const gone = clone(stored)
    gone.metadata.resourceVersion = String(++this.rv)
    this.emit('DELETED', r, gone, stored)
    return gone
  }
}

/** An object with its managedFields' times left out. */
function untimed(obj: KObj): KObj {
  const entries = obj.metadata?.managedFields
  if (!Array.isArray(entries)) return obj
  return {
    ...obj,
    metadata: { ...obj.metadata, managedFields: entries.map((e: KObj) => ({ ...e, time: undefined })) },
  }
}
