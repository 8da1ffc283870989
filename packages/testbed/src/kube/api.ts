// The registry layer between HTTP and the store: defaulting, validation, namespaces,
// generateName, graceful pod deletion, subresources and patches, as the API server's
// generic registry and each type's strategy do them.

import { convertFrom, convertTo } from './conversion.ts'
import { decodeTyped, type FieldValidation } from './decode.ts'
import { applyDefaults, defaultJobSelector } from './defaults.ts'
import { createKubernetesService, populateNamespace } from './kinds.ts'
import { apply as applyConfiguration, type ManagerOptions, updateManagedFields } from './managed-fields.ts'
import { applyPatch, type PatchType } from './patch.ts'
import { apiVersionOf, type ResourceDef, resourceByKind, storageOf, storedResources } from './resources.ts'
import { formatSelector, fromLabelSelector } from './selectors.ts'
import { ApiError, badRequest, notFound, successStatus } from './status.ts'
import { type ListFilter, Store } from './store.ts'
import { isObject, type KObj, pruneNulls, randomSuffix, uid } from './types.ts'
import { validate } from './validate.ts'

export interface WriteOptions {
  dryRun?: boolean
  /** The field manager of a request (managed-fields.ts); internal writes name none and leave managedFields as they are. */
  manager?: ManagerOptions
  /** metadata.managedFields already worked out (a server-side apply). */
  managedFields?: KObj[]
}

/** A patch's object is decoded like a body (decode.ts) when the request says how to treat unknown fields. */
export interface PatchOptions extends WriteOptions {
  fieldValidation?: FieldValidation
  /** Collects `unknown field` warnings under fieldValidation=Warn. */
  warnings?: string[]
}

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'
  gracePeriodSeconds?: number
  preconditions?: { uid?: string; resourceVersion?: string }
}

const NAMESPACES = resourceByKind('Namespace')
const PODS = resourceByKind('Pod')
const SERVICE_ACCOUNTS = resourceByKind('ServiceAccount')

export class Api {
  readonly store = new Store()
  /**
   * Real milliseconds per millisecond of the cluster's clock, for every duration the simulator
   * plays (startKubeSimulator's timeScale); the controllers read it from here.
   */
  timeScale = 1
  /** The event each (object, field path, reason, message, source) was recorded as, so repeats count up. */
  readonly eventIndex = new Map<string, string>()

