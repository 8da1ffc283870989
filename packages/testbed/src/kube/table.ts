// meta.k8s.io/v1 Table responses, as `kubectl get` asks for them (Accept: ...;as=Table).
import { apiVersionOf, type ResourceDef } from './resources.ts'
import type { KObj } from './types.ts'

export function wantsTable(accept: string): boolean {
  return accept.split(',').some((part) => part.includes('as=Table'))
}

interface Column {
  name: string
  type: string
  format?: string
  description: string
  priority: number
  cell: (obj: KObj) => unknown
}

/** duration.HumanDuration, as the AGE column prints it. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 60 * 2) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 10) {
    const s = seconds % 60
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`
  }
  if (minutes < 60 * 3) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 8) {
    const m = minutes % 60
    return m === 0 ? `${hours}h` : `${hours}h${m}m`
  }
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8) {
    const h = hours % 24
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`
  }
  return `${Math.floor(hours / 24 / 365)}y`
}

function age(ts: string | undefined | null): string {
  if (!ts) return '<unknown>'
  return humanDuration(Date.now() - Date.parse(ts))
}

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
  cell: (o) => o.metadata.name,
}
const AGE: Column = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
  cell: (o) => age(o.metadata.creationTimestamp),
}

function col(name: string, type: string, cell: (o: KObj) => unknown, priority = 0, description = ''): Column {
  return { name, type, description, priority, cell }
}

function containerNames(spec: KObj | undefined): string {
  return (spec?.containers ?? []).map((c: KObj) => c.name).join(',')
}
function images(spec: KObj | undefined): string {
  return (spec?.containers ?? []).map((c: KObj) => c.image).join(',')
}
function selectorText(sel: KObj | undefined): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`)
  for (const e of sel?.matchExpressions ?? [])
    parts.push(`${e.key} ${String(e.operator).toLowerCase()} (${(e.values ?? []).join(',')})`)
  return parts.join(',') || '<none>'
}

/** printPod's STATUS column: the waiting/terminated reason that explains the pod, else its phase. */
export function podStatusReason(pod: KObj): string {
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Unknown'
  let initializing = false
  const inits = pod.status?.initContainerStatuses ?? []
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]
    if (c.state?.terminated?.exitCode === 0) continue
    if (c.state?.terminated)
      reason = c.state.terminated.reason
        ? `Init:${c.state.terminated.reason}`
        : `Init:ExitCode:${c.state.terminated.exitCode}`
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing')
      reason = `Init:${c.state.waiting.reason}`
    else reason = `Init:${i}/${(pod.spec?.initContainers ?? []).length}`
    initializing = true
    break
  }
  if (!initializing) {
    let hasRunning = false
    const statuses = [...(pod.status?.containerStatuses ?? [])].reverse()
    for (const c of statuses) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason
      else if (c.state?.terminated)
        reason = c.state.terminated.signal
          ? `Signal:${c.state.terminated.signal}`
          : `ExitCode:${c.state.terminated.exitCode}`
      else if (c.ready && c.state?.running) hasRunning = true
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = (pod.status?.conditions ?? []).some((c: KObj) => c.type === 'Ready' && c.status === 'True')
      reason = ready ? 'Running' : 'NotReady'
    }
  }
  if (pod.metadata.deletionTimestamp) reason = pod.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating'
  return reason
}

function podRestarts(pod: KObj): string {
  let restarts = 0
  let last = 0
  for (const c of pod.status?.containerStatuses ?? []) {
    restarts += c.restartCount ?? 0
    const finished = c.lastState?.terminated?.finishedAt
    if (finished) last = Math.max(last, Date.parse(finished))
  }
  return last && restarts ? `${restarts} (${humanDuration(Date.now() - last)} ago)` : String(restarts)
}

