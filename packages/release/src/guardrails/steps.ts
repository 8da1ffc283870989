// The guardrails as release steps, inserted around the runner's own (release.ts insertStep):
//   schedule (window/freeze, break-glass) → preflight → checks (AWS identity, alarms,
//             Deployment, tag not in production, staging) → announce (GitHub deployment queued →
//             in_progress, "start" notifications) → maintenance on → image … canary
//             → maintenance off (always) → smoke → frontends → conclude (always: deployment
//             status success/failure, lead time, notifications) → record
// Everything that talks to the world comes through GuardrailDeps, so tests run the steps against
// local servers and the runner's defaults load the SDK and Octokit only when a step needs them.
import { ConfigurationError } from '@deploy-actions/kit'
import { insertStep, type ReleaseContext, type ReleaseStep, StepFailure } from '../release.ts'
import type { Plan } from '../types.ts'
import type { Octokit, Repo } from './deployments.ts'
import type { MaintenancePlan } from './maintenance.ts'
import type { NotificationTarget, ReleaseEvent } from './notify.ts'
import type { PreflightPorts, PreflightSpec } from './preflight.ts'

export interface GuardrailDeps {
  now(): number
  warn(line: string): void
  github(token: string, baseUrl: string): Promise<Octokit>
  objects(kubeconfig: string | undefined): Promise<import('@deploy-actions/kube').ObjectsApi>
  preflight(region: string, kubeconfig: string | undefined): Promise<PreflightPorts>
}

/** What the guardrails keep between their steps (one per release). */
interface Memo {
  deployment?: { gh: Octokit; repo: Repo; id: number; commitTime?: string }
  maintenance?: MaintenancePlan
  leadTimeMs?: number
}

const memos = new WeakMap<ReleaseContext, Memo>()
const memo = (ctx: ReleaseContext): Memo => {
  const m = memos.get(ctx) ?? {}
  memos.set(ctx, m)
  return m
}

const PREFLIGHT_FORM = '{ account?: <AWS account id>, alarms?: [CloudWatch alarm names], staging-urls?: [URLs] }'

/** The plan's `preflight` section with the checks the rest of the plan implies (the Deployment, the image tag). */
export function preflightSpec(plan: Plan): PreflightSpec {
  const raw = plan.preflight ?? {}
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigurationError('preflight', PREFLIGHT_FORM, JSON.stringify(raw))
  const extra = raw as Record<string, unknown>
  const unknown = Object.keys(extra).filter((k) => !['account', 'alarms', 'staging-urls'].includes(k))
  if (unknown.length)
    throw new ConfigurationError(`preflight.${unknown[0]}`, PREFLIGHT_FORM, String(extra[unknown[0]!]))
  const list = (field: string, v: unknown): string[] => {
    if (v === undefined) return []
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v
    if (typeof v === 'string')
      return v
        .split(/[\n,]/)
        .map((x) => x.trim())
        .filter(Boolean)
    throw new ConfigurationError(`preflight.${field}`, 'a list of strings', JSON.stringify(v))
  }
  const account = extra.account === undefined ? undefined : String(extra.account)
  if (account !== undefined && !/^\d{12}$/.test(account))
    throw new ConfigurationError('preflight.account', 'a 12-digit AWS account id', account)
  const tags = plan.image?.tags
  const tag = (Array.isArray(tags) ? tags[0] : tags) ?? plan.version
  return {
    ...(account ? { account } : {}),
    alarms: list('alarms', extra.alarms),
    ...(plan.kubernetes
      ? { deployment: { namespace: plan.kubernetes.namespace ?? 'default', name: plan.kubernetes.deployment } }
      : {}),
    ...(plan.image ? { image: { repository: plan.image.repository, tag } } : {}),
    stagingUrls: list('staging-urls', extra['staging-urls']),
  }
}

