// metadata.managedFields: who owns which fields, kept on every write that names a manager.
//
// Upstream: k8s.io/apimachinery/pkg/util/managedfields/internal — fieldmanager.go (Update and
// Apply on decoded managed fields), structuredmerge.go (typed conversion, then the Updater),
// stripmeta.go (identity metadata owned by nobody), managedfields.go (BuildManagerIdentifier,
// sortEncodedManagedFields), conflict.go (NewConflictError: the 409's message and causes);
// sigs.k8s.io/structured-merge-diff/v4 merge/update.go (Updater.Update, Updater.Apply, prune,
// the conflict rule: another manager's fields that the write adds or modifies); and apiserver
// endpoints/handlers rest.go (managerOrUserAgent: the manager of a write without fieldManager).
import {
  type Comparison,
  compare,
  difference,
  dropEmpty,
  ensureNamedFieldsAreMembers,
  type FieldSet,
  fromFieldsV1,
  intersection,
  iterationOrder,
  merge,
  pathString,
  removePath,
  rootType,
  SEP,
  toFieldSet,
  toFieldsV1,
  union,
} from './field-sets.ts'
import type { ResourceDef } from './resources.ts'
import { modelOf } from './schema.ts'
import { ApiError } from './status.ts'
import { clone, deepEqual, isObject, type KObj } from './types.ts'

export interface Manager {
  manager: string
  operation: 'Apply' | 'Update'
  apiVersion: string
  subresource?: string
  time?: string
  set: FieldSet
}

/** What a write says of its manager: name, whether it is an apply (and forced), the subresource. */
export interface ManagerOptions {
  manager: string
  subresource?: string
  force?: boolean
}

/** Paths no manager owns (stripmeta.go), with the status of a kind that has a status subresource. */
const STRIPPED = [
  'f:apiVersion',
  'f:kind',
  'f:metadata',
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((f) => `f:metadata${SEP}f:${f}`),
]

/** The fields a write on this endpoint may own (the strategies' GetResetFields: status apart from the rest). */
function ownable(r: ResourceDef, set: FieldSet, subresource: string | undefined): FieldSet {
  const out = new Set<string>()
  const hasStatus = r.subresources.includes('status')
  for (const p of set) {
    if (STRIPPED.includes(p) || p.startsWith(`f:metadata${SEP}f:managedFields`)) continue
    const isStatus = p === 'f:status' || p.startsWith(`f:status${SEP}`)
    if (hasStatus && subresource === 'status' && !isStatus) continue
    if (hasStatus && subresource !== 'status' && isStatus) continue
    out.add(p)
  }
  return out
}

function typeOfKind(r: ResourceDef) {
  return rootType(modelOf(r))
}

/** BuildManagerIdentifier: an applier is one manager whatever the version it applies. */
function identity(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Apply' ? '' : m.apiVersion, m.subresource ?? ''])
}

export function decodeManagers(obj: KObj | undefined): Manager[] {
  return decodeEntries(obj?.metadata?.managedFields) ?? []
}

/**
 * managedfields.go DecodeManagedFields: undefined when an entry is malformed (an operation
 * other than Apply or Update, no apiVersion, a fieldsType other than FieldsV1); entries with
 * the same identity collapse into the last, as they do in upstream's map.
 */
function decodeEntries(entries: unknown): Manager[] | undefined {
  if (entries === undefined || entries === null) return []
  if (!Array.isArray(entries)) return undefined
  const byId = new Map<string, Manager>()
  for (const e of entries) {
    if (!isObject(e)) return undefined
    if (e.operation !== 'Apply' && e.operation !== 'Update') return undefined
    if (typeof e.apiVersion !== 'string' || !e.apiVersion) return undefined
    if (e.fieldsType !== 'FieldsV1') return undefined
    const m: Manager = {
      manager: String(e.manager ?? ''),
      operation: e.operation,
      apiVersion: e.apiVersion,
      subresource: e.subresource || undefined,
      time: typeof e.time === 'string' ? e.time : undefined,
      set: fromFieldsV1(e.fieldsV1),
    }
    byId.set(identity(m), m)
  }
  return [...byId.values()]
}

/** fieldmanager.go isResetManagedFields: `[]` or `[{}]` in a request clears them. */
function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false
  if (entries.length === 0) return true
  return entries.length === 1 && isObject(entries[0]) && Object.values(entries[0]).every((v) => v === '' || v == null)
}

