// mode: notify. One release event to every webhook given, through the engine's notify (Slack
// Block Kit, a Teams Adaptive Card). An answer other than 2xx or a refused connection is a
// warning naming the target, never a failed step: a release is not stopped by its chat.
import { notify, releaseNews } from '../../../packages/release/src/guardrails/notify.ts'
import type { NotifyInputs } from './inputs.ts'
import type { Deps } from './ports.ts'
import type { Report } from './report.ts'

export async function announce(inputs: NotifyInputs, deps: Deps, report: Report): Promise<void> {
  if (!inputs.targets.length) {
    report.result = 'none'
    deps.log(`${inputs.event}: no webhook given (slack-webhook, teams-webhook), nothing sent`)
    return
  }
  const news = releaseNews(
    {
      event: inputs.event,
      service: inputs.service,
      version: inputs.version,
      environment: inputs.environment,
      outcome: inputs.outcome,
      ...(inputs.environmentUrl ? { environmentUrl: inputs.environmentUrl } : {}),
    },
    deps.env,
  )
  report.news = news
  report.sent = await notify(inputs.targets, news, inputs.webhooks, deps.warn)
  for (const r of report.sent) deps.log(`${r.sent ? '✔' : '⚠'} ${r.target}: ${r.sent ? 'delivered' : r.warning}`)
  report.result = report.sent.every((r) => r.sent) ? 'sent' : 'undelivered'
}
