// The release plan as typed values, after plan-file.ts has checked it against schema.ts.
type Scalar = string | number | boolean
type Strings = string | string[]

export interface ImagePlan {
  repository: string
  tags?: Strings
  context?: string
  dockerfile?: string
  'build-args'?: Record<string, Scalar>
  target?: string
  platform?: string
  labels?: Record<string, Scalar>
  'promote-from'?: string
  'create-repository'?: boolean
  scan?: boolean
  'fail-on-severity'?: string
  registry?: string
  with?: Record<string, Scalar>
}

export interface DatabasePlan {
  instance?: string
  cluster?: string
  snapshot?: boolean
  'snapshot-identifier'?: string
  'snapshot-timeout'?: string
  retain?: number
  url?: string
  'url-env'?: string
  user?: string
  'password-env'?: string
  migrations?: Strings
  schemas?: Strings
  table?: string
  'out-of-order'?: boolean
  placeholders?: Record<string, Scalar>
  with?: Record<string, Scalar>
}

export interface KubernetesPlan {
  namespace?: string
  deployment: string
  container?: string
  image?: string
  /** Path of a kubeconfig file; else KUBECONFIG / ~/.kube/config, or eks-cluster. */
  kubeconfig?: string
  'eks-cluster'?: string
  router?: 'replicas' | 'gateway-api' | 'alb' | 'nginx'
  'http-route'?: string
  ingress?: string
  'canary-header'?: string
  steps?: number[]
  'step-duration'?: string
  'analysis-interval'?: string
  'max-restarts'?: number
  checks?: unknown[]
  'prometheus-url'?: string
  bake?: string
  'rollout-timeout'?: string
  manifests?: string
  with?: Record<string, Scalar>
}

export interface SmokePlan {
  urls?: Strings
  checks?: unknown[]
  'expect-status'?: string
  headers?: Record<string, Scalar>
  timeout?: string
  interval?: string
  'request-timeout'?: string
  'consecutive-successes'?: number
  with?: Record<string, Scalar>
}

export interface FrontendPlan {
  name?: string
  source: string
  bucket: string
  prefix?: string
  'distribution-id'?: string
  delete?: boolean
  invalidate?: 'changed' | 'all' | 'none'
  framework?: string
  'keep-old-assets'?: string
  with?: Record<string, Scalar>
}

export interface Plan {
  service?: string
  version: string
  environment?: string
  'aws-region'?: string
  image?: ImagePlan
  database?: DatabasePlan
  kubernetes?: KubernetesPlan
  smoke?: SmokePlan
  frontends?: FrontendPlan[]
  /** Read by the release guardrails; kept as written until then. */
  window?: unknown
  freeze?: unknown
  notifications?: unknown
  maintenance?: unknown
  preflight?: unknown
}