/**
 * The managers a non-apply write starts from (fieldmanager.go decodeLiveOrNew): the live
 * object's, unless the request body carries managedFields of its own: `[]` or `[{}]` resets
 * them, a well-formed list replaces them (a malformed one is ignored). A subresource write
 * always starts from the live object's.
 */
function startingManagers(live: KObj | undefined, requested: unknown, subresource: string | undefined): Manager[] {
  if (subresource || requested === undefined) return decodeManagers(live)
  if (isReset(requested)) return []
  const decoded = decodeEntries(requested)
  return decoded?.length ? decoded : decodeManagers(live)
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const seconds = (time: string | undefined) => (time ? Math.floor(Date.parse(time) / 1000) || 0 : 0)

/**
 * The entries as the API server writes them, sorted as sortEncodedManagedFields sorts them:
 * operation, time (whole seconds; none counts as 0), manager, apiVersion, subresource, each
 * compared as Go compares strings.
 */
export function encodeManagers(managers: Manager[]): KObj[] {
  const sorted = [...managers].sort(
    (a, b) =>
      byteOrder(a.operation, b.operation) ||
      seconds(a.time) - seconds(b.time) ||
      byteOrder(a.manager, b.manager) ||
      byteOrder(a.apiVersion, b.apiVersion) ||
      byteOrder(a.subresource ?? '', b.subresource ?? ''),
  )
  return sorted.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(m.set),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }))
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

/**
 * The managers after `before` became `after`, for the manager of the write and each other
 * manager (update.go update): fields the write added or modified leave the others
 * (conflicts not raised for Update), fields it removed leave everyone, an empty manager goes.
 */
function settle(
  managers: Manager[],
  c: Comparison,
  self: Manager,
  force: boolean,
): { managers: Manager[]; conflicts: Array<{ manager: Manager; path: string }> } {
  const changed = union(c.modified, c.added)
  const conflicts: Array<{ manager: Manager; path: string }> = []
  const selfId = identity(self)
  for (const m of managers) {
    if (identity(m) === selfId) continue
    // ConflictsFromManagers: each manager's conflicting paths in Set.Iterate order.
    for (const p of iterationOrder(intersection(m.set, changed))) conflicts.push({ manager: m, path: p })
  }
  if (conflicts.length && !force) return { managers, conflicts }
  const out: Manager[] = []
  for (const m of managers) {
    if (identity(m) === selfId) continue
    const set = difference(difference(m.set, changed), c.removed)
    if (set.size) out.push(set.size === m.set.size ? m : { ...m, set })
  }
  return { managers: out, conflicts }
}

/** buildmanagerinfo.go buildManagerInfo: a write that names no manager (and sends no user agent) is "unknown". */
function managerName(who: ManagerOptions): string {
  return who.manager || 'unknown'
}

/** capmanagers.go: at most this many Update entries; the oldest are merged into `ancient-changes`. */
const MAX_UPDATE_MANAGERS = 10

/**
 * capManagersManager.capUpdateManagers: past ten Update entries, the oldest (by time, then
 * identity) are merged, per apiVersion, into one `ancient-changes` entry stamped with the time
 * of the last one merged in.
 */
function capUpdateManagers(managers: Manager[]): Manager[] {
  const updaters = managers.filter((m) => m.operation === 'Update')
  if (updaters.length <= MAX_UPDATE_MANAGERS) return managers
  updaters.sort((a, b) => seconds(a.time) - seconds(b.time) || byteOrder(identity(a), identity(b)))
  const out = new Map(managers.map((m) => [identity(m), m]))
  const firstOfVersion = new Map<string, Manager>()
  let length = updaters.length
  for (const m of updaters) {
    if (length <= MAX_UPDATE_MANAGERS) break
    const first = firstOfVersion.get(m.apiVersion)
    if (!first) {
      firstOfVersion.set(m.apiVersion, m)
      continue
    }
    const bucket: Manager = {
      manager: 'ancient-changes',
      operation: 'Update',
      apiVersion: m.apiVersion,
      set: new Set(),
    }
    const bucketId = identity(bucket)
    if (!out.has(bucketId)) {
      out.delete(identity(first))
      out.set(bucketId, { ...bucket, set: first.set, time: first.time })
    }
    out.set(bucketId, { ...bucket, set: union(m.set, out.get(bucketId)!.set), time: m.time })
    out.delete(identity(m))
    length--
  }
  return [...out.values()]
}

