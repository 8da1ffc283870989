// The release plan's schema as data: what each field accepts, so one walker can check a YAML
// document and name the line and the field of every mistake (plan-file.ts), and the README
// can list the fields from the same source. Pure: no I/O.

export type FieldSpec =
  | { kind: 'string'; pattern?: RegExp; form?: string }
  | { kind: 'bool' }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'duration' }
  | { kind: 'enum'; values: readonly string[] }
  /** A string, or a list of strings (joined with newlines for the action's input). */
  | { kind: 'strings' }
  /** A map of string → scalar (KEY=VALUE lines for the action's input). */
  | { kind: 'map' }
  | { kind: 'list'; of: FieldSpec; min?: number }
  | { kind: 'object'; fields: Record<string, FieldSpec>; required?: readonly string[]; oneOf?: readonly string[] }
  /** Any YAML value, kept as is: sections another part of the release reads (checks, guardrails). */
  | { kind: 'any'; form: string }

const string = { kind: 'string' } as const
const bool = { kind: 'bool' } as const
const duration = { kind: 'duration' } as const
const strings = { kind: 'strings' } as const
const map = { kind: 'map' } as const
/** Extra inputs handed to the step's action as they are: for inputs the plan does not name. */
const withInputs = map

export const IMAGE: FieldSpec = {
  kind: 'object',
  required: ['repository'],
  fields: {
    repository: string,
    tags: strings,
    context: string,
    dockerfile: string,
    'build-args': map,
    target: string,
    platform: string,
    labels: map,
    'promote-from': string,
    'create-repository': bool,
    scan: bool,
    'fail-on-severity': { kind: 'enum', values: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'NONE'] },
    registry: string,
    with: withInputs,
  },
}

export const DATABASE: FieldSpec = {
  kind: 'object',
  fields: {
    instance: string,
    cluster: string,
    snapshot: bool,
    'snapshot-identifier': string,
    'snapshot-timeout': duration,
    retain: { kind: 'int', min: 0 },
    url: string,
    'url-env': { kind: 'string', pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, form: 'an environment variable name' },
    user: string,
    'password-env': { kind: 'string', pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, form: 'an environment variable name' },
    migrations: strings,
    schemas: strings,
    table: string,
    'out-of-order': bool,
    placeholders: map,
    with: withInputs,
  },
}

export const KUBERNETES: FieldSpec = {
  kind: 'object',
  required: ['deployment'],
  fields: {
    namespace: string,
    deployment: string,
    container: string,
    image: string,
    kubeconfig: string,
    'eks-cluster': string,
    router: { kind: 'enum', values: ['replicas', 'gateway-api', 'alb', 'nginx'] },
    'http-route': string,
    ingress: string,
    'canary-header': string,
    steps: { kind: 'list', of: { kind: 'int', min: 1, max: 100 }, min: 1 },
    'step-duration': duration,
    'analysis-interval': duration,
    'max-restarts': { kind: 'int', min: 0 },
    checks: { kind: 'list', of: { kind: 'any', form: 'a check (name, provider, query, max/min, …)' } },
    'prometheus-url': string,
    bake: duration,
    'rollout-timeout': duration,
    manifests: string,
    with: withInputs,
  },
}

export const SMOKE: FieldSpec = {
  kind: 'object',
  fields: {
    urls: strings,
    checks: { kind: 'list', of: { kind: 'any', form: 'a check (name, url, expect, …)' } },
    'expect-status': string,
    headers: map,
    timeout: duration,
    interval: duration,
    'request-timeout': duration,
    'consecutive-successes': { kind: 'int', min: 1 },
    with: withInputs,
  },
}

export const FRONTEND: FieldSpec = {
  kind: 'object',
  required: ['source', 'bucket'],
  fields: {
    name: string,
    source: string,
    bucket: string,
    prefix: string,
    'distribution-id': string,
    delete: bool,
    invalidate: { kind: 'enum', values: ['changed', 'all', 'none'] },
    framework: { kind: 'enum', values: ['auto', 'none', 'next', 'angular', 'vite'] },
    'keep-old-assets': string,
    with: withInputs,
  },
}

/**
 * The whole plan. `window`, `freeze`, `notifications`, `maintenance` and `preflight` are read by the
 * release guardrails (guardrails/), which check them; here they are kept as written.
 */
export const PLAN: FieldSpec = {
  kind: 'object',
  fields: {
    service: string,
    version: string,
    environment: string,
    'aws-region': string,
    image: IMAGE,
    database: DATABASE,
    kubernetes: KUBERNETES,
    smoke: SMOKE,
    frontends: { kind: 'list', of: FRONTEND },
    window: { kind: 'any', form: 'a deployment window' },
    freeze: { kind: 'any', form: 'freeze dates' },
    notifications: { kind: 'any', form: 'notification targets' },
    maintenance: { kind: 'any', form: 'a maintenance-mode switch' },
    preflight: { kind: 'any', form: 'preflight checks' },
  },
}
