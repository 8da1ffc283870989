// Typed decoding of request bodies, as the API server decodes JSON into its Go structs:
// a value of the wrong type fails the request, unknown fields are refused, warned about or
// dropped by the `fieldValidation` directive, and quantities must parse. What is stored is
// what the struct could hold, so an unknown field never comes back on a read.
//
// Upstream: apiserver endpoints/handlers create.go and update.go (decode, then
// transformDecodeError: 400 "<Kind> in version "v1" cannot be handled as a <Kind>: ..."),
// patch.go applyPatchToObject (422 "patch: Invalid value: ..."), sigs.k8s.io/json strict
// decoding (`strict decoding error: unknown field "spec.replica"`), encoding/json
// UnmarshalTypeError (`json: cannot unmarshal number into Go struct field
// ObjectMeta.metadata.annotations of type string`), runtime.DefaultUnstructuredConverter
// (`unrecognized type: int32`) and apimachinery resource.ParseQuantity.
import { isGatewayKind, pruneGatewayObject } from './gateway-api.ts'
import type { ResourceDef } from './resources.ts'
import { type Field, fieldsOf, goPackage, goStructName, modelOf, QUANTITY_FIELDS } from './schema.ts'
import { ApiError, badRequest } from './status.ts'
import { isObject, type KObj } from './types.ts'

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore'

/** The `fieldValidation` query parameter; absent means Warn, as on every server since 1.27. */
export function fieldValidationOf(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation')
  if (v === null || v === '') return 'Warn'
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", but is: ${JSON.stringify(v)}`)
}

const QUANTITY_SYNTAX = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/
const QUANTITY_SUFFIX = /^(|[numkMGTPE]|[KMGTPE]i|[eE][-+]?[0-9]+)$/
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

/** resource.ParseQuantity's verdict on a quantity: undefined when it parses, else its error text. */
export function quantityError(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : QUANTITY_FORMAT_ERROR
  if (typeof value !== 'string') return `json: cannot unmarshal ${jsonKind(value)} into Go value of type string`
  const m = QUANTITY_SYNTAX.exec(value.trim())
  if (!m) return QUANTITY_FORMAT_ERROR
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(m[1]!)) return QUANTITY_FORMAT_ERROR
  if (!QUANTITY_SUFFIX.test(m[2]!)) return "unable to parse quantity's suffix"
  return undefined
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'object') return 'object'
  return typeof value // number, string
}

/** How Go names a field's type in an UnmarshalTypeError. */
function goType(type: string, format: string): string {
  if (type === 'string') return 'string'
  if (type === 'boolean') return 'bool'
  if (type === 'number') return format === 'int32' ? 'int32' : format === 'double' ? 'float64' : 'int64'
  if (type === 'Date') return 'v1.Time'
  if (type === 'IntOrString') return 'intstr.IntOrString'
  const list = /^Array<(.+)>$/.exec(type)
  if (list) return `[]${goType(list[1]!, '')}`
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type)
  if (map) return `map[string]${goType(map[1]!, '')}`
  return `${goPackage(type)}.${goStructName(type)}`
}

interface Walk {
  /** `strict` path with indexes (spec.containers[0].x) for unknown fields. */
  unknown: string[]
  /** The first type error, Go-worded for the mode of decoding. */
  error?: string
  patch: boolean
}

/** The first decoding error wins, as encoding/json keeps its first UnmarshalTypeError. */
function fail(w: Walk, message: string): undefined {
  w.error ??= message
  return undefined
}

/** Type error text: json's for bodies, the unstructured converter's for patched objects. */
function typeError(w: Walk, value: unknown, type: string, format: string, struct: string, goPath: string): undefined {
  if (w.patch) {
    const target = goType(type, format)
    if (target.startsWith('map[')) return fail(w, `cannot restore map from ${goKind(value)}`)
    if (target.startsWith('[]')) return fail(w, `cannot restore slice from ${goKind(value)}`)
    if (/^v\d/.test(target) && target !== 'v1.Time') return fail(w, `cannot restore struct from: ${goKind(value)}`)
    if (typeof value === 'number' && /int/.test(target)) return fail(w, `cannot convert float64 to ${target}`)
    return fail(w, `unrecognized type: ${target.replace(/^.*\./, '').toLowerCase()}`)
  }
  const number = typeof value === 'number' && type === 'number' ? ` ${value}` : ''
  return fail(
    w,
    `json: cannot unmarshal ${jsonKind(value)}${number} into Go struct field ${struct}.${goPath} of type ${goType(type, format)}`,
  )
}

function goKind(value: unknown): string {
  if (Array.isArray(value)) return 'slice'
  if (typeof value === 'object') return 'map'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64'
  return typeof value === 'boolean' ? 'bool' : 'string'
}

