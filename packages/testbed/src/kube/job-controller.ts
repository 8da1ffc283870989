// The Job controller (batch/v1): runs pods to spec.completions with spec.parallelism, retries
// failures up to backoffLimit, and writes status and the Complete / Failed conditions.
import type { Api } from './api.ts'
import { recordEvent } from './events.ts'
import { podFromTemplate } from './replicaset-controller.ts'
import { resourceByKind } from './resources.ts'
import { deepEqual, isoNow, type KObj } from './types.ts'
import { isControlledBy, isPodActive, isPodReady, ObjectController } from './util.ts'

const JOBS = resourceByKind('Job')
const PODS = resourceByKind('Pod')

function condition(type: string, reason: string, message: string): KObj {
  const now = isoNow()
  return { type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message }
}

export class JobController extends ObjectController {
  constructor(api: Api, now: () => number = Date.now) {
    super(api, JOBS, now)
  }

  private event(job: KObj, type: 'Normal' | 'Warning', reason: string, message: string): void {
    recordEvent(this.api, { involved: job, type, reason, message, component: 'job-controller' })
  }

  protected sync(job: KObj): void {
    const finished = (job.status?.conditions ?? []).some(
      (c: KObj) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    )
    const pods = this.api.store.list(PODS, { namespace: job.metadata.namespace }).filter((p) => isControlledBy(p, job))
    const active = pods.filter(isPodActive)
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length
    const failed = pods.filter((p) => p.status?.phase === 'Failed').length
    const status: KObj = { ...(job.status ?? {}) }
    const spec = job.spec
    const completions = spec.completions ?? 1
    if (finished) {
      for (const p of active) this.api.delete(PODS, p.metadata.namespace, p.metadata.name)
      return
    }
    if (!spec.suspend) status.startTime ??= isoNow()
    const conditions: KObj[] = [...(status.conditions ?? [])]
    if (failed > (spec.backoffLimit ?? 6)) {
      for (const p of active) this.api.delete(PODS, p.metadata.namespace, p.metadata.name)
      conditions.push(condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'))
      conditions.push(condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'))
      this.event(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')
      status.active = 0
    } else if (succeeded >= completions) {
      conditions.push(
        condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'),
      )
      conditions.push(condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'))
      status.completionTime = isoNow()
      status.active = 0
      this.event(job, 'Normal', 'Completed', 'Job completed')
    } else if (!spec.suspend) {
      const want = Math.min(spec.parallelism ?? 1, completions - succeeded)
      for (let i = active.length; i < want; i++) {
        const pod = this.api.create(PODS, job.metadata.namespace, podFromTemplate(job, job.spec.template))
        this.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`)
      }
      status.active = Math.max(active.length, want)
    }
    status.succeeded = succeeded
    status.failed = failed
    status.ready = active.filter(isPodReady).length
    status.terminating = 0
    status.uncountedTerminatedPods = {}
    for (const k of ['active', 'succeeded', 'failed']) if (status[k] === 0) delete status[k]
    if (conditions.length) status.conditions = conditions
    if (!deepEqual(job.status, status)) {
      const stored = this.api.store.get(JOBS, job.metadata.namespace, job.metadata.name)
      stored.status = status
      this.api.store.update(JOBS, stored, { statusOnly: true })
    }
  }
}
