// The release's steps in the runbooks' order, each gate a position in the list: preflight, the
// image, the snapshot before the migrations, the migrations before the rollout, the canary (with
// its bake), the smoke test, the frontends, and the record (which runs after a failure too).
import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { migrationLine, passwordEnv, pendingHead, pendingMigrations, pendingSummary } from './pending-migrations.ts'
import { failureOf, type ReleaseStep, StepFailure } from './release.ts'
import {
  type ClusterAccess,
  canaryInputs,
  databaseUrl,
  frontendInputs,
  frontendName,
  imageInputs,
  migrateInputs,
  pruneInputs,
  rolloutImage,
  smokeInputs,
  snapshotInputs,
} from './step-inputs.ts'
import type { DatabasePlan, Plan } from './types.ts'

export const inPlanDir = (ctx: { dir: string }, path: string): string => (isAbsolute(path) ? path : join(ctx.dir, path))

/** The kubeconfig content the canary is given: the plan's file, else the action's own lookup. */
export function kubeconfigOf(ctx: { dir: string; plan: Plan }): string | undefined {
  const file = ctx.plan.kubernetes?.kubeconfig
  return file ? readFileSync(inPlanDir(ctx, file), 'utf8') : undefined
}

/** Digests shortened for one-line details (12 hex digits, as docker shows image ids). */
const shortDigest = (digest: string): string => digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1')
const shortRef = (ref: string): string => ref.replace(/@(sha256:[0-9a-f]+)$/, (_m, d: string) => `@${shortDigest(d)}`)

const snapshots = (db: DatabasePlan | undefined) => Boolean(db && (db.instance || db.cluster) && db.snapshot !== false)

/** The plan's cluster (for a database reached through it): its kubeconfig content, or its EKS cluster. */
export function clusterOf(ctx: { dir: string; plan: Plan }): ClusterAccess {
  return { kubeconfig: kubeconfigOf(ctx), eksCluster: ctx.plan.kubernetes?.['eks-cluster'] }
}

export const preflight: ReleaseStep = {
  id: 'preflight',
  title: 'Preflight: the plan, its files and its secrets',
  applies: () => true,
  async run(ctx) {
    const { plan } = ctx
    const missing: string[] = []
    const path = (what: string, p: string | undefined) => {
      if (p && !existsSync(inPlanDir(ctx, p))) missing.push(`${what} ${p}`)
    }
    if (plan.image && !plan.image['promote-from']) path('image.context', plan.image.context ?? '.')
    const migrations = plan.database?.migrations
    for (const m of Array.isArray(migrations) ? migrations : migrations ? [migrations] : []) {
      if (!m.includes(':') || m.startsWith('filesystem:')) path('database.migrations', m.replace(/^filesystem:/, ''))
    }
    for (const f of plan.frontends ?? []) path(`frontend ${frontendName(f)} source`, f.source)
    path('kubernetes.kubeconfig', plan.kubernetes?.kubeconfig)
    const db = plan.database
    if (db && (db.url || db['url-env']) && !databaseUrl(db, ctx.env))
      missing.push(`database.url-env: ${db['url-env']} is not set`)
    if (missing.length) throw new StepFailure(`missing: ${missing.join('; ')}`)
    // The migrations the release would apply, read (read-only, no lock) before anything changes.
    const pending = await pendingMigrations({ ...ctx, cluster: clusterOf(ctx) })
    if (pending) {
      ctx.state.pending = pending
      ctx.log(`  ${pendingHead(pending)}${pending.migrations.length ? ':' : ''}`)
      for (const m of pending.migrations) ctx.log(`    ${migrationLine(m)}`)
    }
    const parts = [
      plan.image && 'image',
      snapshots(db) && 'snapshot',
      db && databaseUrl(db, ctx.env) && 'migrations',
      plan.kubernetes && 'canary',
      plan.smoke && 'smoke test',
      plan.frontends?.length && `${plan.frontends.length} frontend(s)`,
    ].filter(Boolean)
    return `release ${ctx.version}${plan.environment ? ` to ${plan.environment}` : ''}: ${parts.join(', ')}${pending ? `; ${pendingSummary(pending)}` : ''}`
  },
}

export const image: ReleaseStep = {
  id: 'image',
  title: 'Image: build and push to ECR (or promote by manifest copy)',
  applies: (plan) => Boolean(plan.image),
  async run(ctx) {
    const run = await ctx.steps.run('ecr-push', imageInputs(ctx.plan.image!, ctx.plan))
    if (run.code !== 0) throw failureOf(run, 'ecr-push failed')
    const o = run.outputs
    ctx.state.image = { image: o.image, imageRef: o['image-ref'], digest: o.digest, tags: o.tags }
    return `${o.image}${o.digest ? ` ${shortDigest(o.digest)}` : ''}`
  },
}

