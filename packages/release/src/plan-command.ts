// `deploy-actions plan`: what a release would do, without doing it, as markdown for a PR
// comment. Each part is found as cheaply as it can be found for real: the image by the ECR
// registry's own records (a promotion's source digest, tags that already exist), the pending
// migrations by flyway-migrate's read-only info against the database, the files by the frontend
// step in dry-run against the bucket, the Kubernetes change as `kubectl diff --server-side` shows
// it (the canary's writes applied with dryRun=All against the live objects).
import { describeError } from '@deploy-actions/kit'
import { CANARY_FIELD_MANAGER, type KubeObject, type ObjectsApi } from '@deploy-actions/kube'
import { type ClusterDiff, clusterDiff } from './kube-diff.ts'
import { type PendingMigrations, pendingMigrations } from './pending-migrations.ts'
import { imageChange, manifestObjects } from './release-objects.ts'
import type { StepRunner } from './run-step.ts'
import { databaseUrl, frontendInputs, frontendName, rolloutImage } from './step-inputs.ts'
import { clusterOf, kubeconfigOf } from './steps.ts'
import type { Plan } from './types.ts'

export interface PlanContext {
  plan: Plan
  dir: string
  version: string
  env: Record<string, string>
  steps: StepRunner
}

const code = (s: string | undefined) => (s ? `\`${s.replace(/`/g, "'")}\`` : '—')
const tagsOf = (plan: Plan) => {
  const t = plan.image?.tags
  return Array.isArray(t)
    ? t
    : t
      ? t
          .split(/[\n,]/)
          .map((s) => s.trim())
          .filter(Boolean)
      : [plan.version]
}

async function imageSection(ctx: PlanContext): Promise<{ lines: string[]; image?: string }> {
  const image = ctx.plan.image
  if (!image) return { lines: [] }
  const tags = tagsOf(ctx.plan)
  const lines = ['### Image', '']
  const known = await ecrDigests(ctx, image.repository, [
    ...tags,
    ...(image['promote-from'] ? [image['promote-from']] : []),
  ])
  if (image['promote-from']) {
    const source = known.get(image['promote-from'])
    lines.push(
      `Promote ${code(`${image.repository}:${image['promote-from']}`)} by manifest copy (no rebuild): ${source ? code(source) : '**the source tag is not in ECR**'}`,
    )
  } else {
    lines.push(
      `Build ${code(image.context ?? '.')}${image.dockerfile ? ` (${code(image.dockerfile)})` : ''} and push to ${code(image.repository)}; the digest is known once built.`,
    )
  }
  for (const tag of tags) {
    const digest = known.get(tag)
    lines.push(
      `- tag ${code(tag)}: ${digest ? `already in ECR at ${code(digest)} (an identical push is a no-op, a different one is refused on an immutable repository)` : 'new'}`,
    )
  }
  // The reference the canary would roll out (by tag here: the digest is known once pushed).
  const ref = `${image.registry ? `${image.registry}/` : ''}${image.repository}:${tags[0]}`
  return { lines, image: ref }
}

/** Digests of the given tags in ECR (DescribeImages), or an empty map when ECR cannot be asked. */
async function ecrDigests(ctx: PlanContext, repository: string, tags: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  try {
    const { ECRClient, DescribeImagesCommand } = await import('@aws-sdk/client-ecr')
    const { clientConfig, resolveRegion } = await import('@deploy-actions/aws')
    const region = resolveRegion(ctx.plan['aws-region'] ?? '', ctx.env)
    const ecr = new ECRClient(clientConfig(region, 2))
    for (const tag of tags) {
      try {
        const r = await ecr.send(
          new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }),
        )
        const digest = r.imageDetails?.[0]?.imageDigest
        if (digest) found.set(tag, digest)
      } catch {
        // ImageNotFound / RepositoryNotFound: the tag is new.
      }
    }
  } catch {
    // No region or credentials here: the plan says what it would push, without digests.
  }
  return found
}

