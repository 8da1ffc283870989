// Field sets over typed objects, as structured-merge-diff keeps them for server-side apply.
//
// A path is a list of path elements written as in FieldsV1: `f:<field>`, `k:<json of the key
// fields>` (an item of an associative list), `v:<json value>` (an item of a set), `i:<index>`.
// A set is a set of paths (joined by SEP). The list semantics come from the API's schema
// markers (`+listType=map` with `+listMapKey`, `+listType=set`, atomic otherwise; atomic maps
// and structs), which client-node's models do not carry, so the ones the built-in kinds use are
// listed here (k8s.io/api core/v1 and apps/v1 types.go).
//
// Upstream (sigs.k8s.io/structured-merge-diff/v4): typed/helpers ToFieldSet (tofieldset.go:
// which nodes of an applied configuration are members), typed/compare.go (Added, Modified,
// Removed), typed/merge.go (live merged with the configuration: associative lists by key,
// atomic values replaced), fieldpath/serialize.go (FieldsV1, members as `.`) and
// fieldpath/path.go Path.String (`.spec.template.spec.containers[name="app"].image`).
import { fieldsOf } from './schema.ts'
import { clone, deepEqual, isObject, type KObj } from './types.ts'

export const SEP = '\u0001'
export type FieldSet = Set<string>

type TypeNode =
  | { t: 'scalar' }
  | { t: 'struct'; model?: string; root?: boolean }
  | { t: 'map'; elem: string }
  | { t: 'list'; elem: string; keys?: string[]; set?: boolean }

/**
 * Associative lists (`+listType=map`) by struct and field, with their key fields; the markers of
 * k8s.io/api core/v1, apps/v1, batch/v1 types.go and apimachinery meta/v1 types.go.
 */
const LIST_MAP_KEYS: Record<string, string[]> = {
  'V1PodSpec.containers': ['name'],
  'V1PodSpec.initContainers': ['name'],
  'V1PodSpec.ephemeralContainers': ['name'],
  'V1PodSpec.volumes': ['name'],
  'V1PodSpec.imagePullSecrets': ['name'],
  'V1PodSpec.hostAliases': ['ip'],
  'V1PodSpec.topologySpreadConstraints': ['topologyKey', 'whenUnsatisfiable'],
  'V1PodSpec.schedulingGates': ['name'],
  'V1PodSpec.resourceClaims': ['name'],
  'V1Container.ports': ['containerPort', 'protocol'],
  'V1Container.env': ['name'],
  'V1Container.volumeMounts': ['mountPath'],
  'V1Container.volumeDevices': ['devicePath'],
  'V1EphemeralContainer.ports': ['containerPort', 'protocol'],
  'V1EphemeralContainer.env': ['name'],
  'V1EphemeralContainer.volumeMounts': ['mountPath'],
  'V1ServiceSpec.ports': ['port', 'protocol'],
  'V1ObjectMeta.ownerReferences': ['uid'],
  'V1ResourceRequirements.claims': ['name'],
  'V1ContainerStatus.volumeMounts': ['mountPath'],
  'V1PodStatus.podIPs': ['ip'],
  'V1NodeStatus.addresses': ['type'],
  'V1ServiceAccount.secrets': ['name'],
}
/** Key fields with a schema default (`protocol: TCP`), used for an item that leaves them out. */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' }
/** `+listType=set` lists of scalars. */
const LIST_SETS = new Set(['V1ObjectMeta.finalizers', 'V1Endpoint.addresses', 'V1NodeSpec.podCIDRs'])
/**
 * Fields a Go object always has once its parent exists, so a typed value made from it
 * (runtime.DefaultUnstructuredConverter) shows them even when nothing was set: non-pointer
 * structs (`{}`), and a few slices without `omitempty` (`null`). compare.go marks a node added
 * only when the old value lacks it, so these are never `.` members of an Update entry, while a
 * pointer struct that appears (`rollingUpdate`, `livenessProbe`, `securityContext`) is. The
 * metadata, spec and status of every built-in kind are such structs too (k8s.io/api types.go).
 */
