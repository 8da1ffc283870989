// A port for any Kubernetes object (Services, Ingresses, Gateway API HTTPRoutes, canary
// Deployments) over client-node's KubernetesObjectApi, which finds each kind's URL through the
// server's discovery. client-node loads on first use, as in client.ts. API errors come out as
// our own types (not found, conflict, invalid with the server's message), so callers never read
// an HTTP status. Objects come back as plain JSON (timestamps as strings), whatever the kind.
import { DeployError } from '@deploy-actions/kit'
import type { KubeConfig } from '@kubernetes/client-node'
import { apiMessage, apiStatus } from './client.ts'
import type { ObjectMeta } from './types.ts'
import { type ConflictRetryOptions, retryOnConflict } from './update.ts'

/** Any Kubernetes object: type meta, metadata, and whatever the kind carries. */
export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata?: ObjectMeta & { [key: string]: unknown }
  [field: string]: unknown
}

/** Which object: `namespace` falls back to the kubeconfig context's (then `default`). */
export interface ObjectRef {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
}

export type Propagation = 'Background' | 'Foreground' | 'Orphan'

export interface ObjectsApi {
  /** The object; ObjectNotFoundError when absent. */
  get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T>
  /** The object, or undefined when absent. */
  find<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined>
  /** POST; ObjectConflictError (`alreadyExists`) when the name is taken. */
  create<T extends KubeObject = KubeObject>(object: KubeObject, options?: { fieldManager?: string }): Promise<T>
  /**
   * PUT of the whole object. With `metadata.resourceVersion` set, a concurrent change gives
   * ObjectConflictError (optimistic concurrency); without it the write is unconditional.
   */
  replace<T extends KubeObject = KubeObject>(object: KubeObject, options?: { fieldManager?: string }): Promise<T>
  /** JSON merge patch (RFC 7386): `null` removes a field, lists are replaced whole. */
  mergePatch<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    patch: Record<string, unknown>,
    options?: { fieldManager?: string },
  ): Promise<T>
  /**
   * Server-side apply: the fields this manager owns become exactly `object`'s (created when absent).
   * With `dryRun`, nothing is stored: the answer is the object as the apply would leave it.
   */
  apply<T extends KubeObject = KubeObject>(
    object: KubeObject,
    options: { fieldManager: string; force?: boolean; dryRun?: boolean },
  ): Promise<T>
  /** DELETE; false when it was already gone (deletion is idempotent). */
  delete(ref: ObjectRef, options?: { propagation?: Propagation }): Promise<boolean>
  /** The objects of a kind in a namespace, optionally by label selector (`app=web,track=canary`). */
  list<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    namespace: string,
    labelSelector?: string,
  ): Promise<T[]>
}

/** An API error the server answered, with its HTTP status, Status reason and message. */
export class KubeApiError extends DeployError {
  override name = 'KubeApiError'
  /** The HTTP status (named `code` like client-node's, so isConflict/isNotFound read it too). */
  readonly code: number
  /** The Status object's reason (`NotFound`, `Conflict`, `AlreadyExists`, `Invalid`, …). */
  readonly reason: string
  constructor(message: string, code: number, reason: string, cause?: unknown) {
    super(message, { cause })
    this.code = code
    this.reason = reason
  }
}
export class ObjectNotFoundError extends KubeApiError {
  override name = 'ObjectNotFoundError'
}
/** 409: a stale resourceVersion (`Conflict`), or a create whose name is taken (`AlreadyExists`). */
export class ObjectConflictError extends KubeApiError {
  override name = 'ObjectConflictError'
  get alreadyExists(): boolean {
    return this.reason === 'AlreadyExists'
  }
}
/** 422 Invalid / 400 BadRequest: the server refused the object; `message` is the server's. */
export class ObjectInvalidError extends KubeApiError {
  override name = 'ObjectInvalidError'
}
/** The server does not serve this apiVersion/kind (a CRD not installed, e.g. Gateway API). */
export class UnknownKindError extends KubeApiError {
  override name = 'UnknownKindError'
}

const describe = (ref: { apiVersion?: string; kind?: string; name?: string; namespace?: string }) =>
  `${ref.kind ?? 'object'} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? ''}`.trim()

/** Our error type for whatever client-node threw about `ref`. */
export function translateKubeError(
  error: unknown,
  ref: { apiVersion?: string; kind?: string; name?: string; namespace?: string },
): unknown {
  if (error instanceof KubeApiError) return error
  const what = describe(ref)
  const text = error instanceof Error ? error.message : String(error)
  // client-node's discovery: the group/version is not served at all (404 on /apis/<group>/<version>),
  // or it is but lists no such kind (KubernetesObjectApi.specUriPath's "Unrecognized" error).
  const discoveryMiss = /^Failed to fetch resource metadata/.test(text) && apiStatus(error) === 404
  if (discoveryMiss || /Unrecognized API version and kind/.test(text)) {
    return new UnknownKindError(
      `the server does not serve ${ref.apiVersion} ${ref.kind} (is its CustomResourceDefinition installed?)`,
      404,
      'NotFound',
      error,
    )
  }
  const code = apiStatus(error)
  if (code === undefined) return error
  const message = apiMessage(error)
  const reason = statusReason(error) ?? String(code)
  if (code === 404) return new ObjectNotFoundError(`${what} not found: ${message}`, code, reason || 'NotFound', error)
  if (code === 409) return new ObjectConflictError(`${what}: ${message}`, code, reason, error)
  if (code === 422 || code === 400) return new ObjectInvalidError(`${what} refused: ${message}`, code, reason, error)
  return new KubeApiError(`${what}: HTTP ${code}: ${message}`, code, reason, error)
}

