// A kubelet stand-in for one node: binds pods, pulls images, starts containers and reports
// status and events as the kubelet does. Image tags choose the failure to act out:
//   *-crashloop  the container exits 1 after starting: CrashLoopBackOff, growing restartCount
//   *-oom        the same, terminated with reason OOMKilled (exit code 137)
//   *-missing    the pull fails: ErrImagePull, then ImagePullBackOff
//   *-unready    the container runs but its readiness probe keeps failing (Unhealthy events)
// Pods of Jobs (restartPolicy Never/OnFailure) run to completion after the ready delay.
import { createHash } from 'node:crypto'
import type { Api } from './api.ts'
import { NODE_NAME, recordEvent } from './events.ts'
import { containerConfigError, type Lookup, volumeMountErrors } from './pod-config.ts'
import { resourceByKind } from './resources.ts'
import { unschedulable } from './scheduler.ts'
import { isoNow, type KObj } from './types.ts'
import { goDuration } from './util.ts'

const PODS = resourceByKind('Pod')
const NODES = resourceByKind('Node')

type Mode = 'normal' | 'crashloop' | 'oom' | 'missing' | 'unready'

interface ContainerState {
  name: string
  image: string
  mode: Mode
  phase:
    | 'creating'
    | 'running'
    | 'exited'
    | 'terminated'
    | 'crash-backoff'
    | 'pull-error'
    | 'pull-backoff'
    | 'config-error'
  /** Running: when the process exits (crash-looping images, Job pods), when it turns Ready, when probes next run. */
  exitAt?: number
  readyAt?: number
  nextReadinessProbe?: number
  nextLivenessProbe?: number
  livenessFailures: number
  /** Why the container's environment cannot be built (CreateContainerConfigError). */
  configError?: string
  /** When the current phase ends and the next step happens (ms). */
  nextAt: number
  restarts: number
  pullFailures: number
  startedAt?: string
  readySince?: number
  terminated?: KObj
  lastTerminated?: KObj
  containerId: string
}

interface InitContainer {
  name: string
  image: string
  containerId: string
}

interface PodState {
  uid: string
  /** Init containers run one after another in the first half of the ready delay, then all are Completed. */
  inits: InitContainer[]
  initDoneAt: number
  initDone: boolean
  startedAt: string
  podIP: string
  containers: ContainerState[]
  killing: boolean
  /** ConfigMap and Secret volumes set up; until then nothing is pulled or started. */
  mounted: boolean
  mountRetryAt: number
}

export function imageMode(image: string): Mode {
  const ref = image.split('@')[0]!
  const lastSegment = ref.slice(ref.lastIndexOf('/') + 1)
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : ''
  if (tag.endsWith('-crashloop')) return 'crashloop'
  if (tag.endsWith('-oom')) return 'oom'
  if (tag.endsWith('-missing')) return 'missing'
  if (tag.endsWith('-unready')) return 'unready'
  return 'normal'
}