const ALWAYS_PRESENT = new Set([
  'V1DeploymentSpec.template',
  'V1DeploymentSpec.strategy',
  'V1ReplicaSetSpec.template',
  'V1StatefulSetSpec.template',
  'V1StatefulSetSpec.updateStrategy',
  'V1JobSpec.template',
  'V1CronJobSpec.jobTemplate',
  'V1JobTemplateSpec.metadata',
  'V1JobTemplateSpec.spec',
  'V1PodTemplateSpec.metadata',
  'V1PodTemplateSpec.spec',
  'V1PersistentVolumeClaimTemplate.metadata',
  'V1PersistentVolumeClaimTemplate.spec',
  'V1PodSpec.containers',
  'V1Container.resources',
  'V1EphemeralContainer.resources',
  'V1ContainerStatus.state',
  'V1ContainerStatus.lastState',
  'V1ServiceStatus.loadBalancer',
  'V1IngressStatus.loadBalancer',
  'V1HTTPIngressPath.backend',
  'V1IngressServiceBackend.port',
  'V1HorizontalPodAutoscalerSpec.scaleTargetRef',
  'V2HorizontalPodAutoscalerSpec.scaleTargetRef',
  'V2ResourceMetricSource.target',
  'V2ContainerResourceMetricSource.target',
  'V2PodsMetricSource.metric',
  'V2PodsMetricSource.target',
  'V2ObjectMetricSource.describedObject',
  'V2ObjectMetricSource.metric',
  'V2ObjectMetricSource.target',
  'V2ExternalMetricSource.metric',
  'V2ExternalMetricSource.target',
  'V2ResourceMetricStatus.current',
  'V2ContainerResourceMetricStatus.current',
  'V2PodsMetricStatus.metric',
  'V2PodsMetricStatus.current',
  'V2ObjectMetricStatus.describedObject',
  'V2ObjectMetricStatus.metric',
  'V2ObjectMetricStatus.current',
  'V2ExternalMetricStatus.metric',
  'V2ExternalMetricStatus.current',
  'V1Endpoint.conditions',
  'V1NodeStatus.daemonEndpoints',
  'V1NodeStatus.nodeInfo',
  'V1NodeDaemonEndpoints.kubeletEndpoint',
  'CoreV1Event.involvedObject',
  'CoreV1Event.source',
])

/** Whether `key` of a struct exists (empty) in the Go object whenever the struct does. */
function alwaysPresent(parent: TypeNode, key: string): boolean {
  if (parent.t !== 'struct' || !parent.model) return false
  if (parent.root) return key === 'metadata' || key === 'spec' || key === 'status'
  return ALWAYS_PRESENT.has(`${parent.model}.${key}`)
}

/** The zero value such a field has in Go: an empty struct, or a nil slice (no items). */
function zeroOf(type: TypeNode): unknown {
  return type.t === 'list' ? [] : {}
}

/** `+mapType=atomic` maps and `+structType=atomic` structs: replaced whole, owned as one field. */
const ATOMIC_FIELDS = new Set(['V1ServiceSpec.selector', 'V1PodSpec.nodeSelector'])
const ATOMIC_STRUCTS = new Set([
  'V1LabelSelector',
  'V1OwnerReference',
  'V1ObjectReference',
  'V1LocalObjectReference',
  'V1TypedLocalObjectReference',
  'V1SecretReference',
  'V1ConfigMapKeySelector',
  'V1SecretKeySelector',
  'V1ObjectFieldSelector',
  'V1ResourceFieldSelector',
  'V1FileKeySelector',
  'V1NodeSelector',
  'V1NodeSelectorTerm',
  'V1TopologySelectorTerm',
  'V1ServiceBackendPort',
  'V1EndpointAddress',
  'CoreV1EndpointPort',
  'DiscoveryV1EndpointPort',
])
/** Status conditions are keyed by `type` (`+listMapKey=type`) in every built-in kind but these (`+listType=atomic`). */
const ATOMIC_CONDITIONS = new Set(['V1JobStatus'])

