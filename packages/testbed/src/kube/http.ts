// HTTP routing as the API server lays it out: /api/v1/..., /apis/<group>/<version>/...,
// namespaced and cluster paths, subresources, list/get/watch/create/update/patch/delete.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { parse as parseYaml } from 'yaml'
import type { Api, DeleteOptions } from './api.ts'
import { applyConfigurationError, decodeTyped, type FieldValidation, fieldValidationOf } from './decode.ts'
import { accessReview, discovery } from './discovery.ts'
import type { ManagerOptions } from './managed-fields.ts'
import { openapiV2, openapiV3 } from './openapi.ts'
import { type PatchType, patchTypeOf } from './patch.ts'
import { evict, notSupported, podLog } from './pod-subresources.ts'
import { decodeProtobuf, isProtobuf } from './protobuf.ts'
import { apiVersionOf, findResource, RESOURCES, type ResourceDef } from './resources.ts'
import { checkFieldLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts'
import { ApiError, badRequest, methodNotAllowed, pathNotFound, unsupportedMediaType } from './status.ts'
import type { ListFilter } from './store.ts'
import { toTable, wantsTable } from './table.ts'
import { isObject, type KObj } from './types.ts'
import { serveWatch, type WatchRegistry } from './watch.ts'

const SCALE = { group: 'autoscaling', version: 'v1', kind: 'Scale' }
const KNOWN_SUBRESOURCES = ['exec', 'attach', 'proxy', 'binding', 'ephemeralcontainers', 'resize', 'token', 'approval']

export interface Route {
  resource: ResourceDef
  namespace?: string
  name?: string
  subresource?: string
  watchPath: boolean
}

/** Maps a URL path onto a resource, or undefined when it names none. */
export function route(path: string): Route | undefined {
  const segs = path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent)
  let group: string
  let version: string
  let rest: string[]
  if (segs[0] === 'api' && segs.length >= 3) {
    group = ''
    version = segs[1]!
    rest = segs.slice(2)
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1]!
    version = segs[2]!
    rest = segs.slice(3)
  } else return undefined
  let watchPath = false
  if (rest[0] === 'watch') {
    watchPath = true
    rest = rest.slice(1)
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const resource = findResource(group, version, rest[2]!)
    if (resource?.namespaced) {
      if (rest.length > 5) return undefined
      return { resource, namespace: rest[1], name: rest[3], subresource: rest[4], watchPath }
    }
    if (rest.length > 3 || !['status', 'finalize'].includes(rest[2]!)) return undefined
  }
  const resource = findResource(group, version, rest[0] ?? '')
  if (!resource || rest.length > 3) return undefined
  return { resource, name: rest[1], subresource: rest[2], watchPath }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw badRequest(`the body of the request was in an unknown format: ${(e as Error).message}`)
  }
}

export function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  })
  res.end(text)
}

function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof ApiError) {
    send(res, error.code, error.toStatus())
    return
  }
  const e = new ApiError(500, 'InternalError', `Internal error occurred: ${(error as Error)?.stack ?? String(error)}`)
  send(res, 500, e.toStatus())
}

function listKind(r: ResourceDef): string {
  return `${r.kind}List`
}

function filterOf(r: ResourceDef, q: URLSearchParams, namespace: string | undefined): ListFilter {
  const filter: ListFilter = {}
  if (namespace) filter.namespace = namespace
  const labels = parseLabelSelector(q.get('labelSelector'))
  if (labels.length) filter.labels = labels
  const fields = checkFieldLabels(r.kind, parseFieldSelector(q.get('fieldSelector')))
  if (fields.length) filter.fields = fields
  return filter
}

function stripTypeMeta(obj: KObj): KObj {
  const { kind: _k, apiVersion: _a, ...rest } = obj
  return rest
}