async function databaseSection(ctx: PlanContext): Promise<string[]> {
  const db = ctx.plan.database
  if (!db) return []
  const lines = ['### Database', '']
  if ((db.instance || db.cluster) && db.snapshot !== false) {
    lines.push(
      `- snapshot ${code(db.instance ?? db.cluster)} first${db['snapshot-identifier'] ? ` as ${code(db['snapshot-identifier'])}` : ''}`,
    )
  }
  const url = databaseUrl(db, ctx.env)
  if (!url) {
    lines.push(
      db['url-env'] ? `- migrations: ${code(db['url-env'])} is not set here, pending migrations not listed` : '',
    )
    return lines
  }
  let pending: PendingMigrations | undefined
  try {
    pending = await pendingMigrations({ ...ctx, cluster: clusterOf(ctx) })
  } catch (error) {
    lines.push(`- pending migrations: could not be read (${describeError(error)})`)
    return lines
  }
  if (!pending) return lines
  lines.push(
    `- schema version now ${code(pending.schemaVersion || 'empty')}; ${pending.migrations.length} pending migration(s)${pending.migrations.length ? ':' : ''}`,
  )
  for (const p of pending.migrations)
    lines.push(`  - ${code(p.version || 'repeatable')} ${p.description} (${code(p.script)})`)
  return lines
}

type LiveDeployment = KubeObject & {
  spec?: { replicas?: number; template: { spec?: { containers: Array<{ name: string; image: string }> } } }
}

async function kubernetesSection(ctx: PlanContext, pushedImage: string | undefined): Promise<string[]> {
  const k = ctx.plan.kubernetes
  if (!k) return []
  const target = rolloutImage(k, pushedImage ? { image: pushedImage } : undefined) ?? '(the pushed image)'
  const ns = k.namespace ?? 'default'
  const lines = ['### Kubernetes', '']
  const how = `canary ${(k.steps ?? [10, 50, 100]).join('→')} (${k.router ?? 'replicas'} router, ${k['step-duration'] ?? '5m'} a step${k.checks?.length ? `, checks: ${k.checks.map((c) => (c as { name?: string }).name ?? '?').join(', ')}` : ''}${k.bake ? `, bake ${k.bake}` : ''})`
  try {
    const objects = await clusterObjects(ctx)
    const d = await objects.find<LiveDeployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: k.deployment,
      namespace: ns,
    })
    if (!d) lines.push(`**Deployment ${code(`${ns}/${k.deployment}`)} does not exist**: the canary step would refuse.`)
    else {
      const revision = d.metadata?.annotations?.['deployment.kubernetes.io/revision']
      lines.push(
        `Deployment ${code(`${ns}/${k.deployment}`)}: ${d.spec?.replicas ?? 1} replicas, revision ${revision ?? '?'}, runs ${(
          d.spec?.template.spec?.containers ?? []
        )
          .map((c) => code(`${c.name}: ${c.image}`))
          .join(', ')}.`,
      )
      lines.push('', ...(await clusterChange(ctx, objects, d, target)))
    }
  } catch (error) {
    lines.push(`Deployment ${code(`${ns}/${k.deployment}`)}: not read (${describeError(error)}).`)
  }
  lines.push('', `Rollout: ${how}.`)
  return lines
}

/** The cluster's API for the plan: its kubeconfig, else its EKS cluster, else KUBECONFIG / ~/.kube/config. */
async function clusterObjects(ctx: PlanContext): Promise<ObjectsApi> {
  const { connectKube, createObjectsApi, parseKubeAccess } = await import('@deploy-actions/kube')
  const access = parseKubeAccess(kubeconfigOf(ctx) ?? '', ctx.plan.kubernetes?.['eks-cluster'] ?? '')
  const region = ctx.plan['aws-region'] ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION
  const { kubeConfig } = await connectKube(access, { env: ctx.env, ...(region ? { region } : {}) })
  return createObjectsApi(kubeConfig)
}