function typeOf(type: string, parent?: string, field?: string): TypeNode {
  const where = `${parent}.${field}`
  if (ATOMIC_FIELDS.has(where)) return { t: 'scalar' }
  const list = /^Array<(.+)>$/.exec(type)
  if (list) {
    if (field === 'conditions' && !ATOMIC_CONDITIONS.has(parent ?? ''))
      return { t: 'list', elem: list[1]!, keys: ['type'] }
    if (LIST_SETS.has(where)) return { t: 'list', elem: list[1]!, set: true }
    const keys = LIST_MAP_KEYS[where]
    return keys ? { t: 'list', elem: list[1]!, keys } : { t: 'scalar' }
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type)
  if (map) return { t: 'map', elem: map[1]! }
  if (['string', 'number', 'boolean', 'Date', 'IntOrString', 'any', 'object'].includes(type)) return { t: 'scalar' }
  if (ATOMIC_STRUCTS.has(type) || !fieldsOf(type)) return { t: 'scalar' }
  return { t: 'struct', model: type }
}

/** The type of an object of a kind; a kind without a model (custom resources) is walked untyped. */
export function rootType(model: string | undefined): TypeNode {
  return { t: 'struct', model, root: true }
}

function fieldType(parent: TypeNode & { t: 'struct' }, key: string, value: unknown): TypeNode | undefined {
  if (!parent.model) {
    // Untyped: objects are structs, lists atomic (a CRD's schema without list markers).
    return isObject(value) ? { t: 'struct' } : { t: 'scalar' }
  }
  const f = fieldsOf(parent.model)?.find((x) => x.baseName === key)
  return f ? typeOf(f.type, parent.model, key) : undefined
}

function elemType(node: TypeNode & { elem: string }): TypeNode {
  return typeOf(node.elem)
}

/** The key element of an associative list's item: `k:{"containerPort":80,"protocol":"TCP"}`. */
function keyElement(item: unknown, keys: string[]): string {
  const o = isObject(item) ? item : {}
  const key: Record<string, unknown> = {}
  for (const k of [...keys].sort()) {
    const v = o[k] ?? KEY_DEFAULTS[k]
    if (v !== undefined) key[k] = v
  }
  return `k:${JSON.stringify(key)}`
}

function itemElement(node: TypeNode & { t: 'list' }, item: unknown): string {
  return node.set ? `v:${JSON.stringify(item)}` : keyElement(item, node.keys!)
}

const join = (path: string, pe: string) => (path ? `${path}${SEP}${pe}` : pe)

/**
 * The set an applied configuration owns (tofieldset.go): scalars, atomic values, list items
 * and map entries are members; a struct field only when it is empty or null.
 */
export function toFieldSet(value: unknown, type: TypeNode, path = '', out: FieldSet = new Set()): FieldSet {
  if (type.t === 'scalar') {
    if (path) out.add(path)
    return out
  }
  if (type.t === 'list') {
    if (!Array.isArray(value)) {
      if (path) out.add(path)
      return out
    }
    for (const item of value) {
      const p = join(path, itemElement(type, item))
      out.add(p)
      if (!type.set) toFieldSet(item, elemType(type), p, out)
    }
    return out
  }
  if (!isObject(value)) {
    if (path) out.add(path)
    return out
  }
  for (const [k, v] of Object.entries(value)) {
    const child = type.t === 'map' ? elemType(type) : fieldType(type, k, v)
    if (!child) continue
    const p = join(path, `f:${k}`)
    toFieldSet(v, child, p, out)
    if (type.t === 'map' || v === null || (isObject(v) && Object.keys(v).length === 0)) out.add(p)
  }
  return out
}

export interface Comparison {
  added: FieldSet
  modified: FieldSet
  removed: FieldSet
}

/** Every node of a value, as compare.go marks a subtree that appears or disappears. */
function everyNode(value: unknown, type: TypeNode, path: string, out: FieldSet): void {
  if (path) out.add(path)
  if (type.t === 'scalar') return
  if (type.t === 'list') {
    if (!Array.isArray(value)) return
    for (const item of value) {
      const p = join(path, itemElement(type, item))
      out.add(p)
      if (!type.set) everyNode(item, elemType(type), p, out)
    }
    return
  }
  if (!isObject(value)) return
  for (const [k, v] of Object.entries(value)) {
    const child = type.t === 'map' ? elemType(type) : fieldType(type, k, v)
    if (child) everyNode(v, child, join(path, `f:${k}`), out)
  }
}