  constructor() {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.create(NAMESPACES, undefined, { metadata: { name } })
    }
    createKubernetesService(this)
  }

  /** The ServiceAccount admission plugin: a pod may only run as a ServiceAccount that exists. */
  private admitServiceAccount(pod: KObj): void {
    const sa = pod.spec?.serviceAccountName
    if (!sa || this.store.tryGet(SERVICE_ACCOUNTS, pod.metadata.namespace, sa)) return
    const name = pod.metadata.generateName ?? pod.metadata.name ?? ''
    throw new ApiError(
      403,
      'Forbidden',
      `pods "${name}" is forbidden: error looking up service account ${pod.metadata.namespace}/${sa}: serviceaccount "${sa}" not found`,
      { name, kind: 'pods' },
    )
  }

  private checkNamespace(r: ResourceDef, namespace: string | undefined, isCreate: boolean): void {
    if (!r.namespaced) return
    if (!namespace) throw badRequest('namespace is required')
    const ns = this.store.tryGet(NAMESPACES, undefined, namespace)
    if (!ns) throw notFound(NAMESPACES, namespace)
    if (isCreate && ns.metadata.deletionTimestamp && r.kind !== 'Event') {
      throw new ApiError(
        403,
        'Forbidden',
        `${r.plural}${r.group ? `.${r.group}` : ''} "${''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          kind: r.plural,
          ...(r.group ? { group: r.group } : {}),
          causes: [
            {
              reason: 'NamespaceTerminating',
              message: `namespace ${namespace} is being terminated`,
              field: 'metadata.namespace',
            },
          ],
        },
      )
    }
  }

  get(r: ResourceDef, namespace: string | undefined, name: string): KObj {
    const stored = this.store.get(storageOf(r), r.namespaced ? namespace : undefined, name)
    return convertTo(r, stored)
  }

  list(r: ResourceDef, filter: ListFilter): KObj[] {
    const items = this.store.list(storageOf(r), r.namespaced ? filter : { ...filter, namespace: undefined })
    return r.storedAs ? items.map((o) => convertTo(r, o)) : items
  }

  create(r: ResourceDef, namespace: string | undefined, input: KObj, options: WriteOptions = {}): KObj {
    if (r.storedAs) return convertTo(r, this.create(storageOf(r), namespace, convertFrom(r, input), options))
    if (!input || typeof input !== 'object') throw badRequest('the body of the request was not a valid object')
    const obj = pruneNulls(input)
    obj.metadata ??= {}
    const meta = obj.metadata
    if (r.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
      }
      meta.namespace = namespace ?? meta.namespace
    } else delete meta.namespace
    this.checkNamespace(r, meta.namespace, true)
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`
    delete meta.resourceVersion
    delete meta.deletionTimestamp
    const requestedManagedFields = meta.managedFields
    delete meta.managedFields
    meta.uid = uid()
    if (r.kind === 'Job') defaultJobSelector(obj)
    applyDefaults(r, obj, true)
    // The create handler records its manager after decoding (and so defaulting): create.go, UpdateNoErrors.
    if (options.managedFields) meta.managedFields = options.managedFields
    else if (options.manager)
      meta.managedFields = updateManagedFields(
        r,
        undefined,
        obj,
        options.manager,
        apiVersionOf(r),
        requestedManagedFields,
      )
    if (!meta.managedFields?.length) delete meta.managedFields
    if (
      r.subresources.includes('status') &&
      r.kind !== 'Pod' &&
      r.kind !== 'Namespace' &&
      r.kind !== 'Service' &&
      r.kind !== 'Ingress' &&
      !r.custom
    ) {
      obj.status = {}
    }
    validate(r, obj)
    if (r.kind === 'Pod') this.admitServiceAccount(obj)
    const created = this.store.create(r, obj, { dryRun: options.dryRun, keepUid: true })
    if (r.kind === 'Namespace' && !options.dryRun) populateNamespace(this, created.metadata.name)
    return created
  }

  /** PUT: replace the object (or its status); a resourceVersion in the body is a precondition. */
  update(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    input: KObj,
    options: WriteOptions & { statusOnly?: boolean } = {},
  ): KObj {
    if (r.storedAs) {
      const s = storageOf(r)
      const current = this.store.get(s, r.namespaced ? namespace : undefined, name)
      return convertTo(r, this.update(s, namespace, name, convertFrom(r, input, current), options))
    }
    if (!input || typeof input !== 'object') throw badRequest('the body of the request was not a valid object')
    const obj = pruneNulls(input)
    obj.metadata ??= {}
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(
        'the name of the object (' + obj.metadata.name + ') does not match the name on the URL (' + name + ')',
      )
    }
    obj.metadata.name = name
    if (r.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
      }
      obj.metadata.namespace = namespace
    }
    const stored = this.store.get(r, r.namespaced ? namespace : undefined, name)
    const rv = obj.metadata.resourceVersion
    applyDefaults(r, obj, false)
    if (!options.statusOnly) validate(r, obj, stored)
    // Managed fields are the server's to work out; the body's are where it starts, if it has any (fieldmanager.go Update).
    let managedFields: KObj[] | undefined = options.managedFields
    if (!managedFields && options.manager) {
      const next = options.statusOnly ? { ...stored, status: obj.status } : { ...obj, status: stored.status }
      const requested = options.statusOnly ? undefined : input.metadata?.managedFields
      managedFields = updateManagedFields(r, stored, next, options.manager, apiVersionOf(r), requested)
    }
    managedFields ??= stored.metadata.managedFields
    if (managedFields?.length) obj.metadata.managedFields = managedFields
    else delete obj.metadata.managedFields
    const updated = this.store.update(r, obj, {
      resourceVersion: rv,
      statusOnly: options.statusOnly,
      dryRun: options.dryRun,
      managedFields: options.statusOnly ? (managedFields ?? []) : undefined,
    })
    // The last finalizer removed from an object marked for deletion lets it go (pods go when the kubelet is done).
    if (
      !options.dryRun &&
      updated.metadata.deletionTimestamp &&
      !updated.metadata.finalizers?.length &&
      r.kind !== 'Pod'
    ) {
      return this.store.delete(r, r.namespaced ? namespace : undefined, name)
    }
    return updated
  }

  patch(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    options: PatchOptions & { statusOnly?: boolean } = {},
  ): KObj {
    const stored = this.get(r, namespace, name)
    let patched = applyPatch(type, stored, patch)
    if (options.fieldValidation) {
      const decoded = decodeTyped(r, patched, options.fieldValidation, { body: patch, strategic: type === 'strategic' })
      options.warnings?.push(...decoded.warnings)
      patched = decoded.obj
    }
    patched.metadata ??= {}
    patched.metadata.name = name
    if (r.namespaced) patched.metadata.namespace = namespace
    // A resourceVersion the patch sets is a precondition; otherwise the patch applies to what is stored.
    patched.metadata.resourceVersion ??= stored.metadata.resourceVersion
    if (patched.metadata.resourceVersion === '') patched.metadata.resourceVersion = stored.metadata.resourceVersion
    return this.update(r, namespace, name, patched, options)
  }

  /**
   * Server-side apply (PATCH application/apply-patch+yaml): managed-fields.ts works out the
   * object and its managers; a missing object is created from the configuration.
   */
  apply(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    config: KObj,
    options: WriteOptions & { manager: ManagerOptions; statusOnly?: boolean },
  ): { obj: KObj; created: boolean } {
    const live = this.store.tryGet(r, r.namespaced ? namespace : undefined, name)
      ? this.get(r, namespace, name)
      : undefined
    const who = { ...options.manager, subresource: options.statusOnly ? 'status' : options.manager.subresource }
    if (!live && options.statusOnly) throw notFound(r, name)
    const result = applyConfiguration(r, live, config, who, apiVersionOf(r))
    const obj = result.obj
    obj.metadata = { ...(isObject(obj.metadata) ? obj.metadata : {}), name }
    const writeOptions = { dryRun: options.dryRun, managedFields: result.managedFields }
    if (!live) return { obj: this.create(r, namespace, obj, writeOptions), created: true }
    // The apply works on what is stored; a resourceVersion it sets is a precondition.
    obj.metadata.resourceVersion =
      isObject(config.metadata) && config.metadata.resourceVersion
        ? config.metadata.resourceVersion
        : live.metadata.resourceVersion
    if (r.namespaced) obj.metadata.namespace = namespace
    return {
      obj: this.update(r, namespace, name, obj, { ...writeOptions, statusOnly: options.statusOnly }),
      created: false,
    }
  }

  delete(r: ResourceDef, namespace: string | undefined, name: string, options: DeleteOptions = {}): KObj {
    if (r.storedAs) {
      const out = this.delete(storageOf(r), namespace, name, options)
      return out.kind === 'Status' ? out : convertTo(r, out)
    }
    const ns = r.namespaced ? namespace : undefined
    const stored = this.store.get(r, ns, name)
    if (options.preconditions?.uid && options.preconditions.uid !== stored.metadata.uid) {
      this.store.delete(r, ns, name, { dryRun: true, uid: options.preconditions.uid })
    }
    if (
      options.preconditions?.resourceVersion &&
      options.preconditions.resourceVersion !== stored.metadata.resourceVersion
    ) {
      this.store.delete(r, ns, name, { dryRun: true, resourceVersion: options.preconditions.resourceVersion })
    }
    if (options.dryRun) return r.kind === 'Pod' ? stored : successStatus(r, name, stored.metadata.uid)
    if (r.kind === 'Namespace') {
      if (['default', 'kube-system', 'kube-public'].includes(name)) {
        throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, {
          name,
          kind: 'namespaces',
        })
      }
      // The namespace controller's work (delete everything inside, then the namespace) done at once.
      return this.terminateNamespace(stored)
    }
    if (stored.metadata.finalizers?.length) {
      // Finalizers hold the object, marked for deletion, until whoever owns them removes them.
      if (options.propagationPolicy === 'Orphan') this.orphanDependents(stored)
      if (options.propagationPolicy === 'Foreground') this.deleteDependents(stored)
      const grace =
        r.kind === 'Pod' ? (options.gracePeriodSeconds ?? stored.spec?.terminationGracePeriodSeconds ?? 30) : 0
      return this.store.markDeleting(r, ns, name, grace)
    }
    if (r.kind === 'Pod') {
      const grace = options.gracePeriodSeconds ?? stored.spec?.terminationGracePeriodSeconds ?? 30
      const phase = stored.status?.phase
      if (grace > 0 && phase !== 'Succeeded' && phase !== 'Failed' && stored.spec?.nodeName) {
        return this.store.markDeleting(r, ns, name, grace)
      }
      return this.store.delete(r, ns, name)
    }
    const policy = options.propagationPolicy ?? 'Background'
    if (policy === 'Orphan') this.orphanDependents(stored)
    if (policy === 'Foreground') this.deleteDependents(stored)
    this.store.delete(r, ns, name)
    return r.kind === 'Service' ? stored : successStatus(r, name, stored.metadata.uid)
  }

  /**
   * The namespace controller's work (pkg/controller/namespace deleter.go): the namespace turns
   * Terminating (no new content), its content is deleted, pods gracefully so their containers
   * stop within the grace period, and the namespace goes once nothing is left (finishNamespaces).
   */
  private terminateNamespace(ns: KObj): KObj {
    const name = ns.metadata.name
    if (!ns.metadata.deletionTimestamp) {
      this.store.markDeleting(NAMESPACES, undefined, name, 0)
      const marked = this.store.get(NAMESPACES, undefined, name)
      marked.status = { phase: 'Terminating' }
      this.store.update(NAMESPACES, marked, { statusOnly: true })
    }
    this.emptyNamespace(name)
    this.finishNamespaces()
    return this.store.tryGet(NAMESPACES, undefined, name) ?? { ...ns, status: { phase: 'Terminating' } }
  }

  private emptyNamespace(name: string): void {
    for (const r of storedResources()) {
      if (!r.namespaced) continue
      for (const obj of this.store.list(r, { namespace: name })) {
        if (r === PODS) {
          if (!obj.metadata.deletionTimestamp) this.delete(PODS, name, obj.metadata.name)
        } else this.store.delete(r, name, obj.metadata.name)
      }
    }
  }

  /** Terminating namespaces whose pods are all gone are removed; what controllers wrote meanwhile goes too. */
  finishNamespaces(): void {
    for (const ns of this.store.list(NAMESPACES)) {
      if (!ns.metadata.deletionTimestamp) continue
      const name = ns.metadata.name
      if (this.store.list(PODS, { namespace: name }).length > 0) continue
      this.emptyNamespace(name)
      this.store.delete(NAMESPACES, undefined, name)
    }
  }

  /** Objects whose ownerReferences name this uid. */
  dependentsOf(owner: KObj): { r: ResourceDef; obj: KObj }[] {
    const out: { r: ResourceDef; obj: KObj }[] = []
    for (const r of storedResources()) {
      if (!r.namespaced) continue
      for (const obj of this.store.list(r, { namespace: owner.metadata.namespace })) {
        if ((obj.metadata.ownerReferences ?? []).some((o: KObj) => o.uid === owner.metadata.uid)) out.push({ r, obj })
      }
    }
    return out
  }

  private orphanDependents(owner: KObj): void {
    for (const { r, obj } of this.dependentsOf(owner)) {
      obj.metadata.ownerReferences = obj.metadata.ownerReferences.filter((o: KObj) => o.uid !== owner.metadata.uid)
      if (obj.metadata.ownerReferences.length === 0) delete obj.metadata.ownerReferences
      this.store.update(r, obj)
    }
  }

  private deleteDependents(owner: KObj): void {
    for (const { r, obj } of this.dependentsOf(owner)) {
      this.deleteDependents(obj)
      if (this.store.tryGet(r, obj.metadata.namespace, obj.metadata.name)) {
        this.store.delete(r, obj.metadata.namespace, obj.metadata.name)
      }
    }
  }

  /** The autoscaling/v1 Scale of a Deployment or ReplicaSet. */
  getScale(r: ResourceDef, namespace: string, name: string): KObj {
    const obj = this.store.get(r, namespace, name)
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name,
        namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: obj.spec?.replicas ?? 0 },
      status: { replicas: obj.status?.replicas ?? 0, selector: formatSelector(fromLabelSelector(obj.spec?.selector)) },
    }
  }

  updateScale(r: ResourceDef, namespace: string, name: string, scale: KObj, options: WriteOptions = {}): KObj {
    const obj = this.store.get(r, namespace, name)
    if (scale?.metadata?.resourceVersion) obj.metadata.resourceVersion = scale.metadata.resourceVersion
    const replicas = scale?.spec?.replicas
    obj.spec.replicas = replicas ?? 0
    this.update(r, namespace, name, obj, options)
    return options.dryRun ? { ...scale, spec: { replicas } } : this.getScale(r, namespace, name)
  }

  patchScale(
    r: ResourceDef,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    options: PatchOptions = {},
  ): KObj {
    let scale = applyPatch(type, this.getScale(r, namespace, name), patch)
    if (options.fieldValidation) {
      const as = { group: 'autoscaling', version: 'v1', kind: 'Scale' }
      const decoded = decodeTyped(as, scale, options.fieldValidation, { body: patch, strategic: type === 'strategic' })
      options.warnings?.push(...decoded.warnings)
      scale = decoded.obj
    }
    return this.updateScale(r, namespace, name, scale, options)
  }
}

export { PODS }