function statusReason(error: unknown): string | undefined {
  let body = (error as { body?: unknown } | undefined)?.body
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body)
    } catch {
      return undefined
    }
  }
  const reason = (body as { reason?: unknown } | undefined)?.reason
  return typeof reason === 'string' ? reason : undefined
}

/** JSON round trip: client-node gives built-in kinds Date timestamps; every caller gets strings. */
const plain = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T

function header(ref: ObjectRef) {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }
}

function refOf(object: KubeObject): ObjectRef {
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace,
  }
}

type Wire = import('@kubernetes/client-node').KubernetesObject

/** The ObjectsApi over client-node's KubernetesObjectApi. */
export async function createObjectsApi(kc: KubeConfig): Promise<ObjectsApi> {
  const k8s = await import('@kubernetes/client-node')
  const client = k8s.KubernetesObjectApi.makeApiClient(kc)
  const call = async <T>(ref: ObjectRef, request: () => Promise<unknown>): Promise<T> => {
    try {
      return plain<T>(await request())
    } catch (error) {
      throw translateKubeError(error, ref)
    }
  }
  // The server's answer omits type meta on some kinds; callers always get it back.
  const typed = <T extends KubeObject>(ref: ObjectRef, object: T): T => ({
    ...object,
    apiVersion: object.apiVersion ?? ref.apiVersion,
    kind: object.kind ?? ref.kind,
  })
  const api: ObjectsApi = {
    async get<T extends KubeObject>(ref: ObjectRef) {
      return typed(ref, await call<T>(ref, () => client.read(header(ref))))
    },
    async find<T extends KubeObject>(ref: ObjectRef) {
      try {
        return await api.get<T>(ref)
      } catch (error) {
        if (error instanceof ObjectNotFoundError) return undefined
        throw error
      }
    },
    async create<T extends KubeObject>(object: KubeObject, options: { fieldManager?: string } = {}) {
      const ref = refOf(object)
      return typed(
        ref,
        await call<T>(ref, () => client.create(object as Wire, undefined, undefined, options.fieldManager)),
      )
    },
    async replace<T extends KubeObject>(object: KubeObject, options: { fieldManager?: string } = {}) {
      const ref = refOf(object)
      return typed(
        ref,
        await call<T>(ref, () => client.replace(object as Wire, undefined, undefined, options.fieldManager)),
      )
    },
    async mergePatch<T extends KubeObject>(
      ref: ObjectRef,
      patch: Record<string, unknown>,
      options: { fieldManager?: string } = {},
    ) {
      const patchMeta = (patch.metadata ?? {}) as Record<string, unknown>
      const body = { ...patch, ...header(ref), metadata: { ...patchMeta, ...header(ref).metadata } }
      return typed(
        ref,
        await call<T>(ref, () =>
          client.patch(body, undefined, undefined, options.fieldManager, undefined, k8s.PatchStrategy.MergePatch),
        ),
      )
    },
    async apply<T extends KubeObject>(
      object: KubeObject,
      options: { fieldManager: string; force?: boolean; dryRun?: boolean },
    ) {
      const ref = refOf(object)
      return typed(
        ref,
        await call<T>(ref, () =>
          client.patch(
            object as Wire,
            undefined,
            options.dryRun ? 'All' : undefined,
            options.fieldManager,
            options.force,
            k8s.PatchStrategy.ServerSideApply,
          ),
        ),
      )
    },
    async delete(ref: ObjectRef, options: { propagation?: Propagation } = {}) {
      try {
        await call(ref, () =>
          client.delete(header(ref), undefined, undefined, undefined, undefined, options.propagation ?? 'Background'),
        )
        return true
      } catch (error) {
        if (error instanceof ObjectNotFoundError) return false
        throw error
      }
    },
    async list<T extends KubeObject>(apiVersion: string, kind: string, namespace: string, labelSelector?: string) {
      const ref = { apiVersion, kind, name: '', namespace }
      const list = await call<{ items?: T[] }>(ref, () =>
        client.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector),
      )
      return (list.items ?? []).map((item) => typed(ref, item))
    },
  }
  return api
}

/**
 * Read, change, replace with the resourceVersion read; a 409 starts over from a fresh read
 * (client-go's RetryOnConflict). `mutate` returns the changed copy, or undefined for "no change".
 */
export async function updateObject<T extends KubeObject>(
  objects: ObjectsApi,
  ref: ObjectRef,
  mutate: (current: T) => T | undefined | Promise<T | undefined>,
  options: ConflictRetryOptions = {},
): Promise<{ object: T; changed: boolean }> {
  return retryOnConflict(async () => {
    const current = await objects.get<T>(ref)
    const next = await mutate(structuredClone(current))
    if (!next) return { object: current, changed: false }
    const body = { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata?.resourceVersion } }
    return { object: await objects.replace(body), changed: true }
  }, options)
}
