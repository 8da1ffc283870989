// networking.k8s.io/v1 Ingress shapes and path helpers the alb and nginx routers share.
import type { KubeObject, ObjectRef } from '../objects.ts'

export interface IngressBackend {
  service?: { name: string; port?: { number?: number; name?: string } }
  [field: string]: unknown
}
export interface IngressPath {
  path?: string
  pathType?: string
  backend: IngressBackend
}
export interface IngressRule {
  host?: string
  http?: { paths: IngressPath[] }
}
export interface Ingress extends KubeObject {
  spec?: { ingressClassName?: string; rules?: IngressRule[]; [field: string]: unknown }
}

export const ingressRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  name,
  namespace,
})

/** Every path of every rule, with where it is. */
export function* ingressPaths(ingress: Ingress): Generator<{ rule: number; index: number; path: IngressPath }> {
  for (const [rule, r] of (ingress.spec?.rules ?? []).entries()) {
    for (const [index, path] of (r.http?.paths ?? []).entries()) yield { rule, index, path }
  }
}

export const backendService = (path: IngressPath): string | undefined => path.backend.service?.name

/** `80` or `http`: a backend port as written. */
export function portOf(path: IngressPath): number | string | undefined {
  const port = path.backend.service?.port
  return port?.number ?? port?.name
}

export const portField = (port: number | string | undefined) =>
  port === undefined ? undefined : typeof port === 'number' ? { number: port } : { name: port }