/**
 * What changed from `before` to `after` (compare.go compareWalker.compare: a node the old value
 * lacks is added, one the new value lacks removed, with everything beneath it). A field the Go
 * object always has (ALWAYS_PRESENT: non-pointer structs, `containers`) is compared against its
 * zero value instead, so only what it holds is new; a pointer struct, map or list that appears
 * is itself added (`f:rollingUpdate: {.: {}, ...}`), as is every node of a new list item.
 */
export function compare(before: unknown, after: unknown, type: TypeNode, path = '', c?: Comparison): Comparison {
  const out = c ?? { added: new Set(), modified: new Set(), removed: new Set() }
  if (before === undefined && after === undefined) return out
  if (before === undefined) {
    everyNode(after, type, path, out.added)
    return out
  }
  if (after === undefined) {
    everyNode(before, type, path, out.removed)
    return out
  }
  if (type.t === 'scalar' || (type.t === 'list' && (!Array.isArray(before) || !Array.isArray(after)))) {
    if (!deepEqual(before, after) && path) out.modified.add(path)
    return out
  }
  if (type.t === 'list') {
    const b = new Map((before as unknown[]).map((i) => [itemElement(type, i), i]))
    const a = new Map((after as unknown[]).map((i) => [itemElement(type, i), i]))
    const elem = type.set ? { t: 'scalar' as const } : elemType(type)
    for (const pe of new Set([...b.keys(), ...a.keys()])) {
      const p = join(path, pe)
      const [x, y] = [b.get(pe), a.get(pe)]
      if (x === undefined) {
        out.added.add(p)
        everyNode(y, elem, p, out.added)
      } else if (y === undefined) everyNode(x, elem, p, out.removed)
      else if (!type.set) compare(x, y, elem, p, out)
    }
    return out
  }
  if (!isObject(before) || !isObject(after)) {
    if (!deepEqual(before, after) && path) out.modified.add(path)
    return out
  }
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const child = type.t === 'map' ? elemType(type) : fieldType(type, k, after[k] ?? before[k])
    if (!child) continue
    const p = join(path, `f:${k}`)
    const [x, y] = [before[k], after[k]]
    if (x === undefined && y !== undefined) {
      if (alwaysPresent(type, k)) compare(zeroOf(child), y, child, p, out)
      else everyNode(y, child, p, out.added)
    } else if (y === undefined && x !== undefined) {
      if (alwaysPresent(type, k)) compare(x, zeroOf(child), child, p, out)
      else everyNode(x, child, p, out.removed)
    } else compare(x, y, child, p, out)
  }
  return out
}

/** The live object with the configuration merged in (merge.go): lists by key, atomic values replaced. */
export function merge(live: unknown, config: unknown, type: TypeNode): unknown {
  if (config === undefined) return clone(live)
  if (live === undefined || live === null || config === null) return clone(config)
  if (type.t === 'scalar') return clone(config)
  if (type.t === 'list') {
    if (!Array.isArray(live) || !Array.isArray(config)) return clone(config)
    const out = clone(live)
    const at = new Map(out.map((item, i) => [itemElement(type, item), i]))
    for (const item of config) {
      const i = at.get(itemElement(type, item))
      if (i === undefined) out.push(clone(item))
      else if (!type.set) out[i] = merge(out[i], item, elemType(type))
    }
    return out
  }
  if (!isObject(live) || !isObject(config)) return clone(config)
  const out: KObj = clone(live)
  for (const [k, v] of Object.entries(config)) {
    const child = type.t === 'map' ? elemType(type) : fieldType(type, k, v)
    out[k] = child ? merge(live[k], v, child) : clone(v)
  }
  return out
}