/** Image references as the kubelet reports them: docker.io/library/ prefixed for short names. */
function fullImage(image: string): string {
  const first = image.split('/')[0]!
  const hasRegistry = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
  const withRepo = hasRegistry ? image : image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`
  const last = withRepo.slice(withRepo.lastIndexOf('/') + 1)
  return last.includes(':') || last.includes('@') ? withRepo : `${withRepo}:latest`
}

/**
 * The imageID the runtime reports: the repository with the digest it resolved. An image pinned by
 * digest resolves to that digest; a tag to a made-up digest that stays the same for the same reference.
 */
export function imageIdOf(image: string): string {
  const at = image.indexOf('@')
  if (at >= 0) return `${fullImage(image.slice(0, at)).replace(/:[^:/]+$/, '')}${image.slice(at)}`
  const ref = fullImage(image)
  return `${ref.replace(/:[^:/]+$/, '')}@sha256:${createHash('sha256').update(ref).digest('hex')}`
}

function hex(n: number): string {
  let s = ''
  for (let i = 0; i < n; i++) s += Math.floor(Math.random() * 16).toString(16)
  return s
}

export class Kubelet {
  private readonly api: Api
  private readonly readyDelayMs: number
  /** Real ms per ms of the kubelet's clock (back-off, probes, grace). */
  private readonly scale: number
  private readonly now: () => number
  private readonly pods = new Map<string, PodState>()
  /** Unschedulable pods: when the scheduler tries again, and how many attempts have failed. */
  private readonly schedulingRetry = new Map<string, { at: number; attempts: number }>()
  private ipCounter = 1

  /** The scheduling queue's order: pods by the resourceVersion they were created at (first come, first bound). */
  private readonly queued = new Map<string, number>()

  constructor(api: Api, readyDelayMs: number, now: () => number = Date.now, scale = 1) {
    this.api = api
    this.readyDelayMs = readyDelayMs
    this.scale = scale
    this.now = now
    api.store.subscribe((e) => {
      if (e.resource === PODS && e.type === 'ADDED') this.queued.set(e.object.metadata.uid, e.rv)
      if (e.resource === PODS && e.type === 'DELETED') this.queued.delete(e.object.metadata.uid)
    })
    api.store.create(NODES, {
      metadata: {
        name: NODE_NAME,
        labels: { 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
      },
      spec: {},
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
            lastHeartbeatTime: isoNow(),
            lastTransitionTime: isoNow(),
          },
        ],
        addresses: [
          { type: 'InternalIP', address: '10.0.0.10' },
          { type: 'Hostname', address: NODE_NAME },
        ],
        capacity: { cpu: '2', memory: '8Gi', pods: '110' },
        allocatable: { cpu: '2', memory: '8Gi', pods: '110' },
        nodeInfo: {
          kubeletVersion: 'v1.32.0-testbed',
          containerRuntimeVersion: 'containerd://1.7.0',
          osImage: 'testbed',
          operatingSystem: 'linux',
          architecture: 'amd64',
          kernelVersion: '6.1.0',
          kubeProxyVersion: '',
          machineID: '',
          systemUUID: '',
          bootID: '',
        },
      },
    })
  }

  private node(): KObj {
    return this.api.store.get(NODES, undefined, NODE_NAME)
  }

  /** The kubelet's back-off (pkg/kubelet: 10 s doubling per restart or failed pull, at most 5 min), in cluster ms. */
  private backoff(n: number): number {
    return Math.min(10_000 * 2 ** n, 300_000)
  }

  /** Cluster ms (or seconds declared in a spec) on the real clock. */
  private real(clusterMs: number): number {
    return clusterMs * this.scale
  }

  private event(
    pod: KObj,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    container?: string,
    component = 'kubelet',
    init = false,
  ): void {
    recordEvent(this.api, {
      involved: pod,
      type,
      reason,
      message,
      component,
      host: component === 'kubelet' ? NODE_NAME : undefined,
      fieldPath: container ? `spec.${init ? 'initContainers' : 'containers'}{${container}}` : undefined,
    })
  }

  tick(): void {
    const now = this.now()
    const seen = new Set<string>()
    const pods = this.api.store.list(PODS)
    const order = (p: KObj) => this.queued.get(p.metadata.uid) ?? 0
    pods.sort((a, b) => order(a) - order(b))
    for (const pod of pods) {
      seen.add(pod.metadata.uid)
      if (pod.metadata.deletionTimestamp) {
        this.terminate(pod, now)
        continue
      }
      if (!pod.spec.nodeName) {
        this.bind(pod, now)
        continue
      }
      if (pod.spec.nodeName !== NODE_NAME) continue
      const state = this.pods.get(pod.metadata.uid)
      if (!state) {
        this.adopt(pod, now)
        continue
      }
      this.step(pod, state, now)
    }
    for (const uid of this.pods.keys()) if (!seen.has(uid)) this.pods.delete(uid)
    for (const uid of this.schedulingRetry.keys()) if (!seen.has(uid)) this.schedulingRetry.delete(uid)
  }

  /** The scheduler's part: bind to the one node, or report why the pod does not fit it. */
  private bind(pod: KObj, now: number): void {
    const why = unschedulable(pod, this.node(), this.api.store.scan(PODS))
    if (why) {
      const retry = this.schedulingRetry.get(pod.metadata.uid)
      if (retry && now < retry.at) return
      // The scheduling queue's back-off (pkg/scheduler/backend/queue: podInitialBackoffDuration 1 s,
      // doubling per failed attempt up to podMaxBackoffDuration 10 s), on the cluster's clock.
      const attempts = (retry?.attempts ?? 0) + 1
      this.schedulingRetry.set(pod.metadata.uid, {
        at: now + this.real(Math.min(1000 * 2 ** (attempts - 1), 10_000)),
        attempts,
      })
      // Preemption finds no lower-priority victims on the one node; for a selector mismatch it cannot help at all.
      const preemption =
        why.startsWith('Insufficient') || why.startsWith('Too many')
          ? 'No preemption victims found for incoming pod'
          : 'Preemption is not helpful for scheduling'
      const message = `0/1 nodes are available: 1 ${why}. preemption: 0/1 nodes are available: 1 ${preemption}.`
      this.event(pod, 'Warning', 'FailedScheduling', message, undefined, 'default-scheduler')
      const fresh = this.api.store.get(PODS, pod.metadata.namespace, pod.metadata.name)
      const old = (fresh.status?.conditions ?? []).find((c: KObj) => c.type === 'PodScheduled')
      fresh.status = {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            lastProbeTime: null,
            lastTransitionTime: old?.lastTransitionTime ?? isoNow(now),
            reason: 'Unschedulable',
            message,
          },
        ],
        qosClass: fresh.status?.qosClass ?? 'BestEffort',
      }
      this.api.store.update(PODS, fresh, { statusOnly: true })
      return
    }
    this.schedulingRetry.delete(pod.metadata.uid)
    pod.spec.nodeName = NODE_NAME
    const bound = this.api.store.update(PODS, pod)
    this.event(
      bound,
      'Normal',
      'Scheduled',
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${NODE_NAME}`,
      undefined,
      'default-scheduler',
    )
    this.adopt(bound, now)
  }

  private lookup(namespace: string): Lookup {
    return (kind, name) => this.api.store.tryGet(resourceByKind(kind), namespace, name)
  }

  /** The volume manager's part: true once every ConfigMap and Secret volume can be set up, FailedMount until then. */
  private mount(pod: KObj, state: PodState, now: number): boolean {
    const errors = volumeMountErrors(pod, this.lookup(pod.metadata.namespace))
    if (errors.length === 0) {
      state.mounted = true
      state.initDoneAt = now + this.readyDelayMs / 2
      for (const c of state.containers) c.nextAt = now + this.readyDelayMs
      this.pullingEvents(pod, state)
      return true
    }
    for (const message of errors) this.event(pod, 'Warning', 'FailedMount', message)
    state.mountRetryAt = now + this.configRetryMs()
    return false
  }

  /**
   * How soon a pod held by a missing ConfigMap or Secret is looked at again: the pod worker's
   * back-off after a failed sync (pkg/kubelet kubelet.go backOffPeriod, 10 s), on the cluster's clock.
   */
  private configRetryMs(): number {
    return this.real(10_000)
  }

  private pullingEvents(pod: KObj, state: PodState): void {
    for (const c of [...state.inits, ...state.containers]) {
      this.event(
        pod,
        'Normal',
        'Pulling',
        `Pulling image "${c.image}"`,
        c.name,
        'kubelet',
        state.inits.includes(c as InitContainer),
      )
    }
  }

  private adopt(pod: KObj, now: number): void {
    const state: PodState = {
      mounted: false,
      mountRetryAt: 0,
      uid: pod.metadata.uid,
      startedAt: isoNow(now),
      podIP: `10.244.0.${(this.ipCounter++ % 250) + 2}`,
      killing: false,
      inits: (pod.spec.initContainers ?? []).map((c: KObj) => ({
        name: c.name,
        image: c.image,
        containerId: `containerd://${hex(64)}`,
      })),
      initDoneAt: now + this.readyDelayMs / 2,
      initDone: !(pod.spec.initContainers ?? []).length,
      containers: (pod.spec.containers ?? []).map((c: KObj) => ({
        name: c.name,
        image: c.image,
        mode: imageMode(c.image),
        phase: 'creating',
        nextAt: now + this.readyDelayMs,
        restarts: 0,
        pullFailures: 0,
        livenessFailures: 0,
        containerId: `containerd://${hex(64)}`,
      })),
    }
    this.pods.set(pod.metadata.uid, state)
    if (!this.mount(pod, state, now)) {
      state.initDoneAt = Number.POSITIVE_INFINITY
      for (const c of state.containers) c.nextAt = Number.POSITIVE_INFINITY
    }
    this.writeStatus(pod, state, now)
  }

  private step(pod: KObj, state: PodState, now: number): void {
    const restartPolicy = pod.spec.restartPolicy ?? 'Always'
    let changed = false
    if (!state.mounted) {
      if (now < state.mountRetryAt || !this.mount(pod, state, now)) return
      changed = true
    }
    if (!state.initDone && now >= state.initDoneAt) {
      state.initDone = true
      changed = true
      for (const c of state.inits) {
        this.pulled(pod, c.image, c.name, Math.round(this.readyDelayMs / 2), true)
        this.createdAndStarted(pod, c.name, true)
      }
    }
    for (const c of state.containers) {
      if (now < c.nextAt) continue
      changed = true
      switch (c.phase) {
        case 'creating':
        case 'pull-backoff':
          if (c.mode === 'missing') {
            if (c.phase === 'pull-backoff') this.event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`, c.name)
            const ref = fullImage(c.image)
            this.event(
              pod,
              'Warning',
              'Failed',
              `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`,
              c.name,
            )
            this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', c.name)
            c.phase = 'pull-error'
            c.nextAt = now + this.readyDelayMs
          } else {
            if (c.phase === 'creating') this.pulled(pod, c.image, c.name, this.readyDelayMs)
            this.startIfConfigured(pod, c, now)
          }
          break
        case 'config-error':
          this.event(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, c.name)
          this.startIfConfigured(pod, c, now)
          break
        case 'pull-error':
          c.pullFailures++
          this.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, c.name)
          this.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', c.name)
          c.phase = 'pull-backoff'
          c.nextAt = now + this.real(this.backoff(c.pullFailures))
          break
        case 'running':
          this.running(pod, state, c, now, restartPolicy)
          break
        case 'exited':
          // The next sync after the exit: back off before restarting (the STATUS column showed Error/OOMKilled/Completed until now).
          c.lastTerminated = c.terminated
          c.terminated = undefined
          c.phase = 'crash-backoff'
          c.nextAt = now + this.real(this.backoff(c.restarts))
          this.event(
            pod,
            'Warning',
            'BackOff',
            `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
            c.name,
          )
          break
        case 'crash-backoff':
          c.restarts++
          c.containerId = `containerd://${hex(64)}`
          this.event(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, c.name)
          this.start(pod, c, now)
          break
        default:
          c.nextAt = Number.POSITIVE_INFINITY
      }
    }
    if (changed) this.writeStatus(pod, state, now)
  }

  private pulled(pod: KObj, image: string, name: string, ms: number, init = false): void {
    const took = goDuration(ms)
    const message = `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: 4194304 bytes.`
    this.event(pod, 'Normal', 'Pulled', message, name, 'kubelet', init)
  }

  private createdAndStarted(pod: KObj, name: string, init = false): void {
    this.event(pod, 'Normal', 'Created', `Created container: ${name}`, name, 'kubelet', init)
    this.event(pod, 'Normal', 'Started', `Started container ${name}`, name, 'kubelet', init)
  }

  /** Builds the container's environment first: a missing ConfigMap/Secret (or key) is CreateContainerConfigError. */
  private startIfConfigured(pod: KObj, c: ContainerState, now: number): void {
    const error = containerConfigError(
      specOf(pod, c.name) ?? {},
      pod.metadata.namespace,
      this.lookup(pod.metadata.namespace),
    )
    if (error) {
      c.phase = 'config-error'
      c.configError = error
      c.nextAt = now + this.configRetryMs()
      this.event(pod, 'Warning', 'Failed', `Error: ${error}`, c.name)
      return
    }
    c.configError = undefined
    this.start(pod, c, now)
  }

  /**
   * A started container: crash-looping images exit after the ready delay and are never Ready; Job
   * pods complete after it. Readiness follows the prober (pkg/kubelet/prober): no readiness probe
   * is Ready at once, a probe is first run after initialDelaySeconds. An `-unready` image fails
   * the probes its container declares: readiness keeps it unready (Unhealthy every periodSeconds),
   * liveness restarts it after failureThreshold failures; with no probes it is Ready.
   */
  private start(pod: KObj, c: ContainerState, now: number): void {
    this.createdAndStarted(pod, c.name)
    c.phase = 'running'
    c.startedAt = isoNow(now)
    c.readySince = undefined
    c.livenessFailures = 0
    const spec = specOf(pod, c.name) ?? {}
    const restartPolicy = pod.spec.restartPolicy ?? 'Always'
    const crashes = c.mode === 'crashloop' || c.mode === 'oom'
    c.exitAt = crashes || restartPolicy !== 'Always' ? now + this.readyDelayMs : undefined
    const readiness = spec.readinessProbe
    const liveness = spec.livenessProbe
    const delay = (probe: KObj | undefined) => this.real((probe?.initialDelaySeconds ?? 0) * 1000)
    c.readyAt = crashes || (c.mode === 'unready' && readiness) ? undefined : now + (readiness ? delay(readiness) : 0)
    c.nextReadinessProbe = c.mode === 'unready' && readiness ? now + delay(readiness) : undefined
    c.nextLivenessProbe = c.mode === 'unready' && liveness ? now + delay(liveness) : undefined
    if (c.readyAt !== undefined && c.readyAt <= now) c.readySince = now
    c.nextAt = this.nextRunningEvent(c)
  }

  private nextRunningEvent(c: ContainerState): number {
    const pending = c.readySince === undefined ? c.readyAt : undefined
    return Math.min(
      ...[c.exitAt, pending, c.nextReadinessProbe, c.nextLivenessProbe].map((t) => t ?? Number.POSITIVE_INFINITY),
    )
  }

  private running(pod: KObj, state: PodState, c: ContainerState, now: number, restartPolicy: string): void {
    const spec = specOf(pod, c.name) ?? {}
    const period = (probe: KObj) => this.real((probe.periodSeconds ?? 10) * 1000)
    if (c.exitAt !== undefined && now >= c.exitAt) {
      const failed = c.mode === 'crashloop' || c.mode === 'oom'
      this.exit(
        c,
        now,
        c.mode === 'oom' ? 137 : failed ? 1 : 0,
        c.mode === 'oom' ? 'OOMKilled' : failed ? 'Error' : 'Completed',
        restartPolicy,
      )
      return
    }
    if (c.readySince === undefined && c.readyAt !== undefined && now >= c.readyAt) c.readySince = now
    if (c.nextReadinessProbe !== undefined && now >= c.nextReadinessProbe) {
      const probe = spec.readinessProbe ?? {}
      this.event(pod, 'Warning', 'Unhealthy', `Readiness probe failed: ${probeFailure(probe, state.podIP)}`, c.name)
      c.nextReadinessProbe = now + period(probe)
    }
    if (c.nextLivenessProbe !== undefined && now >= c.nextLivenessProbe) {
      const probe = spec.livenessProbe ?? {}
      this.event(pod, 'Warning', 'Unhealthy', `Liveness probe failed: ${probeFailure(probe, state.podIP)}`, c.name)
      c.livenessFailures++
      c.nextLivenessProbe = now + period(probe)
      if (c.livenessFailures >= (probe.failureThreshold ?? 3)) {
        this.event(pod, 'Normal', 'Killing', `Container ${c.name} failed liveness probe, will be restarted`, c.name)
        // Stopped with SIGTERM, then SIGKILL: containerd reports exit code 137 and reason Error.
        this.exit(c, now, 137, 'Error', restartPolicy)
        return
      }
    }
    c.nextAt = this.nextRunningEvent(c)
  }

  /** The process ended: shown terminated until the next sync, then restarted (after a back-off) or left so. */
  private exit(c: ContainerState, now: number, exitCode: number, reason: string, restartPolicy: string): void {
    c.terminated = { exitCode, reason, startedAt: c.startedAt, finishedAt: isoNow(now), containerID: c.containerId }
    c.readySince = undefined
    c.exitAt = c.readyAt = c.nextReadinessProbe = c.nextLivenessProbe = undefined
    const restart = restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && exitCode !== 0)
    if (restart) {
      c.phase = 'exited'
      // The pod worker's next sync after the container event (about a second on a real node).
      c.nextAt = now + Math.max(this.real(1000), 1)
    } else {
      c.phase = 'terminated'
      c.nextAt = Number.POSITIVE_INFINITY
    }
  }

  private terminate(pod: KObj, now: number): void {
    const state = this.pods.get(pod.metadata.uid)
    if (state && !state.killing) {
      state.killing = true
      for (const c of state.containers) {
        if (c.phase === 'running') this.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, c.name)
      }
    }
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000
    const markedAt = Date.parse(pod.metadata.deletionTimestamp) - graceMs
    // Containers stop promptly on SIGTERM: the pod goes once half the ready delay (or the grace period) has passed.
    if (pod.metadata.finalizers?.length) return
    if (now >= markedAt + Math.min(this.real(graceMs), this.readyDelayMs / 2) || !state) {
      if (this.api.store.tryGet(PODS, pod.metadata.namespace, pod.metadata.name)) {
        this.api.store.delete(PODS, pod.metadata.namespace, pod.metadata.name)
      }
      this.pods.delete(pod.metadata.uid)
    }
  }

  private containerStatus(c: ContainerState, specContainer: KObj | undefined): KObj {
    let st: KObj
    const ref = fullImage(c.image)
    switch (c.phase) {
      case 'creating':
        st = { waiting: { reason: 'ContainerCreating' } }
        break
      case 'pull-error':
        st = {
          waiting: {
            reason: 'ErrImagePull',
            message: `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`,
          },
        }
        break
      case 'pull-backoff':
        st = {
          waiting: {
            reason: 'ImagePullBackOff',
            message: `Back-off pulling image "${c.image}": ErrImagePull: failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`,
          },
        }
        break
      case 'running':
        st = { running: { startedAt: c.startedAt } }
        break
      case 'config-error':
        st = { waiting: { reason: 'CreateContainerConfigError', message: c.configError } }
        break
      case 'crash-backoff':
        st = {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${goDuration(this.backoff(c.restarts))} restarting failed container=${c.name} pod=${'$POD'}`,
          },
        }
        break
      default:
        st = { terminated: c.terminated }
    }
    const ready = c.phase === 'running' && c.readySince !== undefined
    const out: KObj = {
      name: c.name,
      state: st,
      lastState: c.lastTerminated ? { terminated: c.lastTerminated } : {},
      ready,
      restartCount: c.restarts,
      image: specContainer?.image ?? c.image,
      imageID: c.startedAt === undefined ? '' : imageIdOf(c.image),
      started: c.phase === 'running',
    }
    if (c.startedAt !== undefined) out.containerID = c.containerId
    return out
  }

  private writeStatus(pod: KObj, state: PodState, now: number): void {
    const fresh = this.api.store.tryGet(PODS, pod.metadata.namespace, pod.metadata.name)
    if (!fresh || fresh.metadata.uid !== state.uid) return
    const specs = new Map<string, KObj>((fresh.spec.containers ?? []).map((c: KObj) => [c.name, c]))
    const statuses = state.containers.map((c) => {
      const s = this.containerStatus(c, specs.get(c.name))
      if (s.state.waiting?.message)
        s.state.waiting.message = s.state.waiting.message.replace(
          '$POD',
          `${fresh.metadata.name}_${fresh.metadata.namespace}(${fresh.metadata.uid})`,
        )
      return s
    })
    if (!state.initDone) {
      for (const st of statuses)
        if (st.state.waiting?.reason === 'ContainerCreating') st.state.waiting.reason = 'PodInitializing'
    }
    const initStatuses = state.inits.map((c, i) => {
      const done = state.initDone
      const running = !done && i === 0
      const st: KObj = {
        name: c.name,
        state: done
          ? {
              terminated: {
                exitCode: 0,
                reason: 'Completed',
                startedAt: state.startedAt,
                finishedAt: isoNow(state.initDoneAt),
                containerID: c.containerId,
              },
            }
          : running
            ? { running: { startedAt: state.startedAt } }
            : { waiting: { reason: 'PodInitializing' } },
        lastState: {},
        ready: done,
        restartCount: 0,
        image: c.image,
        imageID: imageIdOf(c.image),
        started: running,
      }
      if (done || running) st.containerID = c.containerId
      return st
    })
    const allTerminated = state.containers.every((c) => c.phase === 'terminated')
    const anyStarted = state.containers.some(
      (c) => c.phase === 'running' || c.phase === 'exited' || c.phase === 'crash-backoff' || c.phase === 'terminated',
    )
    let phase = 'Pending'
    if (allTerminated) phase = state.containers.every((c) => c.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed'
    else if (anyStarted) phase = 'Running'
    const ready = phase === 'Running' && statuses.every((s) => s.ready)
    const old = fresh.status ?? {}
    const oldCond = (type: string) => (old.conditions ?? []).find((c: KObj) => c.type === type)
    const cond = (type: string, status: boolean, reason?: string, message?: string): KObj => {
      const value = status ? 'True' : 'False'
      const prev = oldCond(type)
      const c: KObj = {
        type,
        status: value,
        lastProbeTime: null,
        lastTransitionTime: prev && prev.status === value ? prev.lastTransitionTime : isoNow(now),
      }
      if (!status && reason) c.reason = reason
      if (!status && message) c.message = message
      return c
    }
    const unready = statuses.filter((s) => !s.ready).map((s) => s.name)
    const finished = phase === 'Succeeded' || phase === 'Failed'
    const notReadyReason = finished ? 'PodCompleted' : 'ContainersNotReady'
    const notReadyMessage = finished ? undefined : `containers with unready status: [${unready.join(' ')}]`
    const conditions = [
      cond('PodReadyToStartContainers', !finished),
      state.initDone
        ? cond('Initialized', true)
        : cond(
            'Initialized',
            false,
            'ContainersNotInitialized',
            `containers with incomplete status: [${state.inits.map((c) => c.name).join(' ')}]`,
          ),
      cond('Ready', ready, notReadyReason, notReadyMessage),
      cond('ContainersReady', ready, notReadyReason, notReadyMessage),
      cond('PodScheduled', true),
    ]
    const status: KObj = {
      phase,
      conditions,
      hostIP: '10.0.0.10',
      hostIPs: [{ ip: '10.0.0.10' }],
      podIP: state.podIP,
      podIPs: [{ ip: state.podIP }],
      startTime: state.startedAt,
      ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
      containerStatuses: statuses,
      qosClass: old.qosClass ?? 'BestEffort',
    }
    fresh.status = status
    this.api.store.update(PODS, fresh, { statusOnly: true })
  }
}

function specOf(pod: KObj, name: string): KObj | undefined {
  return (pod.spec?.containers ?? []).find((c: KObj) => c.name === name)
}

/** The prober's failure text for the probe the container declares (an HTTP 503 when it declares none). */
function probeFailure(probe: KObj | undefined, ip: string): string {
  if (probe?.tcpSocket) return `dial tcp ${ip}:${probe.tcpSocket.port}: connect: connection refused`
  if (probe?.exec) return `command ${JSON.stringify((probe.exec.command ?? []).join(' '))} exited with 1`
  if (probe?.grpc) return `timeout: failed to connect service "${ip}:${probe.grpc.port}" within 1s`
  return 'HTTP probe failed with statuscode: 503'
}
