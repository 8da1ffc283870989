// Validation that answers 422 Invalid with the field paths and messages of the real server.
import { isGatewayKind, validateGatewayObject } from './gateway-api.ts'
import type { ResourceDef } from './resources.ts'
import { fromLabelSelector, matchesLabels } from './selectors.ts'
import { invalid, type StatusCause } from './status.ts'
import { deepEqual, type KObj } from './types.ts'

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/

/** Go's %#v-like rendering of a bad value in a field error. */
export function goValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    return `map[string]string{${entries.join(', ')}}`
  }
  return JSON.stringify(value)
}

class Errors {
  readonly causes: StatusCause[] = []
  required(field: string, detail = ''): void {
    this.causes.push({ reason: 'FieldValueRequired', message: `Required value${detail ? `: ${detail}` : ''}`, field })
  }
  invalid(field: string, value: unknown, detail: string): void {
    this.causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${goValue(value)}: ${detail}`, field })
  }
  forbidden(field: string, detail: string): void {
    this.causes.push({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field })
  }
  unsupported(field: string, value: unknown, valid: string[]): void {
    this.causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${goValue(value)}: supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}`,
      field,
    })
  }
}

function nonNegative(e: Errors, field: string, value: unknown): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    e.invalid(field, value, 'must be greater than or equal to 0')
  }
}

function validateName(e: Errors, r: ResourceDef, meta: KObj): void {
  const name = meta.name
  if (!name) {
    e.required('metadata.name', 'name or generateName is required')
    return
  }
  if (r.kind === 'Service' || r.kind === 'Namespace') {
    const re = r.kind === 'Service' ? DNS1035_LABEL : DNS1123_LABEL
    if (!re.test(name) || name.length > 63) {
      e.invalid(
        'metadata.name',
        name,
        r.kind === 'Service'
          ? "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
          : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      )
    }
  } else if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
    e.invalid(
      'metadata.name',
      name,
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    )
  }
}

function validatePodSpec(e: Errors, path: string, spec: KObj | undefined, restartPolicies?: string[]): void {
  if (!spec) {
    e.required(path)
    return
  }
  const containers = spec.containers
  if (!Array.isArray(containers) || containers.length === 0) {
    e.required(`${path}.containers`)
    return
  }
  const names = new Set<string>()
  containers.forEach((c: KObj, i: number) => {
    const cp = `${path}.containers[${i}]`
    if (!c.name) e.required(`${cp}.name`)
    else if (!DNS1123_LABEL.test(c.name))
      e.invalid(
        `${cp}.name`,
        c.name,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
      )
    else if (names.has(c.name))
      e.causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: ${JSON.stringify(c.name)}`,
        field: `${cp}.name`,
      })
    names.add(c.name)
    if (!c.image || typeof c.image !== 'string' || !c.image.trim()) e.required(`${cp}.image`)
    for (const [j, p] of (c.ports ?? []).entries()) {
      if (typeof p.containerPort !== 'number' || p.containerPort < 1 || p.containerPort > 65535) {
        e.invalid(`${cp}.ports[${j}].containerPort`, p.containerPort, 'must be between 1 and 65535, inclusive')
      }
    }
  })
  const policies = restartPolicies ?? ['Always', 'OnFailure', 'Never']
  if (spec.restartPolicy !== undefined && !policies.includes(spec.restartPolicy)) {
    e.unsupported(`${path}.restartPolicy`, spec.restartPolicy, policies)
  }
}

function validateSelectorAndTemplate(e: Errors, spec: KObj, needsMatch = true): void {
  if (!spec.selector) {
    e.required('spec.selector')
  } else {
    const selector = fromLabelSelector(spec.selector)
    if (selector.length === 0) e.invalid('spec.selector', spec.selector, 'empty selector is invalid for deployment')
    const labels = spec.template?.metadata?.labels ?? {}
    if (needsMatch && selector.length > 0 && !matchesLabels(selector, labels)) {
      e.invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`')
    }
  }
}

function validateIntOrPercent(e: Errors, field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'number') {
    if (value < 0) e.invalid(field, value, 'must be greater than or equal to 0')
    return value
  }
  if (typeof value === 'string' && /^\d+%$/.test(value)) {
    const pct = Number(value.slice(0, -1))
    if (pct > 100) e.invalid(field, value, 'must not be greater than 100%')
    return pct
  }
  e.invalid(
    field,
    value,
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
  )
  return undefined
}

function validateDeploymentSpec(e: Errors, spec: KObj): void {
  nonNegative(e, 'spec.replicas', spec.replicas)
  validateSelectorAndTemplate(e, spec)
  validatePodSpec(e, 'spec.template.spec', spec.template?.spec, ['Always'])
  const strategy = spec.strategy ?? {}
  if (strategy.type !== undefined && !['RollingUpdate', 'Recreate'].includes(strategy.type)) {
    e.unsupported('spec.strategy.type', strategy.type, ['Recreate', 'RollingUpdate'])
  }
  if (strategy.type === 'Recreate' && strategy.rollingUpdate) {
    e.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")
  }
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) {
    const ru = strategy.rollingUpdate
    const surge = validateIntOrPercent(e, 'spec.strategy.rollingUpdate.maxSurge', ru.maxSurge)
    const unavailable = validateIntOrPercent(e, 'spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable)
    if (surge === 0 && unavailable === 0) {
      e.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0')
    }
  }
  nonNegative(e, 'spec.minReadySeconds', spec.minReadySeconds)
  nonNegative(e, 'spec.revisionHistoryLimit', spec.revisionHistoryLimit)
  if (spec.progressDeadlineSeconds !== undefined) {
    nonNegative(e, 'spec.progressDeadlineSeconds', spec.progressDeadlineSeconds)
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      e.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds')
    }
  }
}