/**
 * Removes one path from an object, in place (typed/remove.go removingWalker for one path). A
 * struct the removal leaves empty becomes null there, which the Go object holds as a nil
 * pointer (gone), unless it is one the Go object always has (ALWAYS_PRESENT).
 */
export function removePath(obj: unknown, path: string, type: TypeNode): void {
  const pes = path.split(SEP)
  let node: unknown = obj
  let t: TypeNode = type
  /** The object holding the current node, under which key, and that object's type. */
  let holder: { parent: KObj; key: string; within: TypeNode } | undefined
  for (const [i, pe] of pes.entries()) {
    const last = i === pes.length - 1
    if (pe.startsWith('f:')) {
      if (!isObject(node) || t.t === 'scalar' || t.t === 'list') return
      const k = pe.slice(2)
      if (last) {
        delete node[k]
        const emptied = holder && t.t === 'struct' && Object.keys(node).length === 0
        if (emptied && !alwaysPresent(holder!.within, holder!.key)) delete holder!.parent[holder!.key]
        return
      }
      holder = { parent: node, key: k, within: t }
      const child = t.t === 'map' ? elemType(t) : fieldType(t, k, node[k])
      if (!child) return
      node = node[k]
      t = child
    } else {
      if (!Array.isArray(node) || t.t !== 'list') return
      const list: TypeNode & { t: 'list' } = t
      const index = node.findIndex((item) => itemElement(list, item) === pe)
      if (index < 0) return
      if (last) {
        node.splice(index, 1)
        return
      }
      node = node[index]
      t = elemType(list)
      holder = undefined
    }
  }
}

/**
 * Set.EnsureNamedFieldsAreMembers (fieldpath/set.go): every declared struct field that has
 * something beneath it in the set becomes a member too (list items and map keys do not).
 * Prune compares these sets, so a struct goes whole once nobody owns anything in it, while
 * a list item goes when nobody owns the item itself, whoever owns a field inside it.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, type: TypeNode): FieldSet {
  const out = new Set(set)
  for (const path of set) {
    const pes = path.split(SEP)
    let t: TypeNode | undefined = type
    let prefix = ''
    for (const [i, pe] of pes.entries()) {
      if (!t) break
      const last = i === pes.length - 1
      prefix = join(prefix, pe)
      let next: TypeNode | undefined
      if (pe.startsWith('f:') && t.t === 'struct') {
        next = fieldType(t, pe.slice(2), {})
        if (!last && next) out.add(prefix)
      } else if (pe.startsWith('f:') && t.t === 'map') next = elemType(t)
      else if (t.t === 'list') next = elemType(t)
      t = next
    }
  }
  return out
}

/** Empty maps and lists left by a removal go, as Go's omitempty drops them on the way out. */
export function dropEmpty(value: unknown, type: TypeNode): void {
  if (!isObject(value) || type.t === 'scalar' || type.t === 'list') {
    if (Array.isArray(value) && type.t === 'list' && !type.set) for (const i of value) dropEmpty(i, elemType(type))
    return
  }
  for (const [k, v] of Object.entries(value)) {
    const child = type.t === 'map' ? elemType(type) : fieldType(type, k, v)
    if (!child) continue
    dropEmpty(v, child)
    const emptyList = Array.isArray(v) && v.length === 0 && child.t === 'list'
    const emptyMap = isObject(v) && Object.keys(v).length === 0 && child.t === 'map'
    if (emptyList || emptyMap) delete value[k]
  }
}

// ---- FieldsV1 (fieldpath/serialize.go) and Path.String (fieldpath/path.go)

interface Tree {
  member: boolean
  children: Map<string, Tree>
}

const ORDER = ['f', 'k', 'v', 'i']
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** value.Compare: numbers by value, then strings, booleans, lists, maps, null. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) =>
    typeof v === 'number'
      ? 0
      : typeof v === 'string'
        ? 1
        : typeof v === 'boolean'
          ? 2
          : Array.isArray(v)
            ? 3
            : v === null
              ? 5
              : 4
  const d = rank(a) - rank(b)
  if (d) return d
  if (typeof a === 'number') return Math.sign(a - (b as number))
  if (typeof a === 'string') return byteOrder(a, b as string)
  if (typeof a === 'boolean') return Number(a) - Number(b)
  return byteOrder(JSON.stringify(a), JSON.stringify(b))
}

