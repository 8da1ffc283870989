// Structural schemas as the API server applies them to custom resources: pruning of unknown
// fields, defaulting, OpenAPI validation and the CRD's `x-kubernetes-validations` rules (written
// here as functions instead of CEL). Follows apiextensions-apiserver: structural/pruning,
// structural/defaulting and kube-openapi's validate package, whose messages the causes repeat.
import type { StatusCause } from './status.ts'
import { clone, isObject, type KObj } from './types.ts'

/** An `x-kubernetes-validations` rule: `check(self)` false gives `message` at this node. */
export interface Rule {
  message: string
  /** Typed by each rule for the node it sits on (a list, an object, a string). */
  check: (self: never) => boolean
}

interface Common {
  default?: unknown
  rules?: Rule[]
}
export interface StringSchema extends Common {
  type: 'string'
  minLength?: number
  maxLength?: number
  pattern?: string
  enum?: string[]
}
export interface IntegerSchema extends Common {
  type: 'integer'
  minimum?: number
  maximum?: number
}
export interface BooleanSchema extends Common {
  type: 'boolean'
}
export interface ObjectSchema extends Common {
  type: 'object'
  properties?: Record<string, Schema>
  required?: string[]
  /** additionalProperties of one schema (a map such as labels). */
  values?: Schema
  /** x-kubernetes-preserve-unknown-fields: kept as sent, not pruned. */
  preserveUnknown?: boolean
}
export interface ArraySchema extends Common {
  type: 'array'
  items: Schema
  minItems?: number
  maxItems?: number
}
export type Schema = StringSchema | IntegerSchema | BooleanSchema | ObjectSchema | ArraySchema

/** Removes fields the schema does not declare; returns their paths (what fieldValidation=Strict reports). */
export function prune(value: unknown, schema: Schema, path: string, unknown: string[] = []): string[] {
  if (schema.type === 'object' && isObject(value)) {
    if (schema.preserveUnknown) return unknown
    for (const key of Object.keys(value)) {
      const sub = schema.properties?.[key] ?? schema.values
      if (!sub) {
        unknown.push(`${path}.${key}`)
        delete value[key]
      } else prune(value[key], sub, `${path}.${key}`, unknown)
    }
  } else if (schema.type === 'array' && Array.isArray(value)) {
    for (const [i, item] of value.entries()) prune(item, schema.items, `${path}[${i}]`, unknown)
  }
  return unknown
}

/** Fills absent fields that have a default, then walks into children (structural defaulting). */
export function applySchemaDefaults(value: unknown, schema: Schema): void {
  if (schema.type === 'object' && isObject(value)) {
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (value[key] === undefined && sub.default !== undefined) value[key] = clone(sub.default)
      if (value[key] !== undefined) applySchemaDefaults(value[key], sub)
    }
    if (schema.values) for (const v of Object.values(value)) applySchemaDefaults(v, schema.values)
  } else if (schema.type === 'array' && Array.isArray(value)) {
    for (const item of value) applySchemaDefaults(item, schema.items)
  }
}

/** Go's %v of a value in an "Invalid value" message. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value)
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

/** Schema validation, then the node's rules; returns the causes in the order the server lists them. */
export function validateSchema(
  value: unknown,
  schema: Schema,
  path: string,
  causes: StatusCause[] = [],
): StatusCause[] {
  const invalid = (detail: string, v: unknown = value) =>
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${shown(v)}: ${detail}`, field: path })
  const actual = typeName(value)
  const wanted = schema.type
  if (actual !== wanted && !(wanted === 'object' && actual === 'object' && !Array.isArray(value))) {
    causes.push({
      reason: 'FieldValueTypeInvalid',
      message: `Invalid value: ${JSON.stringify(actual)}: ${path} in body must be of type ${wanted}: ${JSON.stringify(actual)}`,
      field: path,
    })
    return causes
  }
  switch (schema.type) {
    case 'string': {
      const s = value as string
      if (schema.enum && !schema.enum.includes(s)) {
        causes.push({
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: ${JSON.stringify(s)}: supported values: ${schema.enum.map((x) => JSON.stringify(x)).join(', ')}`,
          field: path,
        })
      }
      if (schema.maxLength !== undefined && s.length > schema.maxLength) {
        causes.push({
          reason: 'FieldValueTooLong',
          message: `Too long: may not be more than ${schema.maxLength} bytes`,
          field: path,
        })
      }
      if (schema.minLength !== undefined && s.length < schema.minLength) {
        invalid(`${path} in body should be at least ${schema.minLength} chars long`)
      }
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(s)) {
        invalid(`${path} in body should match '${schema.pattern}'`)
      }
      break
    }
    case 'integer': {
      const n = value as number
      if (schema.maximum !== undefined && n > schema.maximum) {
        invalid(`${path} in body should be less than or equal to ${schema.maximum}`)
      }
      if (schema.minimum !== undefined && n < schema.minimum) {
        invalid(`${path} in body should be greater than or equal to ${schema.minimum}`)
      }
      break
    }
    case 'array': {
      const a = value as unknown[]
      if (schema.maxItems !== undefined && a.length > schema.maxItems) {
        causes.push({
          reason: 'FieldValueTooMany',
          message: `Too many: ${a.length}: must have at most ${schema.maxItems} items`,
          field: path,
        })
      }
      if (schema.minItems !== undefined && a.length < schema.minItems) {
        invalid(`${path} in body should have at least ${schema.minItems} items`)
      }
      for (const [i, item] of a.entries()) validateSchema(item, schema.items, `${path}[${i}]`, causes)
      break
    }
    case 'object': {
      const o = value as KObj
      for (const key of schema.required ?? []) {
        if (o[key] === undefined)
          causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.${key}` })
      }
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (o[key] !== undefined) validateSchema(o[key], sub, `${path}.${key}`, causes)
      }
      if (schema.values) {
        for (const [key, v] of Object.entries(o)) {
          if (!schema.properties?.[key]) validateSchema(v, schema.values, `${path}.${key}`, causes)
        }
      }
      break
    }
  }
  // CEL rules report the node's type, not its value: `Invalid value: "object": <message>`.
  for (const rule of schema.rules ?? []) {
    let ok = false
    try {
      ok = (rule.check as (self: unknown) => boolean)(value)
    } catch {
      ok = false
    }
    if (!ok)
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${actual}": ${rule.message}`, field: path })
  }
  return causes
}
