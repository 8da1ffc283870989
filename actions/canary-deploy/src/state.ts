// The canary's progress lives in one annotation on its own `<name>-canary` Deployment, never on
// the stable Deployment: the deployment controller copies a Deployment's annotations into its
// ReplicaSets and `rollout undo` copies them back (kubectl's rollback skips only a few keys), so
// state kept on the stable would return after a rollback. A later job's promote/abort/status
// reads everything it needs from here. Pure.
import type { RouterKind } from './inputs.ts'

export const STATE_ANNOTATION = 'deploy-actions.dev/canary-state'
export const CANARY_SUFFIX = '-canary'
export const TRACK_LABEL = 'track'

export type Phase = 'starting' | 'running' | 'paused' | 'promoting' | 'aborting'

export interface CanaryState {
  v: 1
  stable: string
  namespace: string
  container: string
  image: string
  previousImage: string
  router: RouterKind
  httpRoute?: string
  ingress?: string
  header?: { name: string; value: string }
  stableService?: string
  canaryService?: string
  /** Labels only the canary pods carry (the canary Deployment's selector). */
  canaryPodLabels: Record<string, string>
  steps: number[]
  /** The weight asked last, and what was read back. */
  weight: number
  liveWeight: number
  phase: Phase
  started: string
  updated: string
  /** The stable replica count the canary was sized against; `hpa` when an HPA gave it. */
  stableReplicas?: number
  hpa?: string
  /** Which job started it (the run URL), for the refusal message and the post step. */
  startedBy?: string
  /** Last verdict of each check: `error-rate: 0.002 (pass)`. */
  checks: string[]
}

export const canaryName = (stable: string): string => `${stable}${CANARY_SUFFIX}`

export function encodeState(state: CanaryState): Record<string, string> {
  return { [STATE_ANNOTATION]: JSON.stringify(state) }
}

/** The state from a canary Deployment's annotations; undefined when absent or not ours. */
export function decodeState(annotations: Record<string, string> | undefined): CanaryState | undefined {
  const raw = annotations?.[STATE_ANNOTATION]
  if (!raw) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return undefined
  }
  const s = parsed as Partial<CanaryState>
  if (s?.v !== 1 || typeof s.stable !== 'string' || typeof s.image !== 'string' || typeof s.router !== 'string') {
    return undefined
  }
  return { checks: [], canaryPodLabels: {}, steps: [], ...s } as CanaryState
}

/** One line for `status` and the refusal of a second deploy. */
export function describeState(s: CanaryState): string {
  const at = s.steps.length ? ` (steps ${s.steps.join(',')})` : ''
  return (
    `canary ${canaryName(s.stable)} of ${s.namespace}/${s.stable}: image ${s.image} at weight ${s.liveWeight}%` +
    `${at}, ${s.phase}, router ${s.router}, started ${s.started}${s.startedBy ? ` by ${s.startedBy}` : ''}`
  )
}