/**
 * PathElement.Compare (fieldpath/element.go): field names before keys, values and indexes;
 * keys field by field (FieldList.Compare), values as value.Compare orders them, so an item
 * keyed `containerPort: 80` comes before one keyed 443.
 */
function peLess(a: string, b: string): number {
  const d = ORDER.indexOf(a[0]!) - ORDER.indexOf(b[0]!)
  if (d) return d
  const [x, y] = [a.slice(2), b.slice(2)]
  if (a[0] === 'f') return byteOrder(x, y)
  if (a[0] === 'i') return Number(x) - Number(y)
  if (a[0] === 'v') return compareValues(JSON.parse(x), JSON.parse(y))
  const [kx, ky] = [Object.entries(JSON.parse(x)), Object.entries(JSON.parse(y))]
  for (let i = 0; ; i++) {
    if (i >= kx.length || i >= ky.length) return kx.length - ky.length
    const c = byteOrder(kx[i]![0], ky[i]![0]) || compareValues(kx[i]![1], ky[i]![1])
    if (c) return c
  }
}

/** A set as a tree of path elements, each node marked when its path is a member. */
function treeOf(set: Iterable<string>): Tree {
  const root: Tree = { member: false, children: new Map() }
  for (const path of set) {
    let node = root
    for (const pe of path.split(SEP)) {
      let next = node.children.get(pe)
      if (!next) {
        next = { member: false, children: new Map() }
        node.children.set(pe, next)
      }
      node = next
    }
    node.member = true
  }
  return root
}

/**
 * The paths of a set in the order Set.Iterate gives them (fieldpath/set.go iteratePrefix):
 * at each level the members first, then the children, each sorted by PathElement.Compare.
 * Conflicts are listed in this order.
 */
export function iterationOrder(set: Iterable<string>): string[] {
  const root = treeOf(set)
  const out: string[] = []
  const walk = (t: Tree, prefix: string) => {
    const pes = [...t.children.keys()].sort(peLess)
    for (const pe of pes) if (t.children.get(pe)!.member) out.push(join(prefix, pe))
    for (const pe of pes) walk(t.children.get(pe)!, join(prefix, pe))
  }
  walk(root, '')
  return out
}

export function toFieldsV1(set: FieldSet): KObj {
  const root = treeOf(set)
  const write = (t: Tree): KObj => {
    const out: KObj = {}
    if (t.member && t.children.size) out['.'] = {}
    for (const pe of [...t.children.keys()].sort(peLess)) out[pe] = write(t.children.get(pe)!)
    return out
  }
  return write(root)
}

export function fromFieldsV1(fields: unknown, path = '', out: FieldSet = new Set()): FieldSet {
  if (!isObject(fields)) return out
  for (const [pe, sub] of Object.entries(fields)) {
    if (pe === '.') {
      if (path) out.add(path)
      continue
    }
    const p = join(path, pe)
    if (!isObject(sub) || Object.keys(sub).length === 0) out.add(p)
    else fromFieldsV1(sub, p, out)
  }
  return out
}

/** `.spec.template.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"]`. */
export function pathString(path: string): string {
  return path
    .split(SEP)
    .map((pe) => {
      const body = pe.slice(2)
      if (pe.startsWith('f:')) return `.${body}`
      if (pe.startsWith('i:')) return `[${body}]`
      if (pe.startsWith('v:')) return `[=${body}]`
      const key = JSON.parse(body) as Record<string, unknown>
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`
    })
    .join('')
}

export function union(...sets: FieldSet[]): FieldSet {
  const out = new Set<string>()
  for (const s of sets) for (const p of s) out.add(p)
  return out
}

export function difference(a: FieldSet, b: FieldSet): FieldSet {
  return new Set([...a].filter((p) => !b.has(p)))
}

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  return new Set([...a].filter((p) => b.has(p)))
}