/** True when a HorizontalPodAutoscaler in the Deployment's namespace targets it. */
async function scaledByHpa(objects: ObjectsApi, d: LiveDeployment): Promise<boolean> {
  type Hpa = KubeObject & { spec?: { scaleTargetRef?: { kind?: string; name?: string } } }
  const hpas = await objects
    .list<Hpa>('autoscaling/v2', 'HorizontalPodAutoscaler', d.metadata?.namespace ?? 'default')
    .catch(() => [] as Hpa[])
  return hpas.some(
    (h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata?.name,
  )
}

/**
 * What the promoted release leaves in the cluster against what is there now, as
 * `kubectl diff --server-side` shows it: the canary's writes dry-run against the live objects.
 */
async function clusterChange(
  ctx: PlanContext,
  objects: ObjectsApi,
  live: LiveDeployment,
  target: string,
): Promise<string[]> {
  const k = ctx.plan.kubernetes!
  const containers = live.spec?.template.spec?.containers ?? []
  const notes: string[] = []
  let desired: KubeObject[]
  let what: string
  if (k.manifests) {
    // As the canary promotes: a Deployment an HPA scales is applied without its replicas.
    const rendered = await manifestObjects(k, target, {
      workspace: ctx.env.GITHUB_WORKSPACE ?? ctx.dir,
      scaledByHpa: await scaledByHpa(objects, live),
    })
    desired = rendered.objects
    what = `the manifests (${rendered.how}) with image ${code(target)}`
    if (!rendered.deployment)
      notes.push(
        `**The manifests do not contain Deployment ${code(k.deployment)}**: the canary's promotion would refuse.`,
      )
  } else {
    const container = k.container ?? containers[0]?.name ?? 'app'
    desired = [imageChange(k, container, target)]
    what = `container ${code(container)} set to ${code(target)}`
  }
  let result: ClusterDiff
  try {
    result = await clusterDiff(objects, desired, { fieldManager: CANARY_FIELD_MANAGER, env: ctx.env })
  } catch (error) {
    return [...notes, `Once promoted (${what}): the diff could not be made (${describeError(error)}).`]
  }
  const changed = result.objects.filter((o) => o.changed)
  const out = [
    ...notes,
    `Once promoted (${what}), \`kubectl diff --server-side\` would show${changed.length ? ':' : ' no change.'}`,
  ]
  if (changed.length) out.push('', '```diff', result.diff.trimEnd(), '```')
  const same = result.objects.filter((o) => !o.changed).map((o) => code(o.name))
  if (same.length && changed.length) out.push('', `Unchanged: ${same.join(', ')}.`)
  if (result.ignored.length)
    out.push(
      '',
      `KUBECTL_EXTERNAL_DIFF: ${result.ignored.map(code).join(', ')} ignored, as kubectl ignores them (letters, digits, \`-\` and \`=\` only).`,
    )
  return out
}

async function frontendsSection(ctx: PlanContext): Promise<string[]> {
  const lines: string[] = []
  for (const f of ctx.plan.frontends ?? []) {
    if (!lines.length) lines.push('### Frontends', '')
    const run = await ctx.steps.run('frontend-sync', frontendInputs(f, ctx.plan, true))
    const o = run.outputs
    if (run.code !== 0) {
      lines.push(
        `- ${frontendName(f)}: dry run failed (${
          run.log
            .filter((l) => /error/.test(l))
            .at(-1)
            ?.trim() ?? `exit ${run.code}`
        })`,
      )
      continue
    }
    lines.push(
      `- ${code(frontendName(f))} from ${code(f.source)}: ${o.uploaded ?? 0} to upload, ${o.deleted ?? 0} to delete, ${o.unchanged ?? 0} unchanged`,
      '',
      '<details><summary>files</summary>',
      '',
      run.summary.trim().replace(/^#+ .*\n/, ''),
      '',
      '</details>',
      '',
    )
  }
  return lines
}

/** The markdown of `deploy-actions plan`. */
export async function planMarkdown(ctx: PlanContext): Promise<string> {
  const p = ctx.plan
  const head = `## Release plan: ${p.service ? `${p.service} ` : ''}${ctx.version}${p.environment ? ` → ${p.environment}` : ''}`
  const image = await imageSection(ctx)
  const parts = [
    head,
    '',
    ...image.lines,
    '',
    ...(await databaseSection(ctx)),
    '',
    ...(await kubernetesSection(ctx, image.image)),
    '',
    ...(p.smoke
      ? [
          '### Smoke test',
          '',
          ...[p.smoke.urls ?? []].flat().map((u) => `- ${code(u)}`),
          ...(p.smoke.checks ?? []).map((c) => `- check ${code((c as { name?: string }).name ?? '?')}`),
          '',
        ]
      : []),
    ...(await frontendsSection(ctx)),
    '_Nothing was changed: this is what `deploy-actions release` would do._',
  ]
  return `${parts.join('\n').replace(/\n{3,}/g, '\n\n')}\n`
}
