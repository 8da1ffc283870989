// The Go structs behind each served kind, as the field lists client-node generates from the
// API server's OpenAPI spec: every field's JSON name, its type (a primitive, a list, a map or
// another struct) and format (int32, int64, date-time). The typed decoder walks these.
import { createRequire } from 'node:module'
import type { ResourceDef } from './resources.ts'

export interface Field {
  /** The JSON name. */
  baseName: string
  /** client-node's rendering: string, number, boolean, Date, IntOrString, any, Array<T>, { [key: string]: T; }, V1Foo. */
  type: string
  format: string
}

interface ModelClass {
  getAttributeTypeMap(): Field[]
}

let models: Record<string, ModelClass> | undefined

/** The generated model classes, loaded once per process on first use (about 150 ms) through Node's own loader. */
function allModels(): Record<string, ModelClass> {
  models ??= createRequire(import.meta.url)('@kubernetes/client-node/dist/gen/models/ObjectSerializer.js') as Record<
    string,
    ModelClass
  >
  return models
}

/** The model of a kind: V1Deployment, V2HorizontalPodAutoscaler, CoreV1Event; undefined for kinds client-node lacks (CRDs). */
export function modelOf(r: Pick<ResourceDef, 'group' | 'version' | 'kind'>): string | undefined {
  const version = r.version.charAt(0).toUpperCase() + r.version.slice(1)
  const candidates = [`${version}${r.kind}`]
  if (r.group === '') candidates.unshift(`Core${version}${r.kind}`)
  return candidates.find((name) => typeof allModels()[name]?.getAttributeTypeMap === 'function')
}

export function fieldsOf(model: string): Field[] | undefined {
  return allModels()[model]?.getAttributeTypeMap()
}

/** The Go struct name a model stands for: V1ObjectMeta is ObjectMeta, CoreV1EventSeries is EventSeries. */
export function goStructName(model: string): string {
  return model
    .replace(/^[A-Z][a-z]*?V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])/, '')
    .replace(/^V\d+(?:(?:alpha|beta)\d+)?/, '')
}

/** The Go package a model lives in, as Go's type errors qualify it: v1.Container, v2.MetricSpec. */
export function goPackage(model: string): string {
  const m = /V(\d+(?:(?:alpha|beta)\d+)?)/.exec(model)
  return m ? `v${m[1]}` : 'v1'
}

/**
 * Fields of type resource.Quantity. The generated models render them as plain strings, so
 * they are listed here by struct and field (k8s.io/api core/v1 types.go).
 */
export const QUANTITY_FIELDS = new Set([
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1EmptyDirVolumeSource.sizeLimit',
  'V1NodeStatus.capacity',
  'V1NodeStatus.allocatable',
  'V1PodSpec.overhead',
  'V1ContainerStatus.allocatedResources',
  'V1PersistentVolumeSpec.capacity',
  'V1PersistentVolumeClaimStatus.capacity',
  'V1ResourceQuotaSpec.hard',
  'V1ResourceQuotaStatus.hard',
  'V1ResourceQuotaStatus.used',
  'V1LimitRangeItem.max',
  'V1LimitRangeItem.min',
  'V1LimitRangeItem.default',
  'V1LimitRangeItem.defaultRequest',
  'V1LimitRangeItem.maxLimitRequestRatio',
  'V2MetricTarget.averageValue',
  'V2MetricTarget.value',
  'V1ResourceFieldSelector.divisor',
])