export function guardrailSteps(deps: GuardrailDeps): {
  checks: ReleaseStep
  schedule: ReleaseStep
  announce: ReleaseStep
  maintenanceOn: ReleaseStep
  maintenanceOff: ReleaseStep
  conclude: ReleaseStep
} {
  const kubeconfigOf = async (ctx: ReleaseContext) => {
    const { kubeconfigOf: read } = await import('../steps.ts')
    return read(ctx)
  }
  return {
    checks: {
      id: 'checks',
      title: 'Preflight checks: AWS identity, alarms, cluster, image tag, staging',
      applies: (plan) => Boolean(plan['aws-region'] || plan.image || plan.kubernetes),
      async run(ctx) {
        const { preflightFailures, runPreflight } = await import('./preflight.ts')
        const region = ctx.plan['aws-region'] ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1'
        const results = await runPreflight(
          preflightSpec(ctx.plan),
          await deps.preflight(region, await kubeconfigOf(ctx)),
        )
        for (const r of results) ctx.log(`  ${r.ok ? '✔' : '✘'} ${r.check}: ${r.detail}`)
        const failed = preflightFailures(results)
        if (failed) throw new StepFailure(`preflight: ${failed}`)
        return `${results.length} checks passed`
      },
    },
    schedule: {
      id: 'schedule',
      title: 'Deployment window and freezes',
      applies: (plan) => plan.window !== undefined || plan.freeze !== undefined,
      async run(ctx) {
        const { decide, parseSchedule } = await import('./window.ts')
        const d = decide(parseSchedule(ctx.plan.window, ctx.plan.freeze), deps.now(), ctx.env.BREAK_GLASS ?? '')
        if (!d.allowed) throw new StepFailure(d.reason)
        // Logged as a warning so the override is visible in the run's annotations, with its reason.
        if (d.override)
          deps.warn(`break-glass release of ${ctx.version}: ${d.override.blocked}; reason: ${d.override.reason}`)
        return d.reason
      },
    },
    announce: {
      id: 'announce',
      title: 'GitHub deployment and start notifications',
      applies: () => true,
      async run(ctx) {
        const parts: string[] = []
        const gh = await githubOf(ctx, deps)
        if (gh) {
          const { runUrl, setStatus, startDeployment } = await import('./deployments.ts')
          const environment = ctx.plan.environment ?? 'production'
          const logUrl = runUrl(ctx.env)
          const started = await startDeployment(gh.gh, gh.repo, {
            ref: ctx.env.GITHUB_SHA || ctx.version,
            environment,
            version: ctx.version,
            production: environment === 'production',
            ...(logUrl ? { logUrl } : {}),
          })
          await setStatus(gh.gh, gh.repo, started.id, 'in_progress', {
            ...(logUrl ? { logUrl } : {}),
            description: `releasing ${ctx.version}`,
          })
          memo(ctx).deployment = { gh: gh.gh, repo: gh.repo, ...started }
          parts.push(`deployment ${started.id} in_progress`)
        } else parts.push('no GitHub deployment (GITHUB_TOKEN or GITHUB_REPOSITORY not set)')
        parts.push(await tell(ctx, deps, 'start', `release ${ctx.version} started`))
        return parts.filter(Boolean).join('; ')
      },
    },
    maintenanceOn: {
      id: 'maintenance-on',
      title: 'Maintenance mode on',
      applies: (plan) => plan.maintenance !== undefined,
      async run(ctx) {
        const { maintenanceOn, parseMaintenance } = await import('./maintenance.ts')
        const m = parseMaintenance(ctx.plan.maintenance, ctx.plan.kubernetes?.namespace)!
        // Remembered before the write: if the write lands and the step fails after, the switch back still runs.
        memo(ctx).maintenance = m
        const switched = await maintenanceOn(await deps.objects(await kubeconfigOf(ctx)), m)
        return `${m.kind} ${m.namespace}/${m.name} → ${m.service}:${m.port}${switched ? '' : ' (was already on)'}`
      },
    },
    maintenanceOff: {
      id: 'maintenance-off',
      title: 'Maintenance mode off',
      applies: (plan) => plan.maintenance !== undefined,
      always: true,
      async run(ctx) {
        const m = memo(ctx).maintenance
        if (!m) return 'was not switched on'
        const { maintenanceOff } = await import('./maintenance.ts')
        const back = await maintenanceOff(await deps.objects(await kubeconfigOf(ctx)), m)
        return `${m.kind} ${m.namespace}/${m.name} ${back ? 'back to its own backends' : 'was already back'}`
      },
    },
    conclude: {
      id: 'conclude',
      title: 'Deployment status, lead time and notifications',
      applies: () => true,
      always: true,
      async run(ctx) {
        const { formatDuration } = await import('@deploy-actions/kit')
        const m = memo(ctx)
        const failed = Boolean(ctx.failure) || ctx.signal.aborted
        const rolledBack = ctx.state.rollout?.result === 'aborted'
        const outcome = failed
          ? `failed at ${ctx.failure?.step ?? 'cancel'}: ${ctx.failure?.reason ?? 'cancelled'}${rolledBack ? ' (canary aborted, the previous version serves)' : ''}`
          : `released ${ctx.version}`
        const parts: string[] = []
        if (m.deployment) {
          const { leadTime, runUrl, setStatus } = await import('./deployments.ts')
          const { gh, repo, id, commitTime } = m.deployment
          const logUrl = runUrl(ctx.env)
          const url = ctx.env.ENVIRONMENT_URL
          await setStatus(gh, repo, id, failed ? 'failure' : 'success', {
            ...(logUrl ? { logUrl } : {}),
            ...(url ? { environmentUrl: url } : {}),
            description: outcome,
          })
          parts.push(`deployment ${id} ${failed ? 'failure' : 'success'}`)
          const lead = failed ? undefined : leadTime(commitTime, deps.now())
          if (lead !== undefined) {
            m.leadTimeMs = lead
            parts.push(`lead time ${formatDuration(lead)}`)
          }
        }
        parts.push(await tell(ctx, deps, failed ? (rolledBack ? 'rollback' : 'failure') : 'success', outcome))
        return parts.filter(Boolean).join('; ')
      },
    },
  }
}

