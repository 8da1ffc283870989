// Deployment revisions as kubectl reads them (k8s.io/kubectl/pkg/util/deployment and
// polymorphichelpers/{history,rollback}.go): ReplicaSets controlled by the Deployment, their
// `deployment.kubernetes.io/revision` annotation, the new ReplicaSet found by template equality
// ignoring `pod-template-hash`, and the rollback target selection with kubectl's errors. Pure.
import { DeployError } from '@deploy-actions/kit'
import type { Deployment, ObjectMeta, PodTemplateSpec, ReplicaSet } from './types.ts'
import { timeOf } from './types.ts'

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision'
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause'
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash'

/** Annotations kubectl never copies from a ReplicaSet back into its Deployment on rollback. */
export const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
])

/** A rollback kubectl refuses; the message is kubectl's, and nothing was changed. */
export class RollbackError extends DeployError {
  override name = 'RollbackError'
  constructor(message: string) {
    super(message, { leftState: 'deployment unchanged' })
  }
}

/**
 * The revision annotation as kubectl's deploymentutil.Revision reads it: absent → 0,
 * unparseable → undefined (kubectl's error case).
 */
export function revisionOf(obj: { metadata?: ObjectMeta }): number | undefined {
  const v = obj.metadata?.annotations?.[REVISION_ANNOTATION]
  if (v === undefined) return 0
  return /^[+-]?\d+$/.test(v.trim()) ? Number(v.trim()) : undefined
}

/** ReplicaSets whose controller owner reference is this Deployment (kubectl's ListReplicaSets filter). */
export function ownedReplicaSets(deployment: Deployment, replicaSets: readonly ReplicaSet[]): ReplicaSet[] {
  const uid = deployment.metadata?.uid
  return replicaSets.filter((rs) => {
    const controller = rs.metadata?.ownerReferences?.find((o) => o.controller)
    return controller !== undefined && controller.uid === uid
  })
}

/** Oldest first, ties by name (kubectl's ReplicaSetsByCreationTimestamp). */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = timeOf(a.metadata?.creationTimestamp) - timeOf(b.metadata?.creationTimestamp)
  return d !== 0 ? d : (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')
}

/** The ReplicaSet running the Deployment's current template (kubectl's FindNewReplicaSet). */
export function findNewReplicaSet(deployment: Deployment, owned: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...owned].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, deployment.spec?.template))
}

/** A pod template without the `pod-template-hash` label (deep copy). */
export function withoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec {
  // structuredClone keeps Dates as Dates, so client-node can serialise the copy back.
  const copy = structuredClone(template ?? {}) as PodTemplateSpec
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL]
  }
  return copy
}

/** Template equality ignoring `pod-template-hash`, with empty and absent treated alike (Semantic.DeepEqual). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return semanticEqual(normalize(plain(withoutHash(a))), normalize(plain(withoutHash(b))))
}

export interface HistoryEntry {
  revision: number
  changeCause: string | undefined
  replicaSet: string
  images: string[]
  replicas: number
  template: PodTemplateSpec
  /** The revision the Deployment runs now (its template matches). */
  current: boolean
}

/**
 * `kubectl rollout history`: one entry per revision, ascending. Like kubectl, a revision seen on
 * two ReplicaSets keeps the last one listed, and ReplicaSets with a malformed revision are skipped.
 */
export function rolloutHistory(deployment: Deployment, owned: readonly ReplicaSet[]): HistoryEntry[] {
  const newRs = findNewReplicaSet(deployment, owned)
  const byRevision = new Map<number, HistoryEntry>()
  for (const rs of owned) {
    const revision = revisionOf(rs)
    if (revision === undefined) continue
    const template = rs.spec?.template ?? {}
    byRevision.set(revision, {
      revision,
      changeCause: rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] || undefined,
      replicaSet: rs.metadata?.name ?? '',
      images: (template.spec?.containers ?? []).map((c) => c.image ?? ''),
      replicas: rs.status?.replicas ?? 0,
      template,
      current: rs === newRs,
    })
  }
  return [...byRevision.values()].sort((a, b) => a.revision - b.revision)
}