/** One value against its declared type; returns what the Go field would hold (unknown members dropped). */
function decodeValue(
  w: Walk,
  value: unknown,
  type: string,
  format: string,
  struct: string,
  goPath: string,
  strictPath: string,
  quantity: boolean,
): unknown {
  if (value === null || value === undefined) return value
  if (quantity && type === 'string') {
    const e = quantityError(value)
    return e ? fail(w, e) : value
  }
  switch (type) {
    case 'any':
    case 'object':
      return value
    case 'string':
      return typeof value === 'string' ? value : typeError(w, value, type, format, struct, goPath)
    case 'boolean':
      return typeof value === 'boolean' ? value : typeError(w, value, type, format, struct, goPath)
    case 'number':
      if (typeof value !== 'number') return typeError(w, value, type, format, struct, goPath)
      if (format !== 'double' && !Number.isInteger(value)) return typeError(w, value, type, format, struct, goPath)
      return value
    case 'Date':
      if (typeof value !== 'string')
        return fail(w, `json: cannot unmarshal ${jsonKind(value)} into Go value of type string`)
      if (Number.isNaN(Date.parse(value)) || !/^\d{4}-\d\d-\d\dT/.test(value)) {
        return fail(
          w,
          `parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`,
        )
      }
      return value
    case 'IntOrString':
      if (typeof value === 'string') return value
      if (typeof value === 'number' && Number.isInteger(value)) return value
      return fail(
        w,
        w.patch
          ? `json: cannot unmarshal ${jsonKind(value)} into Go value of type int32`
          : `json: cannot unmarshal ${jsonKind(value)}${typeof value === 'number' ? ` ${value}` : ''} into Go value of type int32`,
      )
  }
  const list = /^Array<(.+)>$/.exec(type)
  if (list) {
    if (!Array.isArray(value)) return typeError(w, value, type, format, struct, goPath)
    return value.map((v, i) => decodeValue(w, v, list[1]!, '', struct, goPath, `${strictPath}[${i}]`, quantity))
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type)
  if (map) {
    if (!isObject(value)) return typeError(w, value, type, format, struct, goPath)
    const out: KObj = {}
    for (const [k, v] of Object.entries(value)) {
      out[k] = decodeValue(w, v, map[1]!, '', struct, goPath, `${strictPath}.${k}`, quantity)
    }
    return out
  }
  if (!isObject(value)) return typeError(w, value, type, format, struct, goPath)
  return decodeStruct(w, value, type, goPath, strictPath)
}

function decodeStruct(w: Walk, value: KObj, model: string, goPath: string, strictPath: string): KObj {
  const fields = fieldsOf(model)
  if (!fields) return value
  const byName = new Map<string, Field>(fields.map((f) => [f.baseName, f]))
  const struct = goStructName(model)
  const out: KObj = {}
  for (const [k, v] of Object.entries(value)) {
    const f = byName.get(k)
    const here = strictPath ? `${strictPath}.${k}` : k
    if (!f) {
      w.unknown.push(here)
      continue
    }
    const goHere = goPath ? `${goPath}.${k}` : k
    const quantity = QUANTITY_FIELDS.has(`${model}.${k}`)
    out[k] = decodeValue(w, v, f.type, f.format, struct, goHere, here, quantity)
  }
  return out
}

/** `%+v` of a decoded JSON map, as Go prints the patch in a 422 from a patch: map[spec:map[replicas:3]]. */
export function goFormat(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`
  if (isObject(value)) {
    const keys = Object.keys(value).sort()
    return `map[${keys.map((k) => `${k}:${goFormat(value[k])}`).join(' ')}]`
  }
  if (value === null || value === undefined) return '<nil>'
  return String(value)
}

export interface DecodeResult {
  obj: KObj
  /** Warning texts (`unknown field "spec.replica"`) for the Warning header under fieldValidation=Warn. */
  warnings: string[]
}

/**
 * Decodes a create/update body (`patch` undefined) or an object a patch produced (`patch`
 * holds the patch as sent) into the kind's struct. Kinds with no model (CRDs) pass as they are.
 */
export function decodeTyped(
  r: Pick<ResourceDef, 'group' | 'version' | 'kind'>,
  input: KObj,
  mode: FieldValidation,
  patch?: { body: unknown; strategic: boolean },
): DecodeResult {
  const model = modelOf(r)
  // A custom resource decodes as unstructured JSON; what its structural schema prunes is what is unknown.
  const custom = !model && isObject(input) && isGatewayKind(r.group, r.kind)
  if (!custom && (!model || !isObject(input))) return { obj: input, warnings: [] }
  const w: Walk = { unknown: [], patch: patch !== undefined }
  let obj: KObj
  if (custom) {
    obj = structuredClone(input)
    w.unknown.push(...pruneGatewayObject(r.kind, obj))
  } else {
    const { apiVersion, kind, ...rest } = input
    obj = decodeStruct(w, rest, model!, '', '')
    if (apiVersion !== undefined) obj.apiVersion = apiVersion
    if (kind !== undefined) obj.kind = kind
  }
  const strict = w.unknown.length
    ? `strict decoding error: ${w.unknown.map((u) => `unknown field ${JSON.stringify(u)}`).join(', ')}`
    : undefined
  if (patch) {
    const shown = patch.strategic ? goFormat(patch.body) : JSON.stringify(input)
    const why = w.error ?? (mode === 'Strict' ? strict : undefined)
    if (why) {
      throw new ApiError(422, 'Invalid', ` "" is invalid: patch: Invalid value: ${JSON.stringify(shown)}: ${why}`, {
        causes: [
          { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(shown)}: ${why}`, field: 'patch' },
        ],
      })
    }
  } else {
    const why = w.error ?? (mode === 'Strict' ? strict : undefined)
    if (why)
      throw badRequest(`${r.kind} in version ${JSON.stringify(r.version)} cannot be handled as a ${r.kind}: ${why}`)
  }
  const warnings = mode === 'Warn' ? w.unknown.map((u) => `unknown field ${JSON.stringify(u)}`) : []
  return { obj, warnings }
}