/** Throws 422 Invalid when the object is not acceptable; `old` is the stored object on update. */
export function validate(r: ResourceDef, obj: KObj, old?: KObj): void {
  const e = new Errors()
  const meta = obj.metadata ?? {}
  validateName(e, r, meta)
  const spec = obj.spec
  if (isGatewayKind(r.group, r.kind)) e.causes.push(...validateGatewayObject(r.kind, obj))
  switch (r.kind) {
    case 'Deployment':
      if (!spec) e.required('spec')
      else validateDeploymentSpec(e, spec)
      if (old && spec && !deepEqual(spec.selector, old.spec?.selector)) {
        e.invalid('spec.selector', spec.selector, 'field is immutable')
      }
      break
    case 'ReplicaSet':
      if (!spec) e.required('spec')
      else {
        nonNegative(e, 'spec.replicas', spec.replicas)
        validateSelectorAndTemplate(e, spec)
        validatePodSpec(e, 'spec.template.spec', spec.template?.spec, ['Always'])
      }
      break
    case 'Pod':
      validatePodSpec(e, 'spec', spec)
      if (old && spec && old.spec) {
        const { containers: a, ...restA } = spec
        const { containers: b, ...restB } = old.spec
        const images = (x: KObj[]) => (x ?? []).map((c) => ({ ...c, image: undefined }))
        if (!deepEqual(images(a), images(b)) || !deepEqual(strip(restA), strip(restB))) {
          e.forbidden(
            'spec',
            'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
          )
        }
      }
      break
    case 'Job':
      if (!spec) e.required('spec')
      else {
        validatePodSpec(e, 'spec.template.spec', spec.template?.spec, ['OnFailure', 'Never'])
        if (spec.template?.spec && !['OnFailure', 'Never'].includes(spec.template.spec.restartPolicy)) {
          e.causes.push({
            reason: 'FieldValueRequired',
            message: 'Required value: valid values: "OnFailure", "Never"',
            field: 'spec.template.spec.restartPolicy',
          })
        }
        nonNegative(e, 'spec.parallelism', spec.parallelism)
        nonNegative(e, 'spec.completions', spec.completions)
        nonNegative(e, 'spec.backoffLimit', spec.backoffLimit)
        if (old && !deepEqual(spec.template, old.spec?.template))
          e.invalid('spec.template', spec.template, 'field is immutable')
      }
      break
    case 'Service':
      if (spec?.type !== 'ExternalName' && spec?.clusterIP !== 'None' && !(spec?.ports?.length > 0)) {
        e.required('spec.ports')
      }
      for (const [i, p] of (spec?.ports ?? []).entries()) {
        if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) {
          e.invalid(`spec.ports[${i}].port`, p.port, 'must be between 1 and 65535, inclusive')
        }
      }
      if (old?.spec?.clusterIP && spec?.clusterIP !== old.spec.clusterIP) {
        e.invalid('spec.clusterIPs[0]', spec?.clusterIP, 'may not change once set')
      }
      break
    case 'StatefulSet':
      if (!spec) e.required('spec')
      else {
        nonNegative(e, 'spec.replicas', spec.replicas)
        validateSelectorAndTemplate(e, spec)
        validatePodSpec(e, 'spec.template.spec', spec.template?.spec, ['Always'])
      }
      break
    case 'CronJob':
      if (!spec?.schedule) e.required('spec.schedule')
      else if (String(spec.schedule).trim().split(/\s+/).length !== 5 && !String(spec.schedule).startsWith('@'))
        e.invalid('spec.schedule', spec.schedule, `unparseable schedule: ${JSON.stringify(spec.schedule)}`)
      if (!spec?.jobTemplate?.spec?.template?.spec) e.required('spec.jobTemplate.spec.template.spec')
      break
    case 'PodDisruptionBudget':
      if (spec?.minAvailable !== undefined && spec?.maxUnavailable !== undefined)
        e.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set')
      break
    case 'HorizontalPodAutoscaler':
      if (!spec?.scaleTargetRef?.name) e.required('spec.scaleTargetRef.name')
      if (!spec?.maxReplicas || spec.maxReplicas < 1)
        e.invalid('spec.maxReplicas', spec?.maxReplicas, 'must be greater than or equal to 1')
      if (spec?.minReplicas !== undefined && spec.minReplicas > spec.maxReplicas) {
        e.invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to `minReplicas`')
      }
      break
  }
  if (e.causes.length > 0) throw invalid(r.kind, r.group, meta.name ?? '', e.causes)
}

function strip(spec: KObj): KObj {
  const {
    activeDeadlineSeconds: _a,
    tolerations: _t,
    terminationGracePeriodSeconds: _g,
    initContainers: _i,
    ...rest
  } = spec
  return rest
}
