// Defaulting as the API server's SetDefaults_* functions do it, for the fields clients read back.
import { defaultGatewayObject, isGatewayKind } from './gateway-api.ts'
import type { ResourceDef } from './resources.ts'
import { qosClass } from './scheduler.ts'
import type { KObj } from './types.ts'

export function defaultContainer(c: KObj): void {
  c.terminationMessagePath ??= '/dev/termination-log'
  c.terminationMessagePolicy ??= 'File'
  if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
    const ref = c.image.split('@')[0] as string
    const lastSegment = ref.slice(ref.lastIndexOf('/') + 1)
    const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : ''
    c.imagePullPolicy = !c.image.includes('@') && (tag === '' || tag === 'latest') ? 'Always' : 'IfNotPresent'
  }
  c.resources ??= {}
  for (const p of c.ports ?? []) p.protocol ??= 'TCP'
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1'
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (!probe) continue
    probe.timeoutSeconds ??= 1
    probe.periodSeconds ??= 10
    probe.successThreshold ??= 1
    probe.failureThreshold ??= 3
    if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP'
  }
}

export function defaultPodSpec(spec: KObj, restartPolicy = 'Always'): void {
  spec.restartPolicy ??= restartPolicy
  spec.terminationGracePeriodSeconds ??= 30
  spec.dnsPolicy ??= 'ClusterFirst'
  spec.securityContext ??= {}
  spec.schedulerName ??= 'default-scheduler'
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) defaultContainer(c)
}

function defaultTemplate(template: KObj | undefined, restartPolicy?: string): void {
  if (!template) return
  template.metadata ??= {}
  template.spec ??= {}
  defaultPodSpec(template.spec, restartPolicy)
}

/** intstr defaults of RollingUpdate: 25% surge, 25% unavailable. */
function defaultStrategy(spec: KObj): void {
  spec.strategy ??= {}
  spec.strategy.type ??= 'RollingUpdate'
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {}
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%'
    spec.strategy.rollingUpdate.maxSurge ??= '25%'
  }
}

let serviceIp = 10
function nextClusterIp(): string {
  serviceIp++
  return `10.96.${Math.floor(serviceIp / 250)}.${(serviceIp % 250) + 1}`
}

let nodePort = 30000 + Math.floor(Math.random() * 2000)
function nextNodePort(): number {
  nodePort = nodePort >= 32767 ? 30000 : nodePort + 1
  return nodePort
}

