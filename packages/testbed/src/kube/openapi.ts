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

const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf'

function varint(n: number): Buffer {
  const out: number[] = []
  let v = n
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80)
    v >>>= 7
  }
  out.push(v)
  return Buffer.from(out)
}

/** A length-delimited protobuf field (wire type 2): strings and embedded messages. */
function field(number: number, value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes])
}

/**
 * `/openapi/v2` with no definitions: what kubectl downloads (as gnostic's openapi_v2.Document
 * protobuf: swagger = 1, info = 2 with title = 1 and version = 2, paths = 8) when /openapi/v3
 * has no path for a kind. Knowing no schema, its client-side validation lets the object through
 * to the REST mapping, which then says `no matches for kind` as against a real server.
 */
export function openapiV2(accept: string): { contentType: string; body: Buffer } {
  const title = 'Kubernetes'
  const version = 'v1.32.0-testbed'
  if (accept.includes(V2_PROTOBUF)) {
    const body = Buffer.concat([
      field(1, '2.0'),
      field(2, Buffer.concat([field(1, title), field(2, version)])),
      field(8, Buffer.alloc(0)),
    ])
    // Answered as kube-openapi's handler types it: Go's mime parser refuses the `@` of the Accept form.
    return { contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', body }
  }
  const json = { swagger: '2.0', info: { title, version }, paths: {}, definitions: {} }
  return { contentType: 'application/json', body: Buffer.from(JSON.stringify(json)) }
}