/**
 * The managedFields of a non-apply write (create, update, patch; Updater.Update under
 * managedfieldsupdater.go): the write runs as a fresh manager, so what it added or modified
 * is taken from everyone (its own earlier entry too), what it removed leaves everyone, and
 * if it took anything its entry (of the request's version) gets those fields and the time
 * now; a write that took nothing leaves its entry and time as they were. `requested` is the
 * body's metadata.managedFields (startingManagers).
 */
export function updateManagedFields(
  r: ResourceDef,
  live: KObj | undefined,
  next: KObj,
  who: ManagerOptions,
  apiVersion: string,
  requested?: unknown,
): KObj[] {
  const type = typeOfKind(r)
  const managers = startingManagers(live, requested, who.subresource)
  const c = compare(stripForCompare(live ?? {}), stripForCompare(next), type)
  const own = (s: FieldSet) => ownable(r, s, who.subresource)
  const cmp = { added: own(c.added), modified: own(c.modified), removed: own(c.removed) }
  const self: Manager = {
    manager: managerName(who),
    operation: 'Update',
    apiVersion,
    subresource: who.subresource,
    set: new Set(),
  }
  const took = union(cmp.modified, cmp.added)
  const old = managers.find((m) => identity(m) === identity(self))
  const { managers: others } = settle(managers, cmp, self, true)
  const kept = difference(difference(old?.set ?? new Set(), took), cmp.removed)
  let result = others
  if (took.size) result = [...others, { ...self, set: union(kept, took), time: now() }]
  else if (old && kept.size) result = [...others, { ...old, set: kept }]
  return encodeManagers(capUpdateManagers(result))
}

function stripForCompare(obj: KObj): KObj {
  const out = clone(obj)
  if (isObject(out.metadata)) delete out.metadata.managedFields
  delete out.apiVersion
  delete out.kind
  return out
}

