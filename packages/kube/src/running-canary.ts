// Whether a canary of the Deployment is running, read the way canary-deploy writes it: a
// `<name>-canary` Deployment carrying the `deploy-actions.dev/canary-state` annotation (JSON; see
// actions/canary-deploy/src/state.ts). Only the fields others need: rollback to refuse or to
// abort the canary (route 100% stable, remove the router's objects, delete the canary
// Deployment), the release guardrails to block a release while one runs. Pure.
import type { KubeObject } from './objects.ts'
import type { CanaryRouting, WeightedRouterKind } from './traffic/router.ts'

export const CANARY_STATE_ANNOTATION = 'deploy-actions.dev/canary-state'
export const canaryDeploymentName = (stable: string) => `${stable}-canary`

export interface RunningCanary {
  name: string
  image: string | undefined
  weight: number | undefined
  phase: string | undefined
  router: string
  startedBy: string | undefined
  /** The weighted router's routing, when the canary used one (not `replicas`). */
  routing: { kind: WeightedRouterKind; routing: CanaryRouting } | undefined
}

const WEIGHTED: readonly string[] = ['gateway-api', 'alb', 'nginx']
const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined)

/** The running canary described by this Deployment's annotation; undefined when it carries none. */
export function runningCanary(
  canary: KubeObject | undefined,
  stable: string,
  namespace: string,
): RunningCanary | undefined {
  const raw = canary?.metadata?.annotations?.[CANARY_STATE_ANNOTATION]
  if (!canary || !raw) return undefined
  let s: Record<string, unknown>
  try {
    s = JSON.parse(raw) as Record<string, unknown>
  } catch {
    s = {}
  }
  const router = str(s.router) ?? 'unknown'
  const header = s.header as { name?: unknown; value?: unknown } | undefined
  const routing: CanaryRouting = {
    namespace,
    stable,
    stableService: str(s.stableService) ?? stable,
    canaryService: str(s.canaryService) ?? canaryDeploymentName(stable),
    canaryPodLabels: (s.canaryPodLabels as Record<string, string> | undefined) ?? {},
    httpRoute: str(s.httpRoute),
    ingress: str(s.ingress),
    header:
      typeof header?.name === 'string' && typeof header.value === 'string'
        ? { name: header.name, value: header.value }
        : undefined,
  }
  return {
    name: canary.metadata?.name ?? canaryDeploymentName(stable),
    image: str(s.image),
    weight: typeof s.liveWeight === 'number' ? s.liveWeight : typeof s.weight === 'number' ? s.weight : undefined,
    phase: str(s.phase),
    router,
    startedBy: str(s.startedBy),
    routing: WEIGHTED.includes(router) ? { kind: router as WeightedRouterKind, routing } : undefined,
  }
}

/** `canary web-canary (image web:2, 10%, running, router gateway-api, started by <run>)` */
export function describeCanary(c: RunningCanary): string {
  const parts = [
    c.image ? `image ${c.image}` : '',
    c.weight !== undefined ? `${c.weight}%` : '',
    c.phase ?? '',
    `router ${c.router}`,
    c.startedBy ? `started by ${c.startedBy}` : '',
  ].filter(Boolean)
  return `canary ${c.name} (${parts.join(', ')})`
}
