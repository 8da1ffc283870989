// Release notifications: Slack (incoming webhook, Block Kit) and Microsoft Teams (a Workflows
// webhook that posts an Adaptive Card; the Office 365 connectors are retired). The payloads are
// pure; `notify` posts them and turns every non-2xx answer or network error into a warning that
// names the target, never into silence and never into a failed release.
// Webhook URLs are secrets: they come from the environment, are masked, and never printed.
import { ConfigurationError } from '@deploy-actions/kit'
import { runUrl } from './deployments.ts'

export type ReleaseEvent = 'start' | 'success' | 'failure' | 'rollback'
export const EVENTS: readonly ReleaseEvent[] = ['start', 'success', 'failure', 'rollback']

export interface NotificationTarget {
  type: 'slack' | 'teams'
  /** Shown in warnings instead of the URL ("slack #releases"). */
  name: string
  /** Environment variable that holds the webhook URL. */
  webhookEnv: string
  on: ReleaseEvent[]
}

export interface ReleaseNews {
  event: ReleaseEvent
  service: string
  version: string
  environment: string
  /** One line: what happened (the failed step and why, the canary's verdict). */
  outcome: string
  changesUrl?: string
  logUrl?: string
  environmentUrl?: string
}

/**
 * The news of one event with the run's links: the changes (the version's release page), the run's
 * log and the service, from the runner's GITHUB_* variables and ENVIRONMENT_URL where set.
 */
export function releaseNews(
  facts: Pick<ReleaseNews, 'event' | 'service' | 'version' | 'environment' | 'outcome'> & { environmentUrl?: string },
  env: Record<string, string | undefined>,
): ReleaseNews {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = env
  const logUrl = runUrl(env)
  const environmentUrl = facts.environmentUrl ?? env.ENVIRONMENT_URL
  return {
    ...facts,
    ...(server && repo ? { changesUrl: `${server}/${repo}/releases/tag/${encodeURIComponent(facts.version)}` } : {}),
    ...(logUrl ? { logUrl } : {}),
    ...(environmentUrl ? { environmentUrl } : {}),
  }
}

const FORM = 'a list of { type: slack|teams, webhook-env: VARIABLE, name?, on?: [start, success, failure, rollback] }'

export function parseNotifications(value: unknown): NotificationTarget[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw new ConfigurationError('notifications', FORM, JSON.stringify(value))
  return value.map((raw, i) => {
    const field = `notifications[${i}]`
    const o = (raw ?? {}) as Record<string, unknown>
    if (o.type !== 'slack' && o.type !== 'teams')
      throw new ConfigurationError(`${field}.type`, 'slack or teams', String(o.type))
    const env = o['webhook-env']
    if (typeof env !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(env))
      throw new ConfigurationError(
        `${field}.webhook-env`,
        'the name of an environment variable holding the webhook URL',
        String(env),
      )
    const on = o.on === undefined ? [...EVENTS] : o.on
    if (!Array.isArray(on) || on.some((e) => !EVENTS.includes(e as ReleaseEvent)))
      throw new ConfigurationError(`${field}.on`, `a list of ${EVENTS.join(', ')}`, JSON.stringify(o.on))
    return {
      type: o.type,
      name: typeof o.name === 'string' ? `${o.type} ${o.name}` : o.type,
      webhookEnv: env,
      on: on as ReleaseEvent[],
    }
  })
}

const HEADLINE: Record<ReleaseEvent, (n: ReleaseNews) => string> = {
  start: (n) => `:rocket: Releasing ${n.service} ${n.version} to ${n.environment}`,
  success: (n) => `:white_check_mark: ${n.service} ${n.version} released to ${n.environment}`,
  failure: (n) => `:x: ${n.service} ${n.version} failed in ${n.environment}`,
  rollback: (n) => `:leftwards_arrow_with_hook: ${n.service} ${n.version} rolled back in ${n.environment}`,
}

const links = (n: ReleaseNews): Array<[string, string]> =>
  [
    ['Changes', n.changesUrl],
    ['Run log', n.logUrl],
    ['Service', n.environmentUrl],
  ].filter((l): l is [string, string] => Boolean(l[1]))

/** Slack Block Kit: a header, the facts as fields, the outcome, the links; `text` is the notification's fallback. */
export function slackPayload(n: ReleaseNews): Record<string, unknown> {
  const headline = HEADLINE[n.event](n)
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: headline.replace(/^:[a-z_]+: /, ''), emoji: true } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Version*\n${n.version}` },
        { type: 'mrkdwn', text: `*Environment*\n${n.environment}` },
        { type: 'mrkdwn', text: `*Event*\n${n.event}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*Outcome*\n${n.outcome}` } },
  ]
  const l = links(n)
  if (l.length) blocks.push({ type: 'context', elements: l.map(([t, u]) => ({ type: 'mrkdwn', text: `<${u}|${t}>` })) })
  return { text: `${headline}: ${n.outcome}`, blocks }
}

/** Teams Workflows webhook: a message with one Adaptive Card attachment. */
export function teamsPayload(n: ReleaseNews): Record<string, unknown> {
  const headline = HEADLINE[n.event](n).replace(/^:[a-z_]+: /, '')
  const color = n.event === 'success' ? 'Good' : n.event === 'start' ? 'Accent' : 'Attention'
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: headline, weight: 'Bolder', size: 'Medium', color, wrap: true },
      {
        type: 'FactSet',
        facts: [
          { title: 'Version', value: n.version },
          { title: 'Environment', value: n.environment },
          { title: 'Event', value: n.event },
          { title: 'Outcome', value: n.outcome },
        ],
      },
    ],
    actions: links(n).map(([title, url]) => ({ type: 'Action.OpenUrl', title, url })),
  }
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  }
}

export interface NotifyResult {
  target: string
  sent: boolean
  /** Set when the target did not take it: the warning line. */
  warning?: string
}

/**
 * Posts the news to every target that wants the event. Failures become warnings (returned and
 * passed to `warn`) naming the target and the answer; the release goes on.
 */
export async function notify(
  targets: readonly NotificationTarget[],
  news: ReleaseNews,
  env: Record<string, string | undefined>,
  warn: (line: string) => void,
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<NotifyResult[]> {
  const send = options.fetch ?? fetch
  const results: NotifyResult[] = []
  for (const t of targets.filter((x) => x.on.includes(news.event))) {
    const url = env[t.webhookEnv]
    let warning: string | undefined
    if (!url) warning = `notification to ${t.name} not sent: ${t.webhookEnv} is not set`
    else {
      try {
        const res = await send(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(t.type === 'slack' ? slackPayload(news) : teamsPayload(news)),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        })
        const body = (await res.text()).replace(/\s+/g, ' ').trim().slice(0, 200)
        if (!res.ok)
          warning = `notification to ${t.name} (${news.event}) answered ${res.status} ${res.statusText}${body ? `: ${body}` : ''}`
      } catch (error) {
        // fetch's own message is "fetch failed"; the cause says why (ECONNREFUSED, a timeout).
        const e = error as { message?: string; cause?: { message?: string } } | undefined
        const why = e?.cause?.message ?? e?.message ?? String(error)
        warning = `notification to ${t.name} (${news.event}) failed: ${why.split(url).join('<webhook>')}`
      }
    }
    if (warning) warn(warning)
    results.push({ target: t.name, sent: !warning, ...(warning ? { warning } : {}) })
  }
  return results
}