/** A list item as structured-merge-diff names it: by its name key when it has one, else by index. */
function smdItem(item: unknown, i: number): string {
  return isObject(item) && typeof item.name === 'string' ? `[name=${JSON.stringify(item.name)}]` : `[${i}]`
}

function smdKind(value: unknown): string {
  if (Array.isArray(value)) return 'list'
  if (isObject(value)) return 'map'
  if (typeof value === 'number') return 'numeric (int or float)'
  return typeof value === 'boolean' ? 'boolean' : 'string'
}

/** The first schema violation of an applied configuration, worded as structured-merge-diff's typed conversion. */
function smdViolation(value: unknown, type: string, path: string): string | undefined {
  if (value === null || value === undefined || type === 'any' || type === 'object') return undefined
  const expect = (want: string, ok: boolean) => (ok ? undefined : `${path}: expected ${want}, got ${smdKind(value)}`)
  switch (type) {
    case 'string':
    case 'Date':
      return expect('string', typeof value === 'string')
    case 'boolean':
      return expect('boolean', typeof value === 'boolean')
    case 'number':
      return expect('numeric (int or float)', typeof value === 'number')
    case 'IntOrString':
      return expect('string or numeric', typeof value === 'string' || typeof value === 'number')
  }
  const list = /^Array<(.+)>$/.exec(type)
  if (list) {
    if (!Array.isArray(value)) return `${path}: expected list, got ${smdKind(value)}`
    for (const [i, v] of value.entries()) {
      const why = smdViolation(v, list[1]!, `${path}${smdItem(v, i)}`)
      if (why) return why
    }
    return undefined
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type)
  if (map) {
    if (!isObject(value)) return `${path}: expected map, got ${smdKind(value)}`
    for (const [k, v] of Object.entries(value)) {
      const why = smdViolation(v, map[1]!, `${path}.${k}`)
      if (why) return why
    }
    return undefined
  }
  if (!isObject(value)) return `${path}: expected map, got ${smdKind(value)}`
  const fields = new Map((fieldsOf(type) ?? []).map((f) => [f.baseName, f]))
  for (const [k, v] of Object.entries(value)) {
    const f = fields.get(k)
    if (!f) return `${path}.${k}: field not declared in schema`
    const why = smdViolation(v, f.type, `${path}.${k}`)
    if (why) return why
  }
  return undefined
}

/**
 * Server-side apply converts the applied configuration to a typed value before merging
 * (managedfields structuredmerge.go Apply): an undeclared field or a value of the wrong type
 * fails there, whatever fieldValidation says, as a plain error the API server turns into a 500
 * without a reason (kubernetes/kubernetes#122480, #139253).
 */
export function applyConfigurationError(
  r: Pick<ResourceDef, 'group' | 'version' | 'kind'>,
  applied: KObj,
  namespace: string | undefined,
  name: string,
): ApiError | undefined {
  const model = modelOf(r)
  if (!model || !isObject(applied)) return undefined
  const { apiVersion: _a, kind: _k, ...rest } = applied
  const why = smdViolation(rest, model, '')
  if (!why) return undefined
  const gv = r.group ? `${r.group}/${r.version}` : `/${r.version}`
  const nn = namespace ? `${namespace}/${name}` : `/${name}`
  const e = new ApiError(500, '', `failed to create typed patch object (${nn}; ${gv}, Kind=${r.kind}): ${why}`)
  return e
}