export function applyDefaults(r: ResourceDef, obj: KObj, isCreate: boolean): void {
  obj.metadata ??= {}
  if (isGatewayKind(r.group, r.kind)) {
    defaultGatewayObject(r.kind, obj, isCreate)
    return
  }
  const spec = obj.spec
  switch (r.kind) {
    case 'Deployment':
      if (!spec) return
      spec.replicas ??= 1
      defaultStrategy(spec)
      spec.revisionHistoryLimit ??= 10
      spec.progressDeadlineSeconds ??= 600
      defaultTemplate(spec.template)
      break
    case 'ReplicaSet':
      if (!spec) return
      spec.replicas ??= 1
      defaultTemplate(spec.template)
      break
    case 'Pod':
      if (!spec) return
      defaultPodSpec(spec)
      spec.serviceAccountName ??= 'default'
      spec.serviceAccount ??= spec.serviceAccountName
      spec.enableServiceLinks ??= true
      spec.priority ??= 0
      spec.preemptionPolicy ??= 'PreemptLowerPriority'
      spec.tolerations ??= [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ]
      // SetDefaults_Pod: a container that sets only limits requests as much.
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        if (!c.resources?.limits) continue
        c.resources.requests = { ...c.resources.limits, ...(c.resources.requests ?? {}) }
      }
      // podStrategy.PrepareForCreate: the status a client sends is replaced.
      if (isCreate) obj.status = { phase: 'Pending', qosClass: qosClass(spec) }
      break
    case 'Service':
      obj.spec ??= {}
      obj.spec.type ??= 'ClusterIP'
      obj.spec.sessionAffinity ??= 'None'
      if (obj.spec.type !== 'ExternalName') {
        if (isCreate && obj.spec.clusterIP === undefined) obj.spec.clusterIP = nextClusterIp()
        obj.spec.clusterIPs ??= obj.spec.clusterIP && obj.spec.clusterIP !== 'None' ? [obj.spec.clusterIP] : undefined
        obj.spec.ipFamilies ??= ['IPv4']
        obj.spec.ipFamilyPolicy ??= 'SingleStack'
        obj.spec.internalTrafficPolicy ??= 'Cluster'
      }
      for (const p of obj.spec.ports ?? []) {
        p.protocol ??= 'TCP'
        p.targetPort ??= p.port
        if ((obj.spec.type === 'NodePort' || obj.spec.type === 'LoadBalancer') && p.nodePort === undefined)
          p.nodePort = nextNodePort()
      }
      if (obj.spec.type === 'NodePort' || obj.spec.type === 'LoadBalancer') obj.spec.externalTrafficPolicy ??= 'Cluster'
      if (obj.spec.type === 'LoadBalancer') obj.spec.allocateLoadBalancerNodePorts ??= true
      if (isCreate) obj.status ??= { loadBalancer: {} }
      break
    case 'Job':
      if (!spec) return
      spec.parallelism ??= 1
      spec.completions ??= spec.parallelism === undefined ? 1 : (spec.completions ?? 1)
      spec.backoffLimit ??= 6
      spec.completionMode ??= 'NonIndexed'
      spec.suspend ??= false
      spec.podReplacementPolicy ??= 'TerminatingOrFailed'
      spec.manualSelector ??= undefined
      defaultTemplate(spec.template)
      break
    case 'HorizontalPodAutoscaler':
      if (!spec) return
      spec.minReplicas ??= 1
      spec.metrics ??= [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      ]
      break
    case 'Namespace':
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name }
      obj.spec ??= { finalizers: ['kubernetes'] }
      if (isCreate) obj.status = { phase: 'Active' }
      break
    case 'Secret':
      obj.type ??= 'Opaque'
      if (obj.stringData) {
        obj.data ??= {}
        for (const [k, v] of Object.entries(obj.stringData)) obj.data[k] = Buffer.from(String(v)).toString('base64')
        delete obj.stringData
      }
      break
    case 'StatefulSet':
      if (!spec) return
      spec.replicas ??= 1
      spec.podManagementPolicy ??= 'OrderedReady'
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }
      spec.revisionHistoryLimit ??= 10
      spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' }
      defaultTemplate(spec.template)
      break
    case 'CronJob':
      if (!spec) return
      spec.concurrencyPolicy ??= 'Allow'
      spec.suspend ??= false
      spec.successfulJobsHistoryLimit ??= 3
      spec.failedJobsHistoryLimit ??= 1
      defaultTemplate(spec.jobTemplate?.spec?.template, 'Never')
      break
    case 'Ingress':
      if (isCreate) obj.status ??= { loadBalancer: {} }
      break
    case 'Event':
      obj.count ??= 1
      obj.type ??= 'Normal'
      obj.source ??= {}
      obj.reportingComponent ??= ''
      obj.reportingInstance ??= ''
      obj.eventTime ??= null
      break
  }
}

/** Job selectors and template labels derived from the Job's uid (generateSelector). */
export function defaultJobSelector(obj: KObj): void {
  const spec = obj.spec
  if (!spec || spec.manualSelector) return
  const id = obj.metadata.uid
  const name = obj.metadata.name
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': id } }
  spec.template ??= {}
  spec.template.metadata ??= {}
  spec.template.metadata.labels = {
    ...(spec.template.metadata.labels ?? {}),
    'batch.kubernetes.io/controller-uid': id,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': id,
    'job-name': name,
  }
}
