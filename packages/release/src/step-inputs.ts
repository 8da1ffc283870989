// The plan's sections as the inputs each action declares (pure): lists become newline-separated
// strings, maps KEY=VALUE lines, checks YAML, as a workflow's `with:` would pass them.
import { stringify } from 'yaml'
import type { DatabasePlan, FrontendPlan, ImagePlan, KubernetesPlan, Plan, SmokePlan } from './types.ts'

type Inputs = Record<string, string>
type Scalar = string | number | boolean

const lines = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join('\n') : v)
const keyValues = (m: Record<string, Scalar> | undefined, sep = '='): string | undefined =>
  m
    ? Object.entries(m)
        .map(([k, v]) => `${k}${sep}${v}`)
        .join('\n')
    : undefined

/** Drops unset values and stringifies the rest; `with` (inputs the plan does not name) last. */
function inputs(values: Record<string, Scalar | undefined>, extra?: Record<string, Scalar>): Inputs {
  const out: Inputs = {}
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = String(v)
  for (const [k, v] of Object.entries(extra ?? {})) out[k] = String(v)
  return out
}

export function imageInputs(image: ImagePlan, plan: Plan): Inputs {
  return inputs(
    {
      repository: image.repository,
      tags: lines(image.tags) ?? plan.version,
      context: image.context,
      dockerfile: image.dockerfile,
      'build-args': keyValues(image['build-args']),
      target: image.target,
      platform: image.platform,
      labels: keyValues(image.labels),
      'promote-from': image['promote-from'],
      'create-repository': image['create-repository'],
      scan: image.scan,
      'fail-on-severity': image['fail-on-severity'],
      registry: image.registry,
      'aws-region': plan['aws-region'],
    },
    image.with,
  )
}

export function snapshotInputs(db: DatabasePlan, plan: Plan): Inputs {
  return inputs({
    mode: 'create',
    'db-instance-identifier': db.instance,
    'db-cluster-identifier': db.cluster,
    'snapshot-identifier': db['snapshot-identifier'],
    timeout: db['snapshot-timeout'],
    'aws-region': plan['aws-region'],
  })
}

export function pruneInputs(db: DatabasePlan, plan: Plan): Inputs {
  return inputs({
    mode: 'prune',
    'db-instance-identifier': db.instance,
    'db-cluster-identifier': db.cluster,
    retain: db.retain,
    'aws-region': plan['aws-region'],
  })
}

export function restoreInputs(db: DatabasePlan, plan: Plan, snapshot: string, target: string): Inputs {
  return inputs({
    mode: 'restore',
    'db-instance-identifier': db.instance,
    'db-cluster-identifier': db.cluster,
    'snapshot-identifier': snapshot,
    'target-identifier': target,
    'aws-region': plan['aws-region'],
  })
}

/** The database URL: the plan's, or the named environment variable's (a URL may hold a password). */
export function databaseUrl(db: DatabasePlan, env: Record<string, string | undefined>): string | undefined {
  return db.url ?? (db['url-env'] ? env[db['url-env']] : undefined)
}

/** How to reach the plan's cluster: kubeconfig content, or an EKS cluster's name. */
export interface ClusterAccess {
  kubeconfig?: string | undefined
  eksCluster?: string | undefined
}

/**
 * flyway-migrate's inputs. A private database (`with: { via: kubernetes }`) is reached through the
 * plan's cluster: its kubeconfig content (or EKS cluster), unless `with:` names one itself.
 */
export function migrateInputs(
  db: DatabasePlan,
  url: string,
  command: 'migrate' | 'info' = 'migrate',
  cluster: ClusterAccess = {},
): Inputs {
  const tunnel = db.with?.via === 'kubernetes' && db.with.kubeconfig === undefined && !db.with['eks-cluster']
  return inputs(
    {
      command,
      url,
      user: db.user,
      locations: lines(db.migrations),
      schemas: lines(db.schemas),
      table: db.table,
      'out-of-order': db['out-of-order'],
      placeholders: keyValues(db.placeholders),
      ...(tunnel
        ? { kubeconfig: cluster.kubeconfig, 'eks-cluster': cluster.kubeconfig ? undefined : cluster.eksCluster }
        : {}),
    },
    db.with,
  )
}

/** The image to roll out: the pushed one by tag and digest (readable and pinned), else the plan's. */
export function rolloutImage(
  k: KubernetesPlan,
  pushed: { image?: string; digest?: string } | undefined,
): string | undefined {
  if (pushed?.image && pushed.digest) return `${pushed.image}@${pushed.digest}`
  return pushed?.image ?? k.image
}

export function canaryInputs(
  k: KubernetesPlan,
  image: string,
  kubeconfig: string | undefined,
  action: 'deploy' | 'abort' = 'deploy',
): Inputs {
  const base = { namespace: k.namespace, deployment: k.deployment, kubeconfig, 'eks-cluster': k['eks-cluster'] }
  if (action === 'abort')
    return inputs({
      ...base,
      action: 'abort',
      'traffic-router': k.router,
      'http-route': k['http-route'],
      ingress: k.ingress,
    })
  return inputs(
    {
      ...base,
      action: 'deploy',
      container: k.container,
      image,
      'traffic-router': k.router,
      'http-route': k['http-route'],
      ingress: k.ingress,
      'canary-header': k['canary-header'],
      steps: k.steps?.join(','),
      'step-duration': k['step-duration'],
      'analysis-interval': k['analysis-interval'],
      'max-restarts': k['max-restarts'],
      metrics: k.checks?.length ? stringify(k.checks) : undefined,
      'prometheus-url': k['prometheus-url'],
      bake: k.bake,
      'rollout-timeout': k['rollout-timeout'],
      manifests: k.manifests,
    },
    k.with,
  )
}

export function rollbackInputs(k: KubernetesPlan, kubeconfig: string | undefined): Inputs {
  return inputs({
    namespace: k.namespace,
    deployment: k.deployment,
    'abort-canary': true,
    kubeconfig,
    'eks-cluster': k['eks-cluster'],
  })
}

export function smokeInputs(s: SmokePlan): Inputs {
  return inputs(
    {
      urls: lines(s.urls),
      checks: s.checks?.length ? stringify(s.checks) : undefined,
      'expect-status': s['expect-status'],
      headers: keyValues(s.headers, ': '),
      timeout: s.timeout,
      interval: s.interval,
      'request-timeout': s['request-timeout'],
      'consecutive-successes': s['consecutive-successes'],
    },
    s.with,
  )
}

export function frontendInputs(f: FrontendPlan, plan: Plan, dryRun = false): Inputs {
  return inputs(
    {
      source: f.source,
      bucket: f.bucket,
      prefix: f.prefix,
      'distribution-id': f['distribution-id'],
      delete: f.delete,
      invalidate: f.invalidate,
      framework: f.framework,
      'keep-old-assets': f['keep-old-assets'],
      'dry-run': dryRun ? true : undefined,
      'aws-region': plan['aws-region'],
    },
    f.with,
  )
}

/** A frontend's name in the timeline: its own, else its bucket and prefix. */
export const frontendName = (f: FrontendPlan): string => f.name ?? `${f.bucket}${f.prefix ? `/${f.prefix}` : ''}`
