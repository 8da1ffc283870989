// Preflight checks before anything is changed (the seeds' checklist): the AWS identity, no named
// CloudWatch alarm in ALARM, the cluster reachable with the Deployment present and nothing else
// deploying it (no rollout in progress, no canary running), the image tag not already what
// production runs, staging healthy. Every check runs and each says its own line, so one run shows
// everything to fix. The checks talk to the world only through PreflightPorts; the Deployment's
// verdicts are packages/kube's pure ones (kubectl's rollout status, canary-deploy's state).
import {
  type Deployment,
  deploymentRolloutState,
  describeCanary,
  isFailed,
  type KubeObject,
  runningCanary,
} from '@deploy-actions/kube'

export interface PreflightSpec {
  /** Expected AWS account id (the role must be in it); empty: any, but it is shown. */
  account?: string
  /** CloudWatch alarm names that must not be in ALARM. */
  alarms: string[]
  deployment?: { namespace: string; name: string }
  /** The tag about to be released and its ECR repository. */
  image?: { repository: string; tag: string }
  /** URLs that must answer 2xx (staging, before a production release). */
  stagingUrls: string[]
}

export interface PreflightPorts {
  identity(): Promise<{ account: string; arn: string }>
  alarmsInAlarm(names: string[]): Promise<Array<{ name: string; reason: string }>>
  /** The Deployment and its canary's (`<name>-canary`) as the API returns them; undefined when the Deployment does not exist. */
  liveDeployment(namespace: string, name: string): Promise<LiveDeployment | undefined>
  /** The tag's digest in the repository; undefined when the tag does not exist. */
  tagDigest(repository: string, tag: string): Promise<string | undefined>
  httpStatus(url: string): Promise<number>
}

export interface LiveDeployment {
  deployment: Deployment
  /** The `<name>-canary` Deployment, when there is one (canary-deploy's, or anyone's). */
  canary: KubeObject | undefined
}

export interface CheckResult {
  check: string
  ok: boolean
  detail: string
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!

async function check(name: string, body: () => Promise<{ ok: boolean; detail: string }>): Promise<CheckResult> {
  try {
    return { check: name, ...(await body()) }
  } catch (error) {
    return { check: name, ok: false, detail: describe(error) }
  }
}

/** A running image is the release's when it names the tag or carries its digest. */
export function runsRelease(images: readonly string[], repository: string, tag: string, digest?: string): boolean {
  return images.some(
    (i) =>
      ((i.includes(`/${repository}:`) || i.startsWith(`${repository}:`)) && i.endsWith(`:${tag}`)) ||
      (digest !== undefined && i.endsWith(`@${digest}`)),
  )
}

export async function runPreflight(spec: PreflightSpec, ports: PreflightPorts): Promise<CheckResult[]> {
  const checks: Array<Promise<CheckResult | CheckResult[]>> = []
  checks.push(
    check('aws identity', async () => {
      const id = await ports.identity()
      if (spec.account && id.account !== spec.account)
        return { ok: false, detail: `${id.arn} is in account ${id.account}, expected ${spec.account}` }
      return { ok: true, detail: id.arn }
    }),
  )
  if (spec.alarms.length)
    checks.push(
      check('alarms', async () => {
        const firing = await ports.alarmsInAlarm(spec.alarms)
        if (firing.length)
          return { ok: false, detail: `in ALARM: ${firing.map((a) => `${a.name} (${a.reason})`).join('; ')}` }
        return { ok: true, detail: `none in ALARM of ${spec.alarms.join(', ')}` }
      }),
    )
  const deployment = spec.deployment
  let images: Promise<string[] | undefined> | undefined
  if (deployment) {
    const { namespace, name } = deployment
    const live = ports.liveDeployment(namespace, name)
    images = live.then((l) => l && imagesOf(l.deployment))
    checks.push(
      check('deployment', async () => {
        const found = await images!
        if (!found) return { ok: false, detail: `${namespace}/${name} does not exist` }
        return { ok: true, detail: `${namespace}/${name} runs ${found.join(', ')}` }
      }),
      // Only said of a Deployment that exists (a missing one is the line above's failure).
      live.then(
        (l) => (l ? { check: NOTHING_DEPLOYING, ...nothingDeploying(l, namespace, name) } : []),
        () => [],
      ),
    )
  }
  const image = spec.image
  if (image)
    checks.push(
      check('image tag', async () => {
        const digest = await ports.tagDigest(image.repository, image.tag)
        const running = images ? ((await images.catch(() => undefined)) ?? []) : []
        if (runsRelease(running, image.repository, image.tag, digest))
          return {
            ok: false,
            detail: `${image.repository}:${image.tag} is already in production (the Deployment runs it)`,
          }
        // An existing tag is fine: a re-run of the same release promotes or pushes the same bytes.
        return {
          ok: true,
          detail: digest ? `${image.tag} exists (${digest.slice(0, 19)}…), not running yet` : `${image.tag} is new`,
        }
      }),
    )
  for (const url of spec.stagingUrls)
    checks.push(
      check(`staging ${url}`, async () => {
        const status = await ports.httpStatus(url)
        return { ok: status >= 200 && status < 300, detail: `answered ${status}` }
      }),
    )
  return (await Promise.all(checks)).flat()
}

export const NOTHING_DEPLOYING = 'nothing deploying'

const imagesOf = (d: Deployment) => (d.spec?.template.spec?.containers ?? []).map((c) => c.image ?? '')

/**
 * Nothing else is deploying the Deployment: its rollout is done as `kubectl rollout status` judges
 * it (packages/kube's port of kubectl's DeploymentStatusViewer: the spec observed, every replica
 * updated and available, no old one left), and no canary of it is running (canary-deploy's state
 * annotation on `<name>-canary`, read as rollback reads it before refusing). A release started on
 * top of either would race it: a canary compares against a stable that is still changing, and a
 * running canary's promotion would overwrite this release's image.
 */
export function nothingDeploying(live: LiveDeployment, namespace: string, name: string): Omit<CheckResult, 'check'> {
  const busy: string[] = []
  const rollout = deploymentRolloutState(live.deployment)
  if (isFailed(rollout))
    busy.push(
      `the rollout of ${namespace}/${name} did not finish (${rollout.message}): roll it back (the rollback action) or wait until it has rolled out`,
    )
  else if (!rollout.done)
    busy.push(
      `${namespace}/${name} is still rolling out${live.deployment.spec?.paused ? ' (paused)' : ''} (${rollout.message}): wait until it has rolled out (kubectl rollout status deployment/${name} -n ${namespace})`,
    )
  // A canary Deployment already being deleted (an abort or a promotion finishing) runs no more.
  const canary = live.canary?.metadata?.deletionTimestamp ? undefined : runningCanary(live.canary, name, namespace)
  if (canary)
    busy.push(
      `a canary of ${namespace}/${name} is running: ${describeCanary(canary)}; wait until it is promoted, or abort it with the canary action (action: abort)`,
    )
  if (busy.length) return { ok: false, detail: busy.join('; ') }
  return { ok: true, detail: `no rollout in progress (${rollout.message}), no canary running` }
}

export function preflightFailures(results: readonly CheckResult[]): string | undefined {
  const failed = results.filter((r) => !r.ok)
  return failed.length ? failed.map((r) => `${r.check}: ${r.detail}`).join('; ') : undefined
}
