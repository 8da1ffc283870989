// The three patch types the API server accepts: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902) and strategic merge patch with the merge keys of the built-in types.
import { badRequest, invalid } from './status.ts'
import { clone, deepEqual, isObject, type KObj } from './types.ts'

export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch)
  const result: KObj = isObject(target) ? clone(target) : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else result[key] = jsonMergePatch(result[key], value)
  }
  return result
}

function decodePointer(path: string): string[] {
  if (path === '') return []
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer "${path}"`)
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function parentOf(doc: unknown, parts: string[], path: string): { parent: KObj | unknown[]; key: string } {
  let cur: unknown = doc
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(part)]
    else if (isObject(cur)) cur = cur[part]
    else cur = undefined
    if (cur === undefined)
      throw badRequest(
        `the server rejected our request due to an error in our request: doc is missing path: "${path}": missing value`,
      )
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw badRequest(`doc is missing path: "${path}"`)
  return { parent: cur, key: parts[parts.length - 1]! }
}

function getAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc
  for (const part of decodePointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(part)]
    else if (isObject(cur)) cur = cur[part]
    else return undefined
  }
  return cur
}

function arrayIndex(arr: unknown[], key: string, forAdd: boolean, path: string): number {
  if (forAdd && key === '-') return arr.length
  const n = Number(key)
  if (!/^\d+$/.test(key) || n > arr.length || (!forAdd && n >= arr.length)) {
    throw badRequest(`unable to access invalid index: ${key} in path "${path}"`)
  }
  return n
}

function addAt(doc: unknown, path: string, value: unknown): unknown {
  const parts = decodePointer(path)
  if (parts.length === 0) return clone(value)
  const { parent, key } = parentOf(doc, parts, path)
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, path), 0, clone(value))
  else parent[key] = clone(value)
  return doc
}

function removeAt(doc: unknown, path: string): unknown {
  const parts = decodePointer(path)
  const { parent, key } = parentOf(doc, parts, path)
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, path), 1)
  else {
    if (!(key in parent))
      throw badRequest(
        `the server rejected our request due to an error in our request: unable to remove nonexistent key: ${key}: missing value`,
      )
    delete parent[key]
  }
  return doc
}

export interface JsonPatchOp {
  op: string
  path: string
  from?: string
  value?: unknown
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json patch must be a JSON array of operations')
  let doc = clone(target)
  for (const raw of ops as JsonPatchOp[]) {
    const { op, path } = raw
    switch (op) {
      case 'add':
        doc = addAt(doc, path, raw.value)
        break
      case 'remove':
        doc = removeAt(doc, path)
        break
      case 'replace': {
        const parts = decodePointer(path)
        if (parts.length === 0) {
          doc = clone(raw.value)
          break
        }
        const { parent, key } = parentOf(doc, parts, path)
        if (Array.isArray(parent)) parent[arrayIndex(parent, key, false, path)] = clone(raw.value)
        else {
          if (!(key in parent))
            throw badRequest(
              `the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: ${path}: missing value`,
            )
          parent[key] = clone(raw.value)
        }
        break
      }
      case 'move': {
        const value = getAt(doc, raw.from ?? '')
        if (value === undefined)
          throw badRequest(`move operation does not apply: doc is missing from path: ${raw.from}`)
        doc = removeAt(doc, raw.from ?? '')
        doc = addAt(doc, path, value)
        break
      }
      case 'copy': {
        const value = getAt(doc, raw.from ?? '')
        if (value === undefined)
          throw badRequest(`copy operation does not apply: doc is missing from path: ${raw.from}`)
        doc = addAt(doc, path, value)
        break
      }
      case 'test':
        if (!deepEqual(getAt(doc, path), raw.value))
          throw invalid('Patch', '', path, [
            { reason: 'FieldValueInvalid', message: `testing value ${path} failed`, field: path },
          ])
        break
      default:
        throw badRequest(`Unexpected kind: ${op}`)
    }
  }
  return doc
}

/**
 * Merge keys of lists in the built-in types (the `patchMergeKey` struct tags). Lists not named
 * here are replaced whole, as for fields without `patchStrategy:"merge"`.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  volumes: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  containerStatuses: 'name',
}

/** Primitive lists merged as sets (`patchStrategy:"merge"` on []string). */
const MERGE_PRIMITIVE_LISTS = new Set(['finalizers'])

/** `ports` is keyed by containerPort in a container and by port in a Service. */
function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (field === 'ports') {
    return items.some((i) => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port'
  }
  return MERGE_KEYS[field]
}

export function strategicMergePatch(original: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw badRequest('strategic merge patch must be a JSON object')
  return mergeMap(isObject(original) ? original : {}, patch)
}

function mergeMap(original: KObj, patch: KObj): KObj | undefined {
  const directive = patch.$patch
  if (directive === 'replace') {
    const { $patch: _, ...rest } = patch
    return stripDirectives(rest) as KObj
  }
  if (directive === 'delete') return undefined
  const result = clone(original)
  const orders: Record<string, unknown[]> = {}
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue
    if (key.startsWith('$setElementOrder/')) {
      orders[key.slice('$setElementOrder/'.length)] = value as unknown[]
      continue
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length)
      if (Array.isArray(result[field])) {
        result[field] = result[field].filter((x: unknown) => !(value as unknown[]).includes(x))
      }
      continue
    }
    if (value === null) {
      delete result[key]
      continue
    }
    const current = result[key]
    if (isObject(value)) {
      const merged = mergeMap(isObject(current) ? current : {}, value)
      if (merged === undefined) delete result[key]
      else result[key] = merged
    } else if (Array.isArray(value)) {
      result[key] = mergeList(key, Array.isArray(current) ? current : [], value)
    } else {
      result[key] = value
    }
  }
  for (const [field, order] of Object.entries(orders)) {
    if (Array.isArray(result[field])) result[field] = applyOrder(field, result[field], order)
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[])
    for (const key of Object.keys(result)) if (!keep.has(key)) delete result[key]
  }
  return result
}

function mergeList(field: string, original: unknown[], patch: unknown[]): unknown[] {
  if (MERGE_PRIMITIVE_LISTS.has(field)) {
    const out = [...original]
    for (const v of patch) if (!out.includes(v)) out.push(v)
    return out
  }
  const mergeKey = mergeKeyFor(field, [...patch, ...original])
  if (!mergeKey || !patch.every(isObject)) return stripDirectives(patch) as unknown[]
  if (patch.some((p) => (p as KObj).$patch === 'replace')) {
    return stripDirectives(patch.filter((p) => (p as KObj).$patch !== 'replace')) as unknown[]
  }
  const out = original.map((o) => clone(o))
  for (const item of patch as KObj[]) {
    const keyValue = item[mergeKey]
    const index = out.findIndex((o) => isObject(o) && o[mergeKey] === keyValue)
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1)
      continue
    }
    if (index >= 0) {
      const merged = mergeMap(out[index] as KObj, item)
      if (merged === undefined) out.splice(index, 1)
      else out[index] = merged
    } else {
      out.push(stripDirectives(item))
    }
  }
  return out
}

/** `$setElementOrder/<field>`: the patch's order of merge keys wins; unlisted items keep their place after. */
function applyOrder(field: string, items: unknown[], order: unknown[]): unknown[] {
  const mergeKey = mergeKeyFor(field, [...order, ...items])
  const keyOf = (v: unknown) => (mergeKey && isObject(v) ? v[mergeKey] : v)
  const wanted = order.map(keyOf)
  const listed = wanted.flatMap((k) => items.filter((i) => deepEqual(keyOf(i), k)))
  const rest = items.filter((i) => !wanted.some((k) => deepEqual(keyOf(i), k)))
  return [...listed, ...rest]
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives)
  if (!isObject(value)) return value
  const out: KObj = {}
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue
    if (v === null) continue
    out[k] = stripDirectives(v)
  }
  return out
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply'

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (ct === 'application/json-patch+json') return 'json'
  if (ct === 'application/merge-patch+json') return 'merge'
  if (ct === 'application/strategic-merge-patch+json') return 'strategic'
  if (ct === 'application/apply-patch+yaml' || ct === 'application/apply-patch+json') return 'apply'
  return undefined
}

export function applyPatch(type: PatchType, original: KObj, patch: unknown): KObj {
  let out: unknown
  if (type === 'json') out = jsonPatch(original, patch)
  else if (type === 'merge' || type === 'apply') out = jsonMergePatch(original, patch)
  else out = strategicMergePatch(original, patch)
  if (!isObject(out)) throw badRequest('patch result is not an object')
  return out
}
