// A minimal OpenAPI v3 document set: enough for kubectl to see that every PATCH takes the
// fieldValidation parameter, so it validates on the server side instead of downloading
// schemas (apply --validate=strict, the default). Schemas themselves are not served.
import { apiVersionOf, groupVersions, RESOURCES } from './resources.ts'
import type { KObj } from './types.ts'

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`
}

export function openapiV3(path: string): KObj | undefined {
  if (path === '/openapi/v3') {
    const paths: KObj = {}
    for (const { group, version } of groupVersions()) {
      paths[gvPath(group, version)] = {
        serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=0000000000000000000000000000000000000000000000000000000000000000`,
      }
    }
    return { paths }
  }
  const gv = groupVersions().find((g) => path === `/openapi/v3/${gvPath(g.group, g.version)}`)
  if (!gv) return undefined
  const paths: KObj = {}
  const param = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } })
  for (const r of RESOURCES.filter((x) => x.group === gv.group && x.version === gv.version)) {
    const gvk = { group: r.group, version: r.version, kind: r.kind }
    const base = `/${gvPath(r.group, r.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`
    const op = (action: string) => ({
      operationId: `${action}${r.kind}`,
      parameters:
        action === 'patch' || action === 'create' || action === 'replace'
          ? [param('dryRun'), param('fieldManager'), param('fieldValidation')]
          : [],
      'x-kubernetes-action': action === 'replace' ? 'put' : action === 'create' ? 'post' : action,
      'x-kubernetes-group-version-kind': gvk,
    })
    paths[base] = { get: op('list'), post: op('create') }
    paths[`${base}/{name}`] = { get: op('get'), put: op('replace'), patch: op('patch'), delete: op('delete') }
    void apiVersionOf
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0-testbed' },
    paths,
    components: { schemas: {} },
  }
}