/** The 409 of an apply that would change other managers' fields (conflict.go NewConflictError). */
function conflictError(conflicts: Array<{ manager: Manager; path: string }>): ApiError {
  const who = (m: Manager) => {
    const name = JSON.stringify(m.manager) + (m.subresource ? ` with subresource ${JSON.stringify(m.subresource)}` : '')
    return m.operation === 'Update' ? `${name} using ${m.apiVersion}` : name
  }
  let message: string
  if (conflicts.length === 1) {
    const [c] = conflicts
    message = `Apply failed with 1 conflict: conflict with ${who(c!.manager)}: ${pathString(c!.path)}`
  } else {
    const byManager = new Map<string, string[]>()
    for (const c of conflicts) byManager.set(who(c.manager), [...(byManager.get(who(c.manager)) ?? []), c.path])
    const lines: string[] = []
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${m}:`)
      for (const p of byManager.get(m)!) lines.push(`- ${pathString(p)}`)
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`
  }
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${who(c.manager)}`,
    field: pathString(c.path),
  }))
  return new ApiError(409, 'Conflict', message, { causes })
}

export interface ApplyResult {
  obj: KObj
  managedFields: KObj[]
}

/**
 * A server-side apply (Updater.Apply): the configuration merged into the live object, fields
 * the manager applied last time and no longer applies removed unless another manager owns
 * them, a 409 for fields of other managers the apply would change (unless forced, when it
 * takes them over), and the manager's Apply entry set to exactly what it applied.
 */
export function apply(
  r: ResourceDef,
  live: KObj | undefined,
  config: KObj,
  who: ManagerOptions,
  apiVersion: string,
): ApplyResult {
  const type = typeOfKind(r)
  const { apiVersion: _a, kind: _k, ...body } = config
  const base = stripForCompare(live ?? {})
  const applied = ownable(r, toFieldSet(body, type), who.subresource)
  const managers = decodeManagers(live)
  const self: Manager = {
    manager: managerName(who),
    operation: 'Apply',
    apiVersion,
    subresource: who.subresource,
    set: applied,
  }
  const old = managers.find((m) => identity(m) === identity(self))
  const merged = merge(base, body, type) as KObj
  // Updater.prune: what this manager applied last time goes unless a manager (this one with its
  // new configuration included) owns it, both sets with their named fields as members
  // (EnsureNamedFieldsAreMembers): a struct stays while anyone owns something in it, a list
  // item only while someone owns the item. The new configuration counts whole here (its
  // metadata.name too: stripmeta.go strips only afterwards); identity metadata is never pruned.
  const others = managers.filter((m) => identity(m) !== identity(self))
  const claimed = ensureNamedFieldsAreMembers(union(toFieldSet(body, type), ...others.map((m) => m.set)), type)
  const last = ensureNamedFieldsAreMembers(old?.set ?? new Set(), type)
  // Shallowest first: an item's key fields go with the item, not before it (it could no longer be found).
  const dropped = [...ownable(r, difference(last, claimed), who.subresource)].sort(
    (a, b) => a.split(SEP).length - b.split(SEP).length,
  )
  const gone: string[] = []
  for (const p of dropped) {
    if (gone.some((g) => p.startsWith(g + SEP))) continue
    removePath(merged, p, type)
    gone.push(p)
  }
  if (dropped.length) dropEmpty(merged, type)
  const c = compare(base, merged, type)
  const cmp = {
    added: ownable(r, c.added, who.subresource),
    modified: ownable(r, c.modified, who.subresource),
    removed: ownable(r, c.removed, who.subresource),
  }
  let { managers: rest, conflicts } = settle(managers, cmp, self, who.force === true)
  if (conflicts.length && !who.force) {
    // lastappliedmanager.go Apply: kubectl's server-side apply may take fields over from its
    // client-side apply where the live object still holds what last-applied-configuration says.
    const allowed = self.manager === 'kubectl' ? allowedFromLastApplied(live, type, apiVersion) : new Set<string>()
    const remaining = conflicts.filter((x) => !allowed.has(x.path))
    if (remaining.length) throw conflictError(remaining)
    ;({ managers: rest, conflicts } = settle(managers, cmp, self, true))
  }
  // managedfieldsupdater.go Apply: the time is the apply's only when it changed the object
  // (Updater.Apply returns no object for a no-op); otherwise the entry keeps the time it had.
  const time = deepEqual(base, merged) ? old?.time : now()
  const result = applied.size ? [...rest, { ...self, time }] : rest
  if (self.manager === 'kubectl') keepLastAppliedInStep(merged, config)
  return { obj: merged, managedFields: encodeManagers(result) }
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'

/**
 * lastappliedmanager.go allowedConflictsFromLastApplied: the fields of the live object's
 * last-applied-configuration (when it is of this version) whose values the live object still
 * has; none when there is no such annotation or it does not parse.
 */
function allowedFromLastApplied(live: KObj | undefined, type: ReturnType<typeof rootType>, apiVersion: string) {
  const raw = live?.metadata?.annotations?.[LAST_APPLIED]
  if (typeof raw !== 'string' || !raw) return new Set<string>()
  let last: KObj
  try {
    last = JSON.parse(raw)
  } catch {
    return new Set<string>()
  }
  if (!isObject(last) || last.apiVersion !== apiVersion) return new Set<string>()
  const { apiVersion: _a, kind: _k, ...fields } = last
  const c = compare(fields, stripForCompare(live ?? {}), type)
  return difference(difference(difference(toFieldSet(fields, type), c.modified), c.added), c.removed)
}

/** 256 KiB: apimachinery ValidateAnnotationsSize's limit on all annotations together. */
const TOTAL_ANNOTATION_SIZE = 256 * 1024

/**
 * lastappliedupdater.go Apply: after kubectl's server-side apply, an object that carries
 * last-applied-configuration gets the applied configuration there (without that annotation,
 * encoded as UnstructuredJSONScheme encodes it: keys sorted, a newline at the end), unless
 * the annotations would then be too large, when it is dropped.
 */
function keepLastAppliedInStep(obj: KObj, config: KObj): void {
  const annotations = obj.metadata?.annotations
  if (!isObject(annotations) || typeof annotations[LAST_APPLIED] !== 'string' || !annotations[LAST_APPLIED]) return
  const applied = clone(config)
  if (isObject(applied.metadata?.annotations)) delete applied.metadata.annotations[LAST_APPLIED]
  annotations[LAST_APPLIED] = `${JSON.stringify(sortKeys(applied))}\n`
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + String(v).length, 0)
  if (size > TOTAL_ANNOTATION_SIZE) delete annotations[LAST_APPLIED]
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (!isObject(value)) return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  )
}
