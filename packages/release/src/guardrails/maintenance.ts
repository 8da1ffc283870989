// Maintenance mode (the seeds' `kubectl apply -f maintenance-mode.yaml` … `kubectl delete`): every
// backend of an HTTPRoute or an Ingress is pointed at a maintenance Service, and switched back
// afterwards. The route's own spec before the switch is kept in an annotation on the route, so the
// switch back works from a later run too (a cancelled job, a re-run) and a second switch on is a
// no-op that never overwrites the saved spec.
import { ConfigurationError } from '@deploy-actions/kit'
import type { KubeObject, ObjectsApi } from '@deploy-actions/kube'

export const SAVED_SPEC = 'deploy-actions.io/maintenance-saved-spec'

export interface MaintenancePlan {
  kind: 'HTTPRoute' | 'Ingress'
  name: string
  namespace: string
  service: string
  port: number
}

const FORM =
  '{ route: <HTTPRoute name> | ingress: <Ingress name>, service: <maintenance Service>, port: <number>, namespace? }'

export function parseMaintenance(value: unknown, defaultNamespace = 'default'): MaintenancePlan | undefined {
  if (value === undefined || value === null) return undefined
  const o = value as Record<string, unknown>
  const text = JSON.stringify(value)
  const route = o.route ?? o['http-route']
  const name = route ?? o.ingress
  if (typeof value !== 'object' || typeof name !== 'string' || (route && o.ingress))
    throw new ConfigurationError('maintenance', FORM, text)
  if (typeof o.service !== 'string')
    throw new ConfigurationError('maintenance.service', 'the maintenance Service name', String(o.service))
  const port = Number(o.port ?? 80)
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigurationError('maintenance.port', 'a port number', String(o.port))
  return {
    kind: route ? 'HTTPRoute' : 'Ingress',
    name,
    namespace: typeof o.namespace === 'string' ? o.namespace : defaultNamespace,
    service: o.service,
    port,
  }
}

type Spec = Record<string, unknown>
type Rule = Record<string, unknown>

/** The spec with every backend replaced by the maintenance Service (pure). */
export function maintenanceSpec(kind: MaintenancePlan['kind'], spec: Spec, service: string, port: number): Spec {
  const rules = (spec.rules as Rule[] | undefined) ?? []
  if (kind === 'HTTPRoute')
    return { ...spec, rules: rules.map((r) => ({ ...r, backendRefs: [{ name: service, port, weight: 1 }] })) }
  const backend = { service: { name: service, port: { number: port } } }
  return {
    ...spec,
    ...(spec.defaultBackend ? { defaultBackend: backend } : {}),
    rules: rules.map((r) => {
      const http = r.http as { paths?: Rule[] } | undefined
      return http ? { ...r, http: { ...http, paths: (http.paths ?? []).map((p) => ({ ...p, backend })) } } : r
    }),
  }
}

const refOf = (m: MaintenancePlan) => ({
  apiVersion: m.kind === 'HTTPRoute' ? 'gateway.networking.k8s.io/v1' : 'networking.k8s.io/v1',
  kind: m.kind,
  name: m.name,
  namespace: m.namespace,
})

/** Switches on; returns false when it already was on (the saved spec is kept as it is). */
export async function maintenanceOn(objects: ObjectsApi, m: MaintenancePlan): Promise<boolean> {
  const route = await objects.get(refOf(m))
  const annotations = route.metadata?.annotations ?? {}
  if (annotations[SAVED_SPEC]) return false
  const spec = (route as KubeObject & { spec: Spec }).spec
  await objects.replace({
    ...route,
    metadata: { ...route.metadata, annotations: { ...annotations, [SAVED_SPEC]: JSON.stringify(spec) } },
    spec: maintenanceSpec(m.kind, spec, m.service, m.port),
  } as KubeObject)
  return true
}

/** Switches back to the saved spec; returns false when it was not on. */
export async function maintenanceOff(objects: ObjectsApi, m: MaintenancePlan): Promise<boolean> {
  const route = await objects.get(refOf(m))
  const { [SAVED_SPEC]: saved, ...annotations } = route.metadata?.annotations ?? {}
  if (!saved) return false
  await objects.replace({
    ...route,
    metadata: { ...route.metadata, annotations },
    spec: JSON.parse(saved) as Spec,
  } as KubeObject)
  return true
}