/** The history table kubectl prints (`REVISION  CHANGE-CAUSE`). */
export function formatHistory(entries: readonly HistoryEntry[]): string {
  if (entries.length === 0) return 'No rollout history found.'
  const width = Math.max('REVISION'.length, ...entries.map((e) => String(e.revision).length)) + 2
  const rows = entries.map((e) => `${String(e.revision).padEnd(width)}${e.changeCause ?? '<none>'}`)
  return [`${'REVISION'.padEnd(width)}CHANGE-CAUSE`, ...rows].join('\n')
}

/** The entry of one revision (`kubectl rollout history --revision=N`), with kubectl's error. */
export function historyRevision(entries: readonly HistoryEntry[], revision: number): HistoryEntry {
  const entry = entries.find((e) => e.revision === revision)
  if (!entry) throw new RollbackError('unable to find the specified revision')
  return entry
}

/**
 * The ReplicaSet `kubectl rollout undo [--to-revision=N]` restores (kubectl's deploymentRevision):
 * N > 0 that exact revision, 0 the second-newest revision.
 */
export function rollbackTarget(deployment: Deployment, owned: readonly ReplicaSet[], toRevision = 0): ReplicaSet {
  if (toRevision < 0) throw new RollbackError(`unable to find specified revision ${toRevision} in history`)
  let latest: ReplicaSet | undefined
  let latestRevision = -1
  let previous: ReplicaSet | undefined
  let previousRevision = -1
  for (const rs of owned) {
    const v = revisionOf(rs)
    if (v === undefined) continue
    if (toRevision === 0) {
      if (latestRevision < v) {
        previousRevision = latestRevision
        previous = latest
        latestRevision = v
        latest = rs
      } else if (previousRevision < v) {
        previousRevision = v
        previous = rs
      }
    } else if (toRevision === v) {
      return rs
    }
  }
  if (toRevision > 0) throw new RollbackError(`unable to find specified revision ${toRevision} in history`)
  if (!previous) throw new RollbackError(`no rollout history found for deployment "${deployment.metadata?.name ?? ''}"`)
  return previous
}

export type RollbackPlan =
  | { skipped: true; revision: number; message: string }
  | {
      skipped: false
      revision: number
      template: PodTemplateSpec
      annotations: Record<string, string>
      message: string
    }

/**
 * What `kubectl rollout undo` writes: the target ReplicaSet's pod template minus the hash label,
 * and the Deployment's annotations with the ReplicaSet's (except the skipped ones) laid over them.
 */
export function planRollback(deployment: Deployment, owned: readonly ReplicaSet[], toRevision = 0): RollbackPlan {
  if (deployment.spec?.paused) {
    const name = deployment.metadata?.name ?? ''
    throw new RollbackError(
      `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${name}' and try again`,
    )
  }
  const rs = rollbackTarget(deployment, owned, toRevision)
  const revision = revisionOf(rs) ?? 0
  if (equalIgnoreHash(rs.spec?.template, deployment.spec?.template)) {
    return {
      skipped: true,
      revision,
      message: `skipped rollback (current template already matches revision ${toRevision})`,
    }
  }
  const annotations: Record<string, string> = {}
  const current = deployment.metadata?.annotations ?? {}
  for (const k of ANNOTATIONS_TO_SKIP) if (current[k] !== undefined) annotations[k] = current[k]
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {}))
    if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v
  return { skipped: false, revision, template: withoutHash(rs.spec?.template), annotations, message: 'rolled back' }
}

/** The Deployment with a rollback plan applied (a copy, ready to write back with its resourceVersion). */
export function applyRollback<D extends Deployment>(deployment: D, plan: Extract<RollbackPlan, { skipped: false }>): D {
  const next = { ...deployment, metadata: { ...deployment.metadata, annotations: { ...plan.annotations } } }
  next.spec = { ...deployment.spec!, template: plan.template }
  return next
}

// JSON-ish copy: Dates become ISO strings, undefined fields vanish.
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value))
}

// Drops null, empty arrays and empty objects, so `[]`, `{}` and absent compare equal.
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalize)
    return items.length ? items : undefined
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const n = normalize(v)
      if (n !== undefined) out[k] = n
    }
    return Object.keys(out).length ? out : undefined
  }
  return value === null ? undefined : value
}

function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]))
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    return (
      ka.length === kb.length &&
      ka.every((k) => semanticEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    )
  }
  return false
}