async function githubOf(ctx: ReleaseContext, deps: GuardrailDeps): Promise<{ gh: Octokit; repo: Repo } | undefined> {
  const { repoOf } = await import('./deployments.ts')
  const repo = repoOf(ctx.env.GITHUB_REPOSITORY)
  const token = ctx.env.GITHUB_TOKEN
  if (!repo || !token) return undefined
  return { gh: await deps.github(token, ctx.env.GITHUB_API_URL || 'https://api.github.com'), repo }
}

async function tell(ctx: ReleaseContext, deps: GuardrailDeps, event: ReleaseEvent, outcome: string): Promise<string> {
  const { notify, parseNotifications, releaseNews } = await import('./notify.ts')
  const targets: NotificationTarget[] = parseNotifications(ctx.plan.notifications)
  if (!targets.length) return ''
  const news = releaseNews(
    {
      event,
      service: ctx.plan.service ?? ctx.env.GITHUB_REPOSITORY ?? 'service',
      version: ctx.version,
      environment: ctx.plan.environment ?? 'production',
      outcome,
    },
    ctx.env,
  )
  const results = await notify(targets, news, ctx.env, (line) => {
    deps.warn(line)
    ctx.log(`  ⚠ ${line}`)
  })
  const sent = results.filter((r) => r.sent).map((r) => r.target)
  const unsent = results.filter((r) => !r.sent).map((r) => r.target)
  return `${event} notified${sent.length ? `: ${sent.join(', ')}` : ''}${unsent.length ? `; not delivered: ${unsent.join(', ')}` : ''}`
}

/** The release's steps with the guardrails in place. */
export function withGuardrails(steps: readonly ReleaseStep[], deps: GuardrailDeps): ReleaseStep[] {
  const g = guardrailSteps(deps)
  // The window first: a release outside it stops before anything is read, the database included.
  let out = insertStep(steps, { before: 'preflight' }, g.schedule)
  out = insertStep(out, { after: 'preflight' }, g.checks)
  out = insertStep(out, { after: 'checks' }, g.announce)
  out = insertStep(out, { after: 'announce' }, g.maintenanceOn)
  out = insertStep(out, { after: 'canary' }, g.maintenanceOff)
  return insertStep(out, { before: 'record' }, g.conclude)
}

/** The runner's deps: the SDK, client-node and Octokit loaded when a step first needs them. */
export function defaultGuardrailDeps(warn: (line: string) => void): GuardrailDeps {
  return {
    now: () => Date.now(),
    warn,
    async github(token, baseUrl) {
      const { githubToolkit } = await import('@deploy-actions/kit/runtime')
      const { getOctokit } = await githubToolkit()
      return getOctokit(token, { baseUrl })
    },
    async objects(kubeconfig) {
      const { createObjectsApi, loadKubeConfig } = await import('@deploy-actions/kube')
      const { kubeConfig } = await loadKubeConfig({ kubeconfig: kubeconfig ?? '' })
      return createObjectsApi(kubeConfig)
    },
    async preflight(region, kubeconfig) {
      const { preflightPorts } = await import('./preflight-ports.ts')
      return preflightPorts(region, kubeconfig ? { kubeconfig } : {})
    },
  }
}