export const snapshot: ReleaseStep = {
  id: 'snapshot',
  title: 'Database: snapshot before migrating',
  applies: (plan) => snapshots(plan.database),
  async run(ctx) {
    const db = ctx.plan.database!
    const run = await ctx.steps.run('rds-snapshot', snapshotInputs(db, ctx.plan))
    if (run.code !== 0) throw failureOf(run, 'rds-snapshot failed (no migration ran)')
    const id = run.outputs['snapshot-identifier']!
    ctx.state.snapshot = { identifier: id, database: (db.instance ?? db.cluster)! }
    let pruned = ''
    if ((db.retain ?? 0) > 0) {
      const prune = await ctx.steps.run('rds-snapshot', pruneInputs(db, ctx.plan))
      if (prune.code !== 0) throw failureOf(prune, 'rds-snapshot prune failed')
      pruned = `; pruned: ${prune.outputs.deleted || 'none'}`
    }
    return `${id} (${run.outputs.status ?? 'available'})${pruned}`
  },
}

export const migrate: ReleaseStep = {
  id: 'migrate',
  title: 'Database: Flyway migrations',
  applies: (plan) => Boolean(plan.database && (plan.database.url || plan.database['url-env'])),
  async run(ctx) {
    const db = ctx.plan.database!
    const url = databaseUrl(db, ctx.env)!
    const run = await ctx.steps.run(
      'flyway-migrate',
      migrateInputs(db, url, 'migrate', clusterOf(ctx)),
      passwordEnv(db, ctx.env),
    )
    if (run.code !== 0) throw failureOf(run, 'flyway-migrate failed')
    ctx.state.migrated = { schemaVersion: run.outputs['schema-version'], applied: run.outputs.applied }
    return `${run.outputs.applied ?? 0} applied, schema version ${run.outputs['schema-version'] || '(none)'}`
  },
}

export const canary: ReleaseStep = {
  id: 'canary',
  title: 'Kubernetes: canary, analysis, promotion and bake',
  applies: (plan) => Boolean(plan.kubernetes),
  async run(ctx) {
    const k = ctx.plan.kubernetes!
    const target = rolloutImage(k, ctx.state.image)!
    const kubeconfig = kubeconfigOf(ctx)
    ctx.state.rollout = { image: target }
    const run = await ctx.steps.run('canary', canaryInputs(k, target, kubeconfig))
    const o = run.outputs
    Object.assign(ctx.state.rollout, {
      result: o.result,
      reason: o.reason,
      previousImage: o['previous-image'],
      revision: o.revision,
    })
    if (run.code === 0 && o.result === 'promoted') return `promoted ${shortRef(target)} (revision ${o.revision ?? '?'})`
    if (o.result === 'aborted') {
      throw new StepFailure(
        `canary aborted: ${o.reason ?? 'see the log'} (weight ${o.weight ?? 0}, stable untouched)`,
        run,
      )
    }
    // Stopped without a verdict (crashed, cancelled, paused): abort it, so the stable keeps serving.
    ctx.log('  the canary stopped without a verdict: aborting it so the stable Deployment serves all traffic')
    const abort = await ctx.steps.run('canary', canaryInputs(k, target, kubeconfig, 'abort'))
    ctx.state.rollout.result = abort.code === 0 ? 'aborted' : o.result
    throw failureOf(
      run,
      `canary ${o.result ?? 'failed'}${abort.code === 0 ? ', then aborted' : ', and its abort failed too'}`,
    )
  },
}

export const smoke: ReleaseStep = {
  id: 'smoke',
  title: 'Smoke test',
  applies: (plan) => Boolean(plan.smoke),
  async run(ctx) {
    const run = await ctx.steps.run('smoke-test', smokeInputs(ctx.plan.smoke!))
    ctx.state.smoke = { result: run.outputs.result }
    if (run.code !== 0) throw failureOf(run, `smoke test failed (${run.outputs.failed ?? '?'} failed)`)
    return `${run.outputs.passed ?? 0} passed`
  },
}

export const frontends: ReleaseStep = {
  id: 'frontends',
  title: 'Frontends: S3 + CloudFront',
  applies: (plan) => Boolean(plan.frontends?.length),
  async run(ctx) {
    const done: string[] = []
    for (const f of ctx.plan.frontends!) {
      const name = frontendName(f)
      ctx.log(`  ▸ ${name}`)
      const run = await ctx.steps.run('frontend-sync', frontendInputs(f, ctx.plan))
      const o = run.outputs
      ctx.state.frontends.push({ name, uploaded: o.uploaded, deleted: o.deleted, invalidationId: o['invalidation-id'] })
      if (run.code !== 0) throw failureOf(run, `frontend ${name} failed`)
      done.push(
        `${name}: ${o.uploaded ?? 0} uploaded, ${o.deleted ?? 0} deleted${o['invalidation-id'] ? `, invalidation ${o['invalidation-id']}` : ''}`,
      )
    }
    return done.join('; ')
  },
}

export const record: ReleaseStep = {
  id: 'record',
  title: 'Record',
  applies: () => true,
  always: true,
  async run(ctx) {
    return ctx.failure ? `release ${ctx.version} failed at ${ctx.failure.step}` : `release ${ctx.version} done`
  },
}

/** The release in the runbooks' order. */
export const RELEASE_STEPS: readonly ReleaseStep[] = [
  preflight,
  image,
  snapshot,
  migrate,
  canary,
  smoke,
  frontends,
  record,
]
