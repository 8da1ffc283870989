// Request bodies in Kubernetes protobuf (`application/vnd.kubernetes.protobuf`), as kubectl's
// typed clients send them for `create namespace|secret|configmap|deployment|job|service`.
// The wire format is decoded against the field numbers of k8s.io/api's generated.proto for
// the messages those commands build; a field the tables do not know is refused (415), never
// silently dropped. Responses are always JSON, which these clients accept.
import { ApiError } from './status.ts'
import type { KObj } from './types.ts'

/** A field: name and type. `p*` types are pointers in Go (present means set, even when zero). */
type Scalar = 's' | 'i' | 'b' | 'ps' | 'pi' | 'pb' | 'bytes'
type FieldType =
  | Scalar
  | { msg: string }
  | { list: Scalar | { msg: string } }
  | { map: 's' | 'bytes' | { msg: string } }
type Schema = Record<number, [string, FieldType]>

const msg = (name: string) => ({ msg: name })
const list = (t: Scalar | { msg: string }) => ({ list: t })

const SCHEMAS: Record<string, Schema> = {
  Unknown: {
    1: ['typeMeta', msg('TypeMeta')],
    2: ['raw', 'bytes'],
    3: ['contentEncoding', 's'],
    4: ['contentType', 's'],
  },
  TypeMeta: { 1: ['apiVersion', 's'], 2: ['kind', 's'] },
  ObjectMeta: {
    1: ['name', 's'],
    2: ['generateName', 's'],
    3: ['namespace', 's'],
    4: ['selfLink', 's'],
    5: ['uid', 's'],
    6: ['resourceVersion', 's'],
    7: ['generation', 'i'],
    8: ['creationTimestamp', msg('Time')],
    11: ['labels', { map: 's' }],
    12: ['annotations', { map: 's' }],
    14: ['finalizers', list('s')],
  },
  Time: { 1: ['seconds', 'i'], 2: ['nanos', 'i'] },
  Namespace: { 1: ['metadata', msg('ObjectMeta')], 2: ['spec', msg('NamespaceSpec')], 3: ['status', msg('Ignored')] },
  NamespaceSpec: { 1: ['finalizers', list('s')] },
  // kubectl create ingress (k8s.io/api networking/v1 generated.proto). IngressRule's value is
  // inline in JSON: decodeProtobuf lifts `ingressRuleValue.http` up to `http`.
  Ingress: { 1: ['metadata', msg('ObjectMeta')], 2: ['spec', msg('IngressSpec')], 3: ['status', msg('Ignored')] },
  IngressSpec: {
    1: ['defaultBackend', msg('IngressBackend')],
    2: ['tls', list(msg('IngressTLS'))],
    3: ['rules', list(msg('IngressRule'))],
    4: ['ingressClassName', 'ps'],
  },
  IngressBackend: { 3: ['resource', msg('TypedLocalObjectReference')], 4: ['service', msg('IngressServiceBackend')] },
  TypedLocalObjectReference: { 1: ['apiGroup', 'ps'], 2: ['kind', 's'], 3: ['name', 's'] },
  IngressServiceBackend: { 1: ['name', 's'], 2: ['port', msg('ServiceBackendPort')] },
  ServiceBackendPort: { 1: ['name', 's'], 2: ['number', 'i'] },
  IngressTLS: { 1: ['hosts', list('s')], 2: ['secretName', 's'] },
  IngressRule: { 1: ['host', 's'], 2: ['ingressRuleValue', msg('IngressRuleValue')] },
  IngressRuleValue: { 1: ['http', msg('HTTPIngressRuleValue')] },
  HTTPIngressRuleValue: { 1: ['paths', list(msg('HTTPIngressPath'))] },
  HTTPIngressPath: { 1: ['path', 's'], 2: ['backend', msg('IngressBackend')], 3: ['pathType', 'ps'] },
  // kubectl create serviceaccount
  ServiceAccount: {
    1: ['metadata', msg('ObjectMeta')],
    3: ['imagePullSecrets', list(msg('LocalObjectReference'))],
    4: ['automountServiceAccountToken', 'pb'],
  },
  Secret: {
    1: ['metadata', msg('ObjectMeta')],
    2: ['data', { map: 'bytes' }],
    3: ['type', 's'],
    4: ['stringData', { map: 's' }],
    5: ['immutable', 'pb'],
  },
  ConfigMap: {
    1: ['metadata', msg('ObjectMeta')],
    2: ['data', { map: 's' }],
    3: ['binaryData', { map: 'bytes' }],
    4: ['immutable', 'pb'],
  },
  Deployment: { 1: ['metadata', msg('ObjectMeta')], 2: ['spec', msg('DeploymentSpec')], 3: ['status', msg('Ignored')] },
  DeploymentSpec: {
    1: ['replicas', 'pi'],
    2: ['selector', msg('LabelSelector')],
    3: ['template', msg('PodTemplateSpec')],
    4: ['strategy', msg('DeploymentStrategy')],
    5: ['minReadySeconds', 'i'],
    6: ['revisionHistoryLimit', 'pi'],
    7: ['paused', 'b'],
    9: ['progressDeadlineSeconds', 'pi'],
  },
  DeploymentStrategy: { 1: ['type', 's'], 2: ['rollingUpdate', msg('RollingUpdateDeployment')] },
  RollingUpdateDeployment: { 1: ['maxUnavailable', msg('IntOrString')], 2: ['maxSurge', msg('IntOrString')] },
  IntOrString: { 1: ['type', 'i'], 2: ['intVal', 'i'], 3: ['strVal', 's'] },
  LabelSelector: { 1: ['matchLabels', { map: 's' }], 2: ['matchExpressions', list(msg('LabelSelectorRequirement'))] },
  LabelSelectorRequirement: { 1: ['key', 's'], 2: ['operator', 's'], 3: ['values', list('s')] },
  PodTemplateSpec: { 1: ['metadata', msg('ObjectMeta')], 2: ['spec', msg('PodSpec')] },
  PodSpec: {
    2: ['containers', list(msg('Container'))],
    3: ['restartPolicy', 's'],
    4: ['terminationGracePeriodSeconds', 'pi'],
    5: ['activeDeadlineSeconds', 'pi'],
    6: ['dnsPolicy', 's'],
    7: ['nodeSelector', { map: 's' }],
    8: ['serviceAccountName', 's'],
    9: ['serviceAccount', 's'],
    10: ['nodeName', 's'],
    11: ['hostNetwork', 'b'],
    12: ['hostPID', 'b'],
    13: ['hostIPC', 'b'],
    15: ['imagePullSecrets', list(msg('LocalObjectReference'))],
    16: ['hostname', 's'],
    17: ['subdomain', 's'],
    19: ['schedulerName', 's'],
    20: ['initContainers', list(msg('Container'))],
    24: ['priorityClassName', 's'],
  },
  LocalObjectReference: { 1: ['name', 's'] },
  Container: {
    1: ['name', 's'],
    2: ['image', 's'],
    3: ['command', list('s')],
    4: ['args', list('s')],
    5: ['workingDir', 's'],
    6: ['ports', list(msg('ContainerPort'))],
    7: ['env', list(msg('EnvVar'))],
    8: ['resources', msg('ResourceRequirements')],
    13: ['terminationMessagePath', 's'],
    14: ['imagePullPolicy', 's'],
    16: ['stdin', 'b'],
    17: ['stdinOnce', 'b'],
    18: ['tty', 'b'],
    20: ['terminationMessagePolicy', 's'],
  },
  ContainerPort: {
    1: ['name', 's'],
    2: ['hostPort', 'i'],
    3: ['containerPort', 'i'],
    4: ['protocol', 's'],
    5: ['hostIP', 's'],
  },
  EnvVar: { 1: ['name', 's'], 2: ['value', 's'] },
  ResourceRequirements: { 1: ['limits', { map: msg('Quantity') }], 2: ['requests', { map: msg('Quantity') }] },
  Quantity: { 1: ['string', 's'] },
  Job: { 1: ['metadata', msg('ObjectMeta')], 2: ['spec', msg('JobSpec')], 3: ['status', msg('Ignored')] },
  JobSpec: {
    1: ['parallelism', 'pi'],
    2: ['completions', 'pi'],
    3: ['activeDeadlineSeconds', 'pi'],
    4: ['selector', msg('LabelSelector')],
    5: ['manualSelector', 'pb'],
    6: ['template', msg('PodTemplateSpec')],
    7: ['backoffLimit', 'pi'],
    8: ['ttlSecondsAfterFinished', 'pi'],
    9: ['completionMode', 'ps'],
    10: ['suspend', 'pb'],
  },
  Service: { 1: ['metadata', msg('ObjectMeta')], 2: ['spec', msg('ServiceSpec')], 3: ['status', msg('Ignored')] },
  ServiceSpec: {
    1: ['ports', list(msg('ServicePort'))],
    2: ['selector', { map: 's' }],
    3: ['clusterIP', 's'],
    4: ['type', 's'],
    5: ['externalIPs', list('s')],
    7: ['sessionAffinity', 's'],
    8: ['loadBalancerIP', 's'],
    10: ['externalName', 's'],
    11: ['externalTrafficPolicy', 's'],
    12: ['healthCheckNodePort', 'i'],
    13: ['publishNotReadyAddresses', 'b'],
  },
  ServicePort: {
    1: ['name', 's'],
    2: ['protocol', 's'],
    3: ['port', 'i'],
    4: ['targetPort', msg('IntOrString')],
    5: ['nodePort', 'i'],
    6: ['appProtocol', 'ps'],
  },
  // autoscaling/v1, as `kubectl autoscale` sends it
  HorizontalPodAutoscaler: {
    1: ['metadata', msg('ObjectMeta')],
    2: ['spec', msg('HorizontalPodAutoscalerSpec')],
    3: ['status', msg('Ignored')],
  },
  HorizontalPodAutoscalerSpec: {
    1: ['scaleTargetRef', msg('CrossVersionObjectReference')],
    2: ['minReplicas', 'pi'],
    3: ['maxReplicas', 'i'],
    4: ['targetCPUUtilizationPercentage', 'pi'],
  },
  CrossVersionObjectReference: { 1: ['kind', 's'], 2: ['name', 's'], 3: ['apiVersion', 's'] },
  Ignored: {},
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00])