function servicePorts(svc: KObj): string {
  const ports = (svc.spec?.ports ?? []).map((p: KObj) =>
    p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`,
  )
  return ports.join(',') || '<none>'
}

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    NAME,
    col(
      'Ready',
      'string',
      (p) =>
        `${(p.status?.containerStatuses ?? []).filter((c: KObj) => c.ready).length}/${(p.spec?.containers ?? []).length}`,
      0,
      'The aggregate readiness state of this pod for accepting traffic.',
    ),
    col('Status', 'string', podStatusReason, 0, 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      podRestarts,
      0,
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE,
    col('IP', 'string', (p) => p.status?.podIP ?? '<none>', 1),
    col('Node', 'string', (p) => p.spec?.nodeName ?? '<none>', 1),
    col('Nominated Node', 'string', (p) => p.status?.nominatedNodeName ?? '<none>', 1),
    col(
      'Readiness Gates',
      'string',
      (p) => (p.spec?.readinessGates?.length ? String(p.spec.readinessGates.length) : '<none>'),
      1,
    ),
  ],
  Deployment: [
    NAME,
    col(
      'Ready',
      'string',
      (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      0,
      'Number of the pod with ready state',
    ),
    col(
      'Up-to-date',
      'string',
      (d) => d.status?.updatedReplicas ?? 0,
      0,
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    col(
      'Available',
      'string',
      (d) => d.status?.availableReplicas ?? 0,
      0,
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    AGE,
    col('Containers', 'string', (d) => containerNames(d.spec?.template?.spec), 1),
    col('Images', 'string', (d) => images(d.spec?.template?.spec), 1),
    col('Selector', 'string', (d) => selectorText(d.spec?.selector), 1),
  ],
  ReplicaSet: [
    NAME,
    col('Desired', 'integer', (r) => r.spec?.replicas ?? 0, 0, 'Number of desired pods.'),
    col('Current', 'integer', (r) => r.status?.replicas ?? 0, 0, 'Number of actual replicas.'),
    col('Ready', 'integer', (r) => r.status?.readyReplicas ?? 0, 0, 'Number of ready replicas.'),
    AGE,
    col('Containers', 'string', (r) => containerNames(r.spec?.template?.spec), 1),
    col('Images', 'string', (r) => images(r.spec?.template?.spec), 1),
    col('Selector', 'string', (r) => selectorText(r.spec?.selector), 1),
  ],
  Service: [
    NAME,
    col('Type', 'string', (s) => s.spec?.type),
    col('Cluster-IP', 'string', (s) => s.spec?.clusterIP ?? '<none>'),
    col(
      'External-IP',
      'string',
      (s) => (s.status?.loadBalancer?.ingress ?? []).map((i: KObj) => i.ip ?? i.hostname).join(',') || '<none>',
    ),
    col('Port(s)', 'string', servicePorts),
    AGE,
    col(
      'Selector',
      'string',
      (s) =>
        Object.entries(s.spec?.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
      1,
    ),
  ],
  Endpoints: [
    NAME,
    col('Endpoints', 'string', (e) => {
      const list = (e.subsets ?? []).flatMap((s: KObj) =>
        (s.addresses ?? []).flatMap((a: KObj) => (s.ports ?? []).map((p: KObj) => `${a.ip}:${p.port}`)),
      )
      if (list.length === 0) return '<none>'
      return list.length > 3 ? `${list.slice(0, 3).join(',')} + ${list.length - 3} more...` : list.join(',')
    }),
    AGE,
  ],
  ConfigMap: [
    NAME,
    col('Data', 'integer', (m) => Object.keys(m.data ?? {}).length + Object.keys(m.binaryData ?? {}).length),
    AGE,
  ],
  Secret: [
    NAME,
    col('Type', 'string', (x) => x.type ?? 'Opaque'),
    col('Data', 'integer', (x) => Object.keys(x.data ?? {}).length),
    AGE,
  ],
  Namespace: [NAME, col('Status', 'string', (n) => n.status?.phase ?? ''), AGE],
  Node: [
    NAME,
    col('Status', 'string', () => 'Ready'),
    col('Roles', 'string', () => '<none>'),
    AGE,
    col('Version', 'string', (n) => n.status?.nodeInfo?.kubeletVersion ?? ''),
  ],
  Event: [
    col('Last Seen', 'string', (e) => age(e.lastTimestamp ?? e.eventTime)),
    col('Type', 'string', (e) => e.type),
    col('Reason', 'string', (e) => e.reason),
    col('Object', 'string', (e) => `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name}`),
    col('Message', 'string', (e) => e.message),
    col('Subobject', 'string', (e) => e.involvedObject?.fieldPath ?? '', 1),
    col('Source', 'string', (e) => [e.source?.component, e.source?.host].filter(Boolean).join(', '), 1),
    col('Count', 'string', (e) => String(e.count ?? 1), 1),
    col('First Seen', 'string', (e) => age(e.firstTimestamp), 1),
    { ...NAME, priority: 1 },
  ],
  Ingress: [
    NAME,
    col('Class', 'string', (i) => i.spec?.ingressClassName ?? '<none>'),
    col('Hosts', 'string', (i) => (i.spec?.rules ?? []).map((r: KObj) => r.host ?? '*').join(',') || '*'),
    col('Address', 'string', (i) =>
      (i.status?.loadBalancer?.ingress ?? []).map((x: KObj) => x.ip ?? x.hostname).join(','),
    ),
    col('Ports', 'string', (i) => (i.spec?.tls?.length ? '80, 443' : '80')),
    AGE,
  ],
  // The CRDs' additionalPrinterColumns; a list prints as its JSON, as the CRD table convertor does.
  HTTPRoute: [
    NAME,
    col('Hostnames', 'string', (r) => (r.spec?.hostnames ? JSON.stringify(r.spec.hostnames) : '')),
    AGE,
  ],
  Gateway: [
    NAME,
    col('Class', 'string', (g) => g.spec?.gatewayClassName ?? ''),
    col('Address', 'string', (g) => (g.status?.addresses ?? []).map((a: KObj) => a.value).join(' ')),
    col(
      'Programmed',
      'string',
      (g) => (g.status?.conditions ?? []).find((c: KObj) => c.type === 'Programmed')?.status ?? '',
    ),
    AGE,
  ],
  HorizontalPodAutoscaler: [
    NAME,
    col('Reference', 'string', (h) => `${h.spec?.scaleTargetRef?.kind}/${h.spec?.scaleTargetRef?.name}`),
    col(
      'Targets',
      'string',
      (h) =>
        (h.spec?.metrics ?? [])
          .map((m: KObj) => `cpu: <unknown>/${m.resource?.target?.averageUtilization ?? ''}%`)
          .join(', ') || '<none>',
    ),
    col('MinPods', 'string', (h) => h.spec?.minReplicas ?? 1),
    col('MaxPods', 'integer', (h) => h.spec?.maxReplicas),
    col('Replicas', 'integer', (h) => h.status?.currentReplicas ?? 0),
    AGE,
  ],
  Job: [
    NAME,
    col('Status', 'string', (j) => {
      const c = (j.status?.conditions ?? []).find(
        (x: KObj) => x.status === 'True' && (x.type === 'Complete' || x.type === 'Failed'),
      )
      return c ? c.type : 'Running'
    }),
    col('Completions', 'string', (j) => `${j.status?.succeeded ?? 0}/${j.spec?.completions ?? 1}`),
    col('Duration', 'string', (j) =>
      j.status?.startTime
        ? humanDuration(
            (j.status.completionTime ? Date.parse(j.status.completionTime) : Date.now()) -
              Date.parse(j.status.startTime),
          )
        : '',
    ),
    AGE,
  ],
  // pkg/printers/internalversion printers.go, for the stored kinds of kinds.ts.
  ServiceAccount: [NAME, col('Secrets', 'string', (o) => (o.secrets ?? []).length), AGE],
  PodDisruptionBudget: [
    NAME,
    col('Min Available', 'string', (o) => o.spec?.minAvailable ?? 'N/A'),
    col('Max Unavailable', 'string', (o) => o.spec?.maxUnavailable ?? 'N/A'),
    col('Allowed Disruptions', 'integer', (o) => o.status?.disruptionsAllowed ?? 0),
    AGE,
  ],
  EndpointSlice: [
    NAME,
    col('AddressType', 'string', (o) => o.addressType ?? ''),
    col('Ports', 'string', (o) => (o.ports?.length ? o.ports.map((p: KObj) => p.port).join(',') : '<unset>')),
    col('Endpoints', 'string', (o) => {
      const ips = (o.endpoints ?? []).flatMap((e: KObj) => e.addresses ?? [])
      if (ips.length === 0) return '<none>'
      return ips.length > 3 ? `${ips.slice(0, 3).join(',')} + ${ips.length - 3} more...` : ips.join(',')
    }),
    AGE,
  ],
  StatefulSet: [
    NAME,
    col('Ready', 'string', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`),
    AGE,
    col('Containers', 'string', (o) => containerNames(o.spec?.template?.spec), 1),
    col('Images', 'string', (o) => images(o.spec?.template?.spec), 1),
  ],
  CronJob: [
    NAME,
    col('Schedule', 'string', (o) => o.spec?.schedule ?? ''),
    col('Timezone', 'string', (o) => o.spec?.timeZone ?? '<none>'),
    col('Suspend', 'boolean', (o) => (o.spec?.suspend ? 'True' : 'False')),
    col('Active', 'integer', (o) => (o.status?.active ?? []).length),
    col('Last Schedule', 'string', (o) => (o.status?.lastScheduleTime ? age(o.status.lastScheduleTime) : '<none>')),
    AGE,
  ],
  IngressClass: [
    NAME,
    col('Controller', 'string', (o) => o.spec?.controller ?? ''),
    col('Parameters', 'string', (o) =>
      o.spec?.parameters ? `${o.spec.parameters.kind}/${o.spec.parameters.name}` : '<none>',
    ),
    AGE,
  ],
}

export function toTable(r: ResourceDef, items: KObj[], q: URLSearchParams, rv: string, single: boolean): KObj {
  void single
  const columns = COLUMNS[r.kind] ?? [NAME, AGE]
  const include = q.get('includeObject') ?? 'Metadata'
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: rv },
    columnDefinitions: columns.map(({ cell: _c, format, ...c }) => ({
      name: c.name,
      type: c.type,
      format: format ?? '',
      description: c.description,
      priority: c.priority,
    })),
    rows: items.map((obj) => {
      const row: KObj = { cells: columns.map((c) => c.cell(obj)) }
      if (include === 'Object') row.object = { ...obj, kind: r.kind, apiVersion: apiVersionOf(r) }
      else if (include === 'Metadata')
        row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata }
      return row
    }),
  }
}
