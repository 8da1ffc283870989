// Slack (incoming webhook, Block Kit) and Teams (Workflows webhook, Adaptive Card) notifications
// against local HTTP servers: the payloads as posted, a non-2xx answer as a warning naming the
// target and the answer, an unset webhook variable and a refused connection as warnings too; the
// webhook URL never appears in a warning.
import { notify, parseNotifications, type ReleaseNews } from '../../../packages/release/src/guardrails/notify.ts'
import { startWebhook, type WebhookServer } from './webhook-server.ts'

let slack: WebhookServer
let teams: WebhookServer
beforeAll(async () => {
  slack = await startWebhook({ status: 200, body: 'ok' })
  teams = await startWebhook({ status: 202, body: '' })
})
afterAll(async () => {
  await slack?.stop()
  await teams?.stop()
})
beforeEach(() => {
  slack.bodies.length = 0
  teams.bodies.length = 0
  slack.answer = { status: 200, body: 'ok' }
})

const targets = () =>
  parseNotifications([
    { type: 'slack', 'webhook-env': 'SLACK_WEBHOOK', name: '#releases' },
    { type: 'teams', 'webhook-env': 'TEAMS_WEBHOOK', on: ['failure', 'rollback'] },
  ])
const env = () => ({ SLACK_WEBHOOK: slack.url, TEAMS_WEBHOOK: teams.url })
const news = (event: ReleaseNews['event'], outcome: string): ReleaseNews => ({
  event,
  service: 'shop',
  version: 'v2.1.0',
  environment: 'production',
  outcome,
  changesUrl: 'https://github.com/acme/shop/compare/v2.0.0...v2.1.0',
  logUrl: 'https://github.com/acme/shop/actions/runs/42',
})

test('start goes to Slack only (Teams asked for failure and rollback), as Block Kit', async () => {
  const warnings: string[] = []
  const results = await notify(targets(), news('start', 'release v2.1.0 started'), env(), (w) => warnings.push(w))
  expect(warnings).toEqual([])
  expect(results).toEqual([{ target: 'slack #releases', sent: true }])
  expect(teams.bodies).toEqual([])
  expect(slack.bodies).toEqual([
    {
      text: ':rocket: Releasing shop v2.1.0 to production: release v2.1.0 started',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Releasing shop v2.1.0 to production', emoji: true } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Version*\nv2.1.0' },
            { type: 'mrkdwn', text: '*Environment*\nproduction' },
            { type: 'mrkdwn', text: '*Event*\nstart' },
          ],
        },
        { type: 'section', text: { type: 'mrkdwn', text: '*Outcome*\nrelease v2.1.0 started' } },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: '<https://github.com/acme/shop/compare/v2.0.0...v2.1.0|Changes>' },
            { type: 'mrkdwn', text: '<https://github.com/acme/shop/actions/runs/42|Run log>' },
          ],
        },
      ],
    },
  ])
})

test('a rollback goes to both; Teams gets a message with one Adaptive Card', async () => {
  await notify(targets(), news('rollback', 'canary aborted: error rate 12% > 5%'), env(), () => {})
  expect(slack.bodies).toHaveLength(1)
  expect(teams.bodies).toEqual([
    {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'TextBlock',
                text: 'shop v2.1.0 rolled back in production',
                weight: 'Bolder',
                size: 'Medium',
                color: 'Attention',
                wrap: true,
              },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Version', value: 'v2.1.0' },
                  { title: 'Environment', value: 'production' },
                  { title: 'Event', value: 'rollback' },
                  { title: 'Outcome', value: 'canary aborted: error rate 12% > 5%' },
                ],
              },
            ],
            actions: [
              { type: 'Action.OpenUrl', title: 'Changes', url: 'https://github.com/acme/shop/compare/v2.0.0...v2.1.0' },
              { type: 'Action.OpenUrl', title: 'Run log', url: 'https://github.com/acme/shop/actions/runs/42' },
            ],
          },
        },
      ],
    },
  ])
})

test('a 500 from Slack is a warning naming the target and the answer; Teams still gets its card', async () => {
  slack.answer = { status: 500, body: 'internal_error' }
  const warnings: string[] = []
  const results = await notify(targets(), news('failure', 'failed at migrate'), env(), (w) => warnings.push(w))
  expect(warnings).toEqual([
    'notification to slack #releases (failure) answered 500 Internal Server Error: internal_error',
  ])
  expect(results.map((r) => [r.target, r.sent])).toEqual([
    ['slack #releases', false],
    ['teams', true],
  ])
  expect(teams.bodies).toHaveLength(1)
})

test('an unset variable and a refused connection are warnings too, without the webhook URL', async () => {
  const gone = await startWebhook({ status: 200, body: 'ok' })
  const url = gone.url
  await gone.stop()
  const warnings: string[] = []
  await notify(targets(), news('failure', 'x'), { SLACK_WEBHOOK: url }, (w) => warnings.push(w))
  expect(warnings).toHaveLength(2)
  expect(warnings[0]).toMatch(/^notification to slack #releases \(failure\) failed: .*ECONNREFUSED/)
  expect(warnings[1]).toBe('notification to teams not sent: TEAMS_WEBHOOK is not set')
  expect(warnings.join('\n')).not.toContain('secretpart')
})

test.each([
  [{ type: 'discord', 'webhook-env': 'X' }, /notifications\[0\]\.type: expected slack or teams, got "discord"/],
  [
    { type: 'slack', 'webhook-env': 'https://hooks.slack.com/x' },
    /notifications\[0\]\.webhook-env: expected the name of an environment variable/,
  ],
  [
    { type: 'slack', 'webhook-env': 'X', on: ['deploy'] },
    /notifications\[0\]\.on: expected a list of start, success, failure, rollback/,
  ],
])('refused: %j', (entry, message) => {
  expect(() => parseNotifications([entry])).toThrow(message)
})
