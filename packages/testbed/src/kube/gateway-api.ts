// Gateway API (gateway.networking.k8s.io/v1) HTTPRoutes and Gateways, served as the API server
// serves the installed CRDs: the standard channel's structural schemas (defaults, bounds,
// patterns, enums) and their x-kubernetes-validations rules, from kubernetes-sigs/gateway-api
// apis/v1/httproute_types.go, gateway_types.go and shared_types.go. Filter payloads other than
// the header modifiers are kept as sent (their inner fields are not checked).
import {
  type ArraySchema,
  applySchemaDefaults,
  type ObjectSchema,
  prune,
  type Schema,
  type StringSchema,
  validateSchema,
} from './crd-schema.ts'
import type { StatusCause } from './status.ts'
import type { KObj } from './types.ts'

export const GATEWAY_GROUP = 'gateway.networking.k8s.io'

const str = (extra: Omit<StringSchema, 'type'> = {}): StringSchema => ({ type: 'string', ...extra })
const arr = (items: Schema, extra: Omit<ArraySchema, 'type' | 'items'> = {}): ArraySchema => ({
  type: 'array',
  items,
  ...extra,
})
const obj = (
  properties: Record<string, Schema>,
  extra: Omit<ObjectSchema, 'type' | 'properties'> = {},
): ObjectSchema => ({
  type: 'object',
  properties,
  ...extra,
})
const free: ObjectSchema = { type: 'object', preserveUnknown: true }

const SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'
const HOSTNAME = str({ minLength: 1, maxLength: 253, pattern: `^(\\*\\.)?${SUBDOMAIN.slice(1)}` })
const GROUP = (dflt: string) => str({ default: dflt, maxLength: 253, pattern: `^$|${SUBDOMAIN}` })
const KIND = (dflt: string) =>
  str({ default: dflt, minLength: 1, maxLength: 63, pattern: '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$' })
