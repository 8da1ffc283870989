// The weighted traffic routers of a canary release (Gateway API HTTPRoute weights, AWS Load
// Balancer Controller weighted target groups, the legacy ingress-nginx canary Ingress). The
// `replicas` router is not here: its share comes from pod counts, which the canary action owns.
// A router never touches Deployments; it routes between the stable Service and a canary Service
// that selects exactly the canary pods.

/** What a router routes between; names are decided by the canary action. */
export interface CanaryRouting {
  namespace: string
  /** The stable Deployment's name. */
  stable: string
  /** The stable Service (the route's existing backend). */
  stableService: string
  /** The canary Service the router creates (`<stable>-canary`), selecting `canaryPodLabels`. */
  canaryService: string
  /** Labels only canary pods carry: the canary Service selects them, the stable Service must not. */
  canaryPodLabels: Record<string, string>
  /** The HTTPRoute (gateway-api) whose rules to the stable Service get the two weighted backendRefs. */
  httpRoute?: string
  /** The Ingress (alb: annotated in place; nginx: copied into `<ingress>-canary`). */
  ingress?: string
  /** A header that pins a request to the canary (`X-Canary: always`), where the router supports it. */
  header?: { name: string; value: string }
}

/** A weight as asked and as read back from the routing object afterwards. */
export interface LiveWeight {
  asked: number
  live: number
  /** One line saying where the live weight was read (object, field) and what each backend holds. */
  detail: string
}

export type WeightedRouterKind = 'gateway-api' | 'alb' | 'nginx'

export interface TrafficRouter {
  readonly kind: WeightedRouterKind
  /** Checks, before any write, that the routing object exists and routes to the stable Service. */
  check(): Promise<void>
  /** Creates the canary Service and router objects at weight 0 (idempotent); lines saying what changed and why. */
  prepare(): Promise<string[]>
  /** Writes the canary weight (0..100), then reads it back from the object. */
  setWeight(weight: number): Promise<LiveWeight>
  /** Routes 100% to stable, then removes what prepare created (idempotent; every failure throws). */
  remove(): Promise<void>
}