/** limit/continue paging over a list sorted by namespace/name. */
function page(items: KObj[], q: URLSearchParams, rv: number): { items: KObj[]; metadata: KObj } {
  const metadata: KObj = { resourceVersion: String(rv) }
  let start = 0
  const token = q.get('continue')
  if (token) {
    try {
      const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8'))
      start = items.findIndex((i) => `${i.metadata.namespace ?? ''}/${i.metadata.name}` > decoded.start)
      if (start < 0) start = items.length
    } catch {
      throw badRequest('continue key is not valid')
    }
  }
  const limit = Number(q.get('limit') ?? 0)
  let slice = items.slice(start)
  if (limit > 0 && slice.length > limit) {
    slice = slice.slice(0, limit)
    const last = slice[slice.length - 1]!
    metadata.continue = Buffer.from(
      JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` }),
    ).toString('base64')
    metadata.remainingItemCount = items.length - start - limit
  }
  return { items: slice, metadata }
}

function deleteOptions(q: URLSearchParams, body: KObj | undefined): DeleteOptions {
  const options: DeleteOptions = {}
  const policy = q.get('propagationPolicy') ?? body?.propagationPolicy
  if (policy) {
    if (!['Orphan', 'Background', 'Foreground'].includes(policy))
      throw badRequest(`invalid propagationPolicy ${policy}`)
    options.propagationPolicy = policy
  } else if (body?.orphanDependents === true || q.get('orphanDependents') === 'true')
    options.propagationPolicy = 'Orphan'
  const grace = q.get('gracePeriodSeconds') ?? body?.gracePeriodSeconds
  if (grace !== undefined && grace !== null) options.gracePeriodSeconds = Number(grace)
  if (body?.preconditions) options.preconditions = body.preconditions
  if (isDryRun(q) || (Array.isArray(body?.dryRun) && body.dryRun.includes('All'))) options.dryRun = true
  return options
}

function isDryRun(q: URLSearchParams): boolean {
  return q.getAll('dryRun').includes('All')
}

export interface HttpContext {
  api: Api
  watches: WatchRegistry
  serverAddress: () => string
}

export async function handle(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator')
  const path = url.pathname.replace(/\/+$/, '') || '/'
  const q = url.searchParams
  const method = req.method ?? 'GET'
  try {
    if (['/healthz', '/livez', '/readyz'].includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('ok')
      return
    }
    if (method === 'GET' && path === '/openapi/v2') {
      const v2 = openapiV2(String(req.headers.accept ?? ''))
      res.writeHead(200, { 'Content-Type': v2.contentType, 'Content-Length': v2.body.length })
      res.end(v2.body)
      return
    }
    const doc = method === 'GET' ? (discovery(path, ctx.serverAddress()) ?? openapiV3(path)) : undefined
    if (doc) {
      send(res, 200, doc)
      return
    }
    const review = method === 'POST' ? accessReview(path) : undefined
    if (review) {
      await readBody(req)
      send(res, 201, review)
      return
    }
    const rt = route(path)
    if (!rt) throw pathNotFound()
    await serveResource(ctx, rt, req, res, q, method)
  } catch (error) {
    if (!res.headersSent) sendError(res, error)
    else res.end()
  }
}

async function serveResource(
  ctx: HttpContext,
  rt: Route,
  req: IncomingMessage,
  res: ServerResponse,
  q: URLSearchParams,
  method: string,
): Promise<void> {
  const { api } = ctx
  const r = rt.resource
  const ns = r.namespaced ? rt.namespace : undefined
  const dryRun = isDryRun(q)
  const accept = req.headers.accept ?? ''
  const body = method === 'GET' ? Buffer.alloc(0) : await readBody(req)
  const contentType = String(req.headers['content-type'] ?? 'application/json')
  // kubectl's typed clients (create namespace/secret/deployment/job/...) send protobuf; decode it to JSON.
  const bodyText = body.length && isProtobuf(contentType) ? JSON.stringify(decodeProtobuf(body)) : body.toString('utf8')
  if (body.length && /cbor/.test(contentType)) throw unsupportedMediaType(contentType)
  const validation: FieldValidation = method === 'GET' ? 'Ignore' : fieldValidationOf(q)
  const warnings: string[] = []
  // The body as the kind's Go struct would hold it (typed decoding, unknown fields by fieldValidation).
  const typed = (text: string, as: Pick<ResourceDef, 'group' | 'version' | 'kind'> = r): KObj => {
    const decoded = decodeTyped(as, parseJson(text) as KObj, validation)
    warnings.push(...decoded.warnings)
    return decoded.obj
  }
  checkWriteOptions(q, method)
  const manager = managerOf(q, req)
  const patchOptions = { dryRun, fieldValidation: validation, warnings, manager }
  const reply = (code: number, out: unknown) => {
    for (const w of warnings) res.appendHeader('Warning', `299 - ${JSON.stringify(w)}`)
    send(res, code, out)
  }

  if (rt.subresource) {
    if (!rt.name) throw pathNotFound()
    const sub = rt.subresource
    if (sub === 'scale' && r.subresources.includes('scale')) {
      if (method === 'GET') return send(res, 200, api.getScale(r, ns!, rt.name))
      const scaleManager = { ...manager, subresource: 'scale' }
      if (method === 'PUT')
        return reply(200, api.updateScale(r, ns!, rt.name, typed(bodyText, SCALE), { dryRun, manager: scaleManager }))
      if (method === 'PATCH') {
        const type = patchTypeOf(contentType)
        if (!type || type === 'apply') throw unsupportedMediaType(contentType)
        checkPatchOptions(q, type)
        return reply(
          200,
          api.patchScale(r, ns!, rt.name, type, parseJson(bodyText), { ...patchOptions, manager: scaleManager }),
        )
      }
      throw methodNotAllowed()
    }
    if (sub === 'status' && r.subresources.includes('status')) {
      if (method === 'GET') return send(res, 200, api.get(r, ns, rt.name))
      const statusManager = { ...manager, subresource: 'status' }
      if (method === 'PUT')
        return reply(
          200,
          api.update(r, ns, rt.name, typed(bodyText), { dryRun, statusOnly: true, manager: statusManager }),
        )
      if (method === 'PATCH') {
        const type = patchTypeOf(contentType)
        if (!type) throw unsupportedMediaType(contentType)
        if (type === 'apply') return serveApply(api, r, ns, rt.name, bodyText, q, res, true)
        checkPatchOptions(q, type)
        return reply(
          200,
          api.patch(r, ns, rt.name, type, parseJson(bodyText), {
            ...patchOptions,
            statusOnly: true,
            manager: statusManager,
          }),
        )
      }
      throw methodNotAllowed()
    }
    if (sub === 'log' && r.kind === 'Pod' && method === 'GET') {
      const text = podLog(api.get(r, ns, rt.name), q)
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.end(text)
      return
    }
    if (sub === 'eviction' && r.kind === 'Pod' && method === 'POST') return send(res, 201, evict(api, ns!, rt.name))
    // Subresources a real server has (exec, attach, proxy, binding, ephemeralcontainers, ...): refused, saying why.
    if (KNOWN_SUBRESOURCES.includes(sub)) throw notSupported(r.plural, sub)
    throw pathNotFound()
  }

  const watch = rt.watchPath || q.get('watch') === 'true' || q.get('watch') === '1'
  if (method === 'GET' && watch) {
    const filter = filterOf(r, q, ns)
    if (rt.name) filter.fields = [...(filter.fields ?? []), { field: 'metadata.name', op: '=', value: rt.name }]
    serveWatch(ctx, r, filter, q, req, res)
    return
  }
  if (method === 'GET' && rt.name) {
    const obj = api.get(r, ns, rt.name)
    return send(res, 200, wantsTable(accept) ? toTable(r, [obj], q, String(api.store.resourceVersion), true) : obj)
  }
  if (method === 'GET') {
    const all = api.list(r, filterOf(r, q, ns))
    const rv = api.store.resourceVersion
    const { items, metadata } = page(all, q, rv)
    if (wantsTable(accept)) {
      const table = toTable(r, items, q, String(rv), false)
      table.metadata = metadata
      return send(res, 200, table)
    }
    return send(res, 200, { kind: listKind(r), apiVersion: apiVersionOf(r), metadata, items: items.map(stripTypeMeta) })
  }
  if (method === 'POST' && !rt.name) {
    return reply(201, api.create(r, ns, typed(bodyText), { dryRun, manager }))
  }
  if (method === 'PUT' && rt.name) {
    return reply(200, api.update(r, ns, rt.name, typed(bodyText), { dryRun, manager }))
  }
  if (method === 'PATCH' && rt.name) {
    const type = patchTypeOf(contentType)
    if (!type) throw unsupportedMediaType(contentType)
    // Custom resources have no Go struct to take strategic-merge keys from (apiserver's patch handler).
    if (type === 'strategic' && r.custom) {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      )
    }
    if (type === 'apply') return serveApply(api, r, ns, rt.name, bodyText, q, res, false)
    checkPatchOptions(q, type)
    return reply(200, api.patch(r, ns, rt.name, type, parseJson(bodyText), patchOptions))
  }
  if (method === 'DELETE' && rt.name) {
    const body = bodyText.trim() ? (parseJson(bodyText) as KObj) : undefined
    const out = api.delete(r, ns, rt.name, deleteOptions(q, body))
    return send(res, 200, out)
  }
  if (method === 'DELETE') {
    const body = bodyText.trim() ? (parseJson(bodyText) as KObj) : undefined
    const options = deleteOptions(q, body)
    const items = api.list(r, filterOf(r, q, ns))
    for (const item of items) api.delete(r, item.metadata.namespace, item.metadata.name, options)
    return send(res, 200, {
      kind: listKind(r),
      apiVersion: apiVersionOf(r),
      metadata: { resourceVersion: String(api.store.resourceVersion) },
      items: items.map(stripTypeMeta),
    })
  }
  throw methodNotAllowed()
}

/**
 * The manager of a write: the fieldManager parameter, else the user agent up to its first
 * `/` (apiserver endpoints/handlers rest.go managerOrUserAgent, prefixFromUserAgent).
 */
function managerOf(q: URLSearchParams, req: IncomingMessage): ManagerOptions {
  const named = q.get('fieldManager')
  if (named) return { manager: named }
  const agent = String(req.headers['user-agent'] ?? '')
  return { manager: agent.split('/')[0]!.slice(0, 128) }
}

type Cause = { field: string; reason: string; message: string }

/** Go's FieldManagerMaxLength (apimachinery meta/v1 validation). */
const FIELD_MANAGER_MAX_LENGTH = 128

/**
 * ValidateFieldManager (apimachinery meta/v1/validation): at most 128 bytes, every character
 * printable as unicode.IsPrint has it (no control, format or separator character but the space).
 */
function fieldManagerCauses(q: URLSearchParams): Cause[] {
  const name = q.get('fieldManager') ?? ''
  const causes: Cause[] = []
  if (Buffer.byteLength(name) > FIELD_MANAGER_MAX_LENGTH) {
    causes.push({
      reason: 'FieldValueTooLong',
      field: 'fieldManager',
      message: `Too long: may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes`,
    })
  }
  let at = 0
  for (const ch of name) {
    if (/[\p{C}\p{Z}]/u.test(ch) && ch !== ' ') {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'fieldManager',
        message: `Invalid value: ${JSON.stringify(name)}: invalid character U+${code} (at position ${at})`,
      })
    }
    at += Buffer.byteLength(ch)
  }
  return causes
}

/** errors.NewInvalid on request options: 422 `CreateOptions.meta.k8s.io "" is invalid: ...`. */
function invalidOptions(kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions', causes: Cause[]): ApiError {
  const each = causes.map((c) => `${c.field}: ${c.message}`)
  const list = each.length === 1 ? each[0] : `[${each.join(', ')}]`
  return new ApiError(422, 'Invalid', `${kind}.meta.k8s.io "" is invalid: ${list}`, {
    group: 'meta.k8s.io',
    kind,
    causes,
  })
}

/** CreateOptions and UpdateOptions as ValidateCreateOptions / ValidateUpdateOptions check the manager. */
function checkWriteOptions(q: URLSearchParams, method: string): void {
  if (method !== 'POST' && method !== 'PUT') return
  const causes = fieldManagerCauses(q)
  if (causes.length) throw invalidOptions(method === 'POST' ? 'CreateOptions' : 'UpdateOptions', causes)
}

/** PatchOptions as ValidatePatchOptions checks them: 422 PatchOptions.meta.k8s.io "" is invalid. */
function checkPatchOptions(q: URLSearchParams, type: PatchType): void {
  const causes: Cause[] = []
  if (type === 'apply' && !q.get('fieldManager')) {
    causes.push({
      reason: 'FieldValueRequired',
      field: 'fieldManager',
      message: 'Required value: is required for apply patch',
    })
  } else if (type !== 'apply' && q.has('force')) {
    causes.push({
      reason: 'FieldValueForbidden',
      field: 'force',
      message: 'Forbidden: may not be specified for non-apply patch',
    })
  }
  causes.push(...fieldManagerCauses(q))
  if (causes.length) throw invalidOptions('PatchOptions', causes)
}

/**
 * A server-side apply: the configuration converted to a typed value first (its errors are a
 * bare 500), then merged with ownership (api.apply, managed-fields.ts); 201 when it created.
 */
function serveApply(
  api: Api,
  r: ResourceDef,
  ns: string | undefined,
  name: string,
  bodyText: string,
  q: URLSearchParams,
  res: ServerResponse,
  statusOnly: boolean,
): void {
  checkPatchOptions(q, 'apply')
  const body = parseYaml(bodyText) as KObj
  if (!isObject(body)) throw badRequest('the body of the request was not a valid object')
  // managedfields versioncheck.go Apply: the configuration names the endpoint's group, version and kind.
  const [group, version] = String(body.apiVersion ?? '').includes('/')
    ? String(body.apiVersion).split('/', 2)
    : ['', String(body.apiVersion ?? '')]
  if (group !== r.group || version !== r.version || body.kind !== r.kind) {
    throw badRequest(`invalid object type: ${group}/${version}, Kind=${body.kind ?? ''}`)
  }
  // structuredmerge.go Apply: the server keeps managedFields; a configuration may not set them.
  if (isObject(body.metadata) && body.metadata.managedFields != null) {
    throw badRequest('metadata.managedFields must be nil')
  }
  const violation = applyConfigurationError(r, body, ns, name)
  if (violation) throw violation
  const force = q.get('force') === 'true'
  const out = api.apply(r, ns, name, body, {
    dryRun: isDryRun(q),
    statusOnly,
    manager: { manager: q.get('fieldManager')!, force },
  })
  send(res, out.created ? 201 : 200, out.obj)
}

export { RESOURCES }