const OBJECT_NAME = str({ minLength: 1, maxLength: 253 })
const NAMESPACE = str({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' })
const SECTION_NAME = str({ minLength: 1, maxLength: 253, pattern: SUBDOMAIN })
const PORT = { type: 'integer', minimum: 1, maximum: 65535 } as const
const HEADER_NAME = str({ minLength: 1, maxLength: 256, pattern: "^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$" })
const DURATION = str({ pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' })

const nsOf = (r: KObj) => (r.namespace === undefined || r.namespace === '' ? '' : r.namespace)
const sectionOf = (r: KObj) => r.sectionName ?? ''
const sameParent = (a: KObj, b: KObj) =>
  a.group === b.group && a.kind === b.kind && a.name === b.name && nsOf(a) === nsOf(b)

/** ParentReference (shared_types.go), with CommonRouteSpec's two rules on the list. */
const PARENT_REFS = arr(
  obj(
    {
      group: GROUP(GATEWAY_GROUP),
      kind: KIND('Gateway'),
      namespace: NAMESPACE,
      name: OBJECT_NAME,
      sectionName: SECTION_NAME,
      port: PORT,
    },
    { required: ['name'] },
  ),
  {
    maxItems: 32,
    rules: [
      {
        message: 'sectionName must be specified when parentRefs includes 2 or more references to the same parent',
        check: (refs: KObj[]) =>
          refs.every((a) => refs.every((b) => !sameParent(a, b) || (sectionOf(a) === '') === (sectionOf(b) === ''))),
      },
      {
        message: 'sectionName must be unique when parentRefs includes 2 or more references to the same parent',
        check: (refs: KObj[]) =>
          refs.every((a) => refs.filter((b) => sameParent(a, b) && sectionOf(a) === sectionOf(b)).length === 1),
      },
    ],
  },
)

const BACKEND_REF_PORT_RULE = {
  message: 'Must have port for Service reference',
  check: (ref: KObj) => !(ref.group === '' && ref.kind === 'Service') || ref.port !== undefined,
}

const HEADER = obj(
  { name: HEADER_NAME, value: str({ minLength: 1, maxLength: 4096 }) },
  { required: ['name', 'value'] },
)
const HEADER_FILTER = obj({
  set: arr(HEADER, { maxItems: 16 }),
  add: arr(HEADER, { maxItems: 16 }),
  remove: arr(str(), { maxItems: 16 }),
})
const FILTER_TYPES = [
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestMirror',
  'RequestRedirect',
  'URLRewrite',
  'ExtensionRef',
  'CORS',
]
/** Each filter type's payload field: present exactly when the type names it. */
const FILTER_FIELDS: Record<string, string> = {
  CORS: 'cors',
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
}
const FILTER = obj(
  {
    type: str({ enum: FILTER_TYPES }),
    requestHeaderModifier: HEADER_FILTER,
    responseHeaderModifier: HEADER_FILTER,
    requestMirror: free,
    requestRedirect: free,
    urlRewrite: free,
    cors: free,
    extensionRef: free,
  },
  {
    required: ['type'],
    rules: Object.entries(FILTER_FIELDS).flatMap(([type, field]) => [
      {
        message: `filter.${field} must be nil if the filter.type is not ${type}`,
        check: (f: KObj) => !(f[field] !== undefined && f.type !== type),
      },
      {
        message: `filter.${field} must be specified for ${type} filter.type`,
        check: (f: KObj) => !(f[field] === undefined && f.type === type),
      },
    ]),
  },
)
const once = (type: string, label = type) => ({
  message: `${label} filter cannot be repeated`,
  check: (fs: KObj[]) => fs.filter((f) => f.type === type).length <= 1,
})
const FILTERS = arr(FILTER, {
  maxItems: 16,
  rules: [
    {
      message: 'May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both',
      check: (fs: KObj[]) => !(fs.some((f) => f.type === 'RequestRedirect') && fs.some((f) => f.type === 'URLRewrite')),
    },
    once('CORS'),
    once('RequestHeaderModifier'),
    once('ResponseHeaderModifier'),
    once('RequestRedirect'),
    once('URLRewrite'),
  ],
})

const HTTP_BACKEND_REF = obj(
  {
    group: GROUP(''),
    kind: KIND('Service'),
    name: OBJECT_NAME,
    namespace: NAMESPACE,
    port: PORT,
    weight: { type: 'integer', default: 1, minimum: 0, maximum: 1_000_000 },
    filters: FILTERS,
  },
  { required: ['name'], rules: [BACKEND_REF_PORT_RULE] },
)

const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/
const exactOrPrefix = (p: KObj) => p.type === 'Exact' || p.type === 'PathPrefix'
const pathRule = (message: string, ok: (v: string) => boolean) => ({
  message,
  check: (p: KObj) => !exactOrPrefix(p) || ok(p.value),
})
const ONLY_EXACT_PREFIX = "when type one of ['Exact', 'PathPrefix']"
const PATH_MATCH = obj(
  {
    type: str({ default: 'PathPrefix', enum: ['Exact', 'PathPrefix', 'RegularExpression'] }),
    value: str({ default: '/', maxLength: 1024 }),
  },
  {
    default: { type: 'PathPrefix', value: '/' },
    rules: [
      pathRule(`value must be an absolute path and start with '/' ${ONLY_EXACT_PREFIX}`, (v) => v.startsWith('/')),
      ...['//', '/./', '/../', '%2f', '%2F', '#'].map((s) =>
        pathRule(`must not contain '${s}' ${ONLY_EXACT_PREFIX}`, (v) => !v.includes(s)),
      ),
      ...['/..', '/.'].map((s) => pathRule(`must not end with '${s}' ${ONLY_EXACT_PREFIX}`, (v) => !v.endsWith(s))),
      {
        message: "type must be one of ['Exact', 'PathPrefix', 'RegularExpression']",
        check: (p: KObj) => ['Exact', 'PathPrefix', 'RegularExpression'].includes(p.type),
      },
      pathRule(
        `must only contain valid characters (matching ${PATH_CHARS.source}) for types ['Exact', 'PathPrefix']`,
        (v) => PATH_CHARS.test(v),
      ),
    ],
  },
)
const matchType = (valueMax: number) =>
  obj(
    {
      type: str({ default: 'Exact', enum: ['Exact', 'RegularExpression'] }),
      name: HEADER_NAME,
      value: str({ minLength: 1, maxLength: valueMax }),
    },
    { required: ['name', 'value'] },
  )
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']
const ROOT_MATCH = [{ path: { type: 'PathPrefix', value: '/' } }]
const MATCH = obj({
  path: PATH_MATCH,
  headers: arr(matchType(4096), { maxItems: 16 }),
  queryParams: arr(matchType(1024), { maxItems: 16 }),
  method: str({ enum: HTTP_METHODS }),
})

const hasReplacePrefix = (f: KObj, field: string) =>
  f[field]?.path?.type === 'ReplacePrefixMatch' && f[field]?.path?.replacePrefixMatch !== undefined
const onePrefixMatch = (rule: KObj) => rule.matches?.length === 1 && rule.matches[0].path?.type === 'PathPrefix'
const RULE = obj(
  {
    name: SECTION_NAME,
    matches: arr(MATCH, { maxItems: 64, default: ROOT_MATCH }),
    filters: FILTERS,
    backendRefs: arr(HTTP_BACKEND_REF, { maxItems: 16 }),
    timeouts: obj(
      { request: DURATION, backendRequest: DURATION },
      {
        rules: [
          {
            message: 'backendRequest timeout cannot be longer than request timeout',
            check: (t: KObj) =>
              !(t.request && t.backendRequest && toMs(t.request) !== 0 && toMs(t.backendRequest) > toMs(t.request)),
          },
        ],
      },
    ),
  },
  {
    rules: [
      {
        message: 'RequestRedirect filter must not be used together with backendRefs',
        check: (r: KObj) => !(r.backendRefs?.length > 0) || !(r.filters ?? []).some((f: KObj) => f.requestRedirect),
      },
      ...(['requestRedirect', 'urlRewrite'] as const).map((field) => ({
        message: `When using ${field === 'requestRedirect' ? 'RequestRedirect' : 'URLRewrite'} filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified`,
        check: (r: KObj) =>
          (r.filters ?? []).filter((f: KObj) => hasReplacePrefix(f, field)).length !== 1 || onePrefixMatch(r),
      })),
    ],
  },
)

const HTTPROUTE_SPEC = obj(
  {
    parentRefs: PARENT_REFS,
    hostnames: arr(HOSTNAME, { maxItems: 16 }),
    rules: arr(RULE, {
      maxItems: 16,
      default: [{ matches: ROOT_MATCH }],
      rules: [
        {
          message:
            'While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128',
          check: (rules: KObj[]) => rules.reduce((n, r) => n + (r.matches?.length ?? 0), 0) <= 128,
        },
      ],
    }),
  },
  {},
)

const CONDITION = free
const HTTPROUTE_STATUS = obj({
  parents: arr(
    obj(
      {
        parentRef: obj(PARENT_REFS.items.type === 'object' ? (PARENT_REFS.items.properties ?? {}) : {}, {
          required: ['name'],
        }),
        controllerName: str({ minLength: 1, maxLength: 253 }),
        conditions: arr(CONDITION, { minItems: 1, maxItems: 8 }),
      },
      { required: ['parentRef', 'controllerName'] },
    ),
    { maxItems: 32 },
  ),
})

const LISTENER = obj(
  {
    name: SECTION_NAME,
    hostname: HOSTNAME,
    port: PORT,
    protocol: str({
      minLength: 1,
      maxLength: 255,
      pattern: `^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|${SUBDOMAIN.slice(1, -1)}\\/[A-Za-z0-9]+$`,
    }),
    tls: free,
    allowedRoutes: obj(
      {
        namespaces: obj(
          { from: str({ default: 'Same', enum: ['All', 'Selector', 'Same'] }), selector: free },
          { default: { from: 'Same' } },
        ),
        kinds: arr(free, { maxItems: 8 }),
      },
      { default: { namespaces: { from: 'Same' } } },
    ),
  },
  { required: ['name', 'port', 'protocol'] },
)
const sameHost = (a: KObj, b: KObj) =>
  a.hostname !== undefined && b.hostname !== undefined
    ? a.hostname === b.hostname
    : a.hostname === undefined && b.hostname === undefined
const GATEWAY_SPEC = obj(
  {
    gatewayClassName: str({ minLength: 1, maxLength: 253 }),
    listeners: arr(LISTENER, {
      minItems: 1,
      maxItems: 64,
      rules: [
        {
          message: "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
          check: (ls: KObj[]) => ls.every((l) => !['HTTP', 'TCP', 'UDP'].includes(l.protocol) || l.tls === undefined),
        },
        {
          message: 'tls mode must be Terminate for protocol HTTPS',
          check: (ls: KObj[]) =>
            ls.every((l) => !(l.protocol === 'HTTPS' && l.tls) || [undefined, '', 'Terminate'].includes(l.tls.mode)),
        },
        {
          message: 'tls mode must be set for protocol TLS',
          check: (ls: KObj[]) => ls.every((l) => l.protocol !== 'TLS' || Boolean(l.tls?.mode)),
        },
        {
          message: "hostname must not be specified for protocols ['TCP', 'UDP']",
          check: (ls: KObj[]) => ls.every((l) => !['TCP', 'UDP'].includes(l.protocol) || !l.hostname),
        },
        {
          message: 'Listener name must be unique within the Gateway',
          check: (ls: KObj[]) => ls.every((a) => ls.filter((b) => a.name === b.name).length === 1),
        },
        {
          message: 'Combination of port, protocol and hostname must be unique for each listener',
          check: (ls: KObj[]) =>
            ls.every(
              (a) => ls.filter((b) => a.port === b.port && a.protocol === b.protocol && sameHost(a, b)).length === 1,
            ),
        },
      ],
    }),
    addresses: arr(free, { maxItems: 16 }),
    infrastructure: free,
    tls: free,
    allowedListeners: free,
  },
  { required: ['gatewayClassName', 'listeners'] },
)
const PENDING = (type: string) => ({
  type,
  status: 'Unknown',
  reason: 'Pending',
  message: 'Waiting for controller',
  lastTransitionTime: '1970-01-01T00:00:00Z',
})
const GATEWAY_STATUS = obj(
  {
    addresses: arr(free, { maxItems: 16 }),
    conditions: arr(CONDITION, { maxItems: 8 }),
    listeners: arr(free, { maxItems: 64 }),
  },
  { default: { conditions: [PENDING('Accepted'), PENDING('Programmed')] } },
)

/** Go's time.ParseDuration for the Gateway API Duration form (h, m, s, ms parts). */
function toMs(d: string): number {
  let ms = 0
  for (const [, n, unit] of d.matchAll(/(\d+)(ms|h|m|s)/g)) {
    ms += Number(n) * ({ h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as Record<string, number>)[unit!]!
  }
  return ms
}

interface KindSchema {
  spec: ObjectSchema
  status: ObjectSchema
}
const SCHEMAS: Record<string, KindSchema> = {
  HTTPRoute: { spec: HTTPROUTE_SPEC, status: HTTPROUTE_STATUS },
  Gateway: { spec: GATEWAY_SPEC, status: GATEWAY_STATUS },
}

export function isGatewayKind(group: string, kind: string): boolean {
  return group === GATEWAY_GROUP && kind in SCHEMAS
}

/** Drops the fields the kind's schema does not declare; returns their paths (`spec.rules[0].x`). */
export function pruneGatewayObject(kind: string, o: KObj): string[] {
  const s = SCHEMAS[kind]!
  const unknown: string[] = []
  for (const key of Object.keys(o)) {
    if (!['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(key)) {
      unknown.push(key)
      delete o[key]
    }
  }
  if (o.spec !== undefined) prune(o.spec, s.spec, 'spec', unknown)
  if (o.status !== undefined) prune(o.status, s.status, 'status', unknown)
  return unknown
}

/**
 * Pruning and defaulting as the server does on decode. On create the status is dropped (the status
 * subresource owns it) and then defaulted; returns the unknown fields that were pruned.
 */
export function defaultGatewayObject(kind: string, o: KObj, isCreate: boolean): string[] {
  const s = SCHEMAS[kind]!
  if (isCreate) delete o.status
  const unknown = pruneGatewayObject(kind, o)
  if (o.spec !== undefined) applySchemaDefaults(o.spec, s.spec)
  if (o.status === undefined && s.status.default !== undefined) o.status = structuredClone(s.status.default)
  if (o.status !== undefined) applySchemaDefaults(o.status, s.status)
  return unknown
}

/** The causes of a 422 for this object, as the CRD's schema and rules give them. */
export function validateGatewayObject(kind: string, o: KObj): StatusCause[] {
  const s = SCHEMAS[kind]!
  const causes: StatusCause[] = []
  if (o.spec === undefined) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec' })
  else validateSchema(o.spec, s.spec, 'spec', causes)
  if (o.status !== undefined) validateSchema(o.status, s.status, 'status', causes)
  return causes
}
