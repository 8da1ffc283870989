// The only reader of the guardrails action's inputs: pure, everything checked before a request.
// Two modes: `check` (deployment windows and freezes with break-glass, then the preflight checks)
// and `notify` (one release event to Slack and Teams). Both parse with the release engine's own
// parsers (packages/release/src/guardrails), so a plan file and this action read the same forms.
import { ConfigurationError, type InputGetter, parseEnum, parseList, versionFromRef } from '@deploy-actions/kit'
import { isDnsLabel, isDnsSubdomain, type KubeAccess, parseKubeAccess } from '@deploy-actions/kube'
import { EVENTS, type NotificationTarget, type ReleaseEvent } from '../../../packages/release/src/guardrails/notify.ts'
import type { PreflightSpec } from '../../../packages/release/src/guardrails/preflight.ts'
import { type Freeze, parseSchedule, type Window } from '../../../packages/release/src/guardrails/window.ts'

export interface CheckInputs {
  mode: 'check'
  version: string
  schedule: { windows: Window[]; freezes: Freeze[] }
  /** The reason that lets a release through a closed window or a freeze; '' = none. */
  breakGlass: string
  /** The preflight checks; undefined when none was asked for (no AWS account, alarms, Deployment or repository). */
  preflight: PreflightSpec | undefined
  region: string | undefined
  kube: KubeAccess
}

export interface NotifyInputs {
  mode: 'notify'
  version: string
  event: ReleaseEvent
  targets: NotificationTarget[]
  /** Webhook URLs by the variable name the targets read them from (secrets: masked first). */
  webhooks: Record<string, string>
  service: string
  environment: string
  outcome: string
  environmentUrl: string | undefined
}

export type Inputs = CheckInputs | NotifyInputs

const VERSION_FORM = 'a version like v2.1.0 (letters, digits, . + - _)'

export function parseInputs(get: InputGetter, env: NodeJS.ProcessEnv = {}): Inputs {
  const mode = parseEnum('mode', get('mode'), ['check', 'notify'] as const, 'check')
  const version = get('version').trim() || versionFromRef(env)
  if (!/^[\w][\w.+-]{0,127}$/.test(version)) throw new ConfigurationError('version', VERSION_FORM, version)
  return mode === 'check' ? parseCheck(get, env, version) : parseNotify(get, env, version)
}

function parseCheck(get: InputGetter, env: NodeJS.ProcessEnv, version: string): CheckInputs {
  // Window lines may hold commas ("Sat,Sun 22:00-02:00 UTC"): one a line.
  const windows = parseList(get('window'), { commas: false })
  const freezes = parseList(get('freeze'), { commas: false })
  const schedule = parseSchedule(
    windows.length === 1 ? windows[0] : windows.length ? windows : undefined,
    freezes.length === 1 ? freezes[0] : freezes.length ? freezes : undefined,
  )
  const breakGlass = get('break-glass').trim().replace(/\s+/g, ' ')

  const account = get('aws-account').trim()
  if (account && !/^\d{12}$/.test(account))
    throw new ConfigurationError('aws-account', 'a 12-digit AWS account id', account)
  const alarms = parseList(get('alarms'), { commas: false })
  const namespace = get('namespace').trim() || 'default'
  if (!isDnsLabel(namespace))
    throw new ConfigurationError('namespace', 'a namespace name (lowercase letters, digits and -, up to 63)', namespace)
  const deployment = get('deployment').trim()
  if (deployment && !isDnsSubdomain(deployment))
    throw new ConfigurationError('deployment', 'a Deployment name (lowercase letters, digits, - and .)', deployment)
  const repository = get('ecr-repository').trim()
  if (repository && !/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(repository))
    throw new ConfigurationError('ecr-repository', 'an ECR repository name like team/backend', repository)
  // Of several tags (the release workflow's image-tags lines), the first is the release's.
  const tag = parseList(get('image-tag'))[0] ?? version
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new ConfigurationError('image-tag', 'an image tag like v2.1.0', tag)
  const kube = parseKubeAccess(get('kubeconfig'), get('eks-cluster'))

  const asked = Boolean(account || alarms.length || deployment || repository)
  const region = get('aws-region').trim() || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined
  if (asked && !region)
    throw new ConfigurationError(
      'aws-region',
      'an AWS region for the preflight checks (or AWS_REGION, which aws-actions/configure-aws-credentials sets)',
    )
  if (!deployment && kube.kind === 'eks')
    throw new ConfigurationError('deployment', 'the Deployment to check (eks-cluster is given for it)')
  // A check with nothing to check is a mistake in the step, not a pass.
  if (!asked && !schedule.windows.length && !schedule.freezes.length)
    throw new ConfigurationError(
      'window',
      'something to check: window, freeze, or a preflight check (aws-account, alarms, deployment, ecr-repository)',
    )
  const preflight: PreflightSpec | undefined = asked
    ? {
        ...(account ? { account } : {}),
        alarms,
        ...(deployment ? { deployment: { namespace, name: deployment } } : {}),
        ...(repository ? { image: { repository, tag } } : {}),
        stagingUrls: [],
      }
    : undefined
  return { mode: 'check', version, schedule, breakGlass, preflight, region, kube }
}

function parseNotify(get: InputGetter, env: NodeJS.ProcessEnv, version: string): NotifyInputs {
  const raw = get('event').trim()
  if (!raw) throw new ConfigurationError('event', `one of ${EVENTS.join(', ')} (required with mode notify)`)
  const event = parseEnum('event', raw, EVENTS, 'start')
  const targets: NotificationTarget[] = []
  const webhooks: Record<string, string> = {}
  for (const [type, input, variable] of [
    ['slack', 'slack-webhook', 'SLACK_WEBHOOK_URL'],
    ['teams', 'teams-webhook', 'TEAMS_WEBHOOK_URL'],
  ] as const) {
    const url = get(input).trim()
    if (!url) continue
    // The URL itself is never shown, not even in this error: it is a secret.
    if (!/^https?:\/\/[^\s]+$/.test(url)) throw new ConfigurationError(input, 'a webhook URL (https://…)')
    targets.push({ type, name: type, webhookEnv: variable, on: [...EVENTS] })
    webhooks[variable] = url
  }
  const service = get('service').trim() || env.GITHUB_REPOSITORY?.split('/')[1] || 'service'
  const environment = get('environment').trim() || 'production'
  const environmentUrl = get('environment-url').trim() || undefined
  if (environmentUrl && !/^https?:\/\/\S+$/.test(environmentUrl))
    throw new ConfigurationError('environment-url', 'a URL (https://…)', environmentUrl)
  const outcome = get('outcome').trim().replace(/\s+/g, ' ') || defaultOutcome(event, version, environment)
  return { mode: 'notify', version, event, targets, webhooks, service, environment, outcome, environmentUrl }
}

function defaultOutcome(event: ReleaseEvent, version: string, environment: string): string {
  switch (event) {
    case 'start':
      return `release ${version} started`
    case 'success':
      return `released ${version} to ${environment}`
    case 'failure':
      return `release ${version} failed`
    case 'rollback':
      return `release ${version} rolled back`
  }
}