function refuse(detail: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the simulator cannot decode this protobuf body (${detail}); send application/json instead`,
  )
}

interface Field {
  number: number
  wire: number
  value: number | Buffer
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = []
  let i = 0
  const varint = (): number => {
    let result = 0
    let shift = 0
    for (;;) {
      if (i >= buf.length) throw refuse('truncated varint')
      const byte = buf[i++]!
      result += (byte & 0x7f) * 2 ** shift
      shift += 7
      if (!(byte & 0x80)) return result
    }
  }
  while (i < buf.length) {
    const key = varint()
    const number = Math.floor(key / 8)
    const wire = key & 7
    if (wire === 0) out.push({ number, wire, value: varint() })
    else if (wire === 2) {
      const len = varint()
      if (i + len > buf.length) throw refuse('truncated field')
      out.push({ number, wire, value: buf.subarray(i, i + len) })
      i += len
    } else throw refuse(`wire type ${wire}`)
  }
  return out
}

function isZero(f: Field): boolean {
  return f.wire === 0 ? f.value === 0 : (f.value as Buffer).length === 0
}

function int64(v: number): number {
  // varints of negative int32/int64 values are 10-byte two's complement
  return v >= 2 ** 63 ? v - 2 ** 64 : v
}

function scalar(t: Scalar, f: Field): unknown {
  switch (t) {
    case 's':
    case 'ps':
      return (f.value as Buffer).toString('utf8')
    case 'bytes':
      return (f.value as Buffer).toString('base64')
    case 'i':
    case 'pi':
      return int64(f.value as number)
    case 'b':
    case 'pb':
      return f.value !== 0
  }
}

function decodeMessage(type: string, buf: Buffer): unknown {
  const schema = SCHEMAS[type]
  if (!schema) throw refuse(`message ${type}`)
  const out: KObj = {}
  for (const f of fields(buf)) {
    const def = schema[f.number]
    if (!def) {
      if (type === 'Ignored' || isZero(f)) continue
      throw refuse(`field ${f.number} of ${type}`)
    }
    const [name, t] = def
    if (typeof t === 'string') {
      if (isZero(f) && !t.startsWith('p')) continue
      out[name] = scalar(t, f)
    } else if ('msg' in t) {
      const value = decodeMessage(t.msg, f.value as Buffer)
      if (value !== undefined) out[name] = value
    } else if ('list' in t) {
      const item = typeof t.list === 'string' ? scalar(t.list, f) : decodeMessage(t.list.msg, f.value as Buffer)
      out[name] = [...(out[name] ?? []), item]
    } else {
      const entry = fields(f.value as Buffer)
      const key = entry.find((e) => e.number === 1)
      const raw = entry.find((e) => e.number === 2)
      let v: unknown = typeof t.map === 'string' ? '' : undefined
      if (raw) v = typeof t.map === 'string' ? scalar(t.map, raw) : decodeMessage(t.map.msg, raw.value as Buffer)
      out[name] = { ...(out[name] ?? {}), [key ? (key.value as Buffer).toString('utf8') : '']: v }
    }
  }
  // Types whose JSON form is a scalar, not their protobuf message.
  switch (type) {
    case 'Time':
      return out.seconds ? new Date(out.seconds * 1000).toISOString().replace('.000Z', 'Z') : undefined
    case 'IntOrString':
      return out.type === 1 ? (out.strVal ?? '') : (out.intVal ?? 0)
    case 'Quantity':
      return out.string ?? ''
    case 'Ignored':
      return undefined
  }
  return out
}

export function isProtobuf(contentType: string): boolean {
  return contentType.split(';')[0]!.trim().toLowerCase() === 'application/vnd.kubernetes.protobuf'
}

/** Decodes a `k8s\0`-framed runtime.Unknown into the JSON object it carries. */
export function decodeProtobuf(body: Buffer): KObj {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw refuse('no k8s protobuf envelope')
  const unknown = fields(body.subarray(4))
  const typeMeta = unknown.find((f) => f.number === 1)
  const raw = unknown.find((f) => f.number === 2)
  if (!typeMeta || !raw) throw refuse('no type or object in the envelope')
  const tm = decodeMessage('TypeMeta', typeMeta.value as Buffer) as KObj
  const kind = String(tm.kind ?? '')
  if (!SCHEMAS[kind] || ['Unknown', 'TypeMeta', 'Ignored'].includes(kind)) throw refuse(`kind ${kind}`)
  if (kind === 'HorizontalPodAutoscaler' && tm.apiVersion !== 'autoscaling/v1') throw refuse(`${tm.apiVersion} ${kind}`)
  const obj = decodeMessage(kind, raw.value as Buffer) as KObj
  delete obj.status
  if (kind === 'Ingress') {
    for (const rule of obj.spec?.rules ?? []) {
      Object.assign(rule, rule.ingressRuleValue ?? {})
      delete rule.ingressRuleValue
    }
  }
  return { apiVersion: tm.apiVersion, kind, ...obj }
}
