// release.yml's guardrails rehearsed as the runner runs them: the preflight job's guardrails step
// (the guardrails bundle: the window and freezes, break-glass, STS identity, CloudWatch alarms and
// ECR on moto, the Deployment and a canary of it left running on the Kubernetes simulator), its
// staging check and start notification; the record job naming a break-glass; the notify job
// posting the outcome to a real local HTTP server standing in for a Slack incoming webhook, after a
// success, a failure, an aborted canary and a blocked preflight. Freezes are written around
// today's date (the days before and after included), so they are in effect whenever the test runs.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr'
import { createObjectsApi, loadKubeConfig, type ObjectsApi } from '@deploy-actions/kube'
import {
  type JobRehearsal,
  type KubeSimulator,
  type Moto,
  type NeededJob,
  type RehearsalOptions,
  rehearseJob,
  removeDir,
  startKubeSimulator,
  startMoto,
  tempDir,
} from '@deploy-actions/testbed'
import { encodeState } from '../../../actions/canary-deploy/src/state.ts'
import { canaryState } from '../../unit/guardrails/live-deployments.ts'
import { putShopAlarms, setShop5xx } from '../guardrails/shop-alarms.ts'
import { rolledOut, shopDeployment } from '../guardrails/shop-deployment.ts'
import { startWebhook, type WebhookServer } from '../guardrails/webhook-server.ts'

const REGION = 'us-east-1'
let moto: Moto
let sim: KubeSimulator
let hook: WebhookServer
let staging: Server
let stagingUrl: string
let stagingStatus = 200
let workspace: string
let objects: ObjectsApi

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
/** A freeze from yesterday to tomorrow (whole local days): in effect now, whatever the hour. */
const FREEZE = () => `${day(-1)}..${day(1)} Europe/Berlin`
const aws = () => ({
  region: REGION,
  endpoint: moto.endpoint,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
})

const setAlarm = (state: 'OK' | 'ALARM') => setShop5xx(new CloudWatchClient(aws()), state)

beforeAll(async () => {
  ;[moto, sim, hook] = await Promise.all([
    startMoto(),
    startKubeSimulator({ podReadyDelayMs: 20, controllerTickMs: 20 }),
    startWebhook({ status: 200, body: 'ok' }),
  ])
  // What production holds before the release: the ECR repository, the Deployment on the
  // previous version, the service's alarms (OK).
  await new ECRClient(aws()).send(new CreateRepositoryCommand({ repositoryName: 'shop' }))
  objects = await createObjectsApi((await loadKubeConfig({ kubeconfig: sim.kubeconfig })).kubeConfig)
  await objects.create(shopDeployment('123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:v0.9.0'))
  // Rolled out before the preflight looks at it (it blocks a rollout in progress).
  await rolledOut(sim.kubeconfig)
  await putShopAlarms(new CloudWatchClient(aws()))
  await setAlarm('OK')
  staging = createServer((_, res) => {
    res.writeHead(stagingStatus, { 'content-type': 'application/json' })
    res.end('{"status":"UP"}')
  })
  await new Promise<void>((resolve) => staging.listen(0, '127.0.0.1', resolve))
  stagingUrl = `http://127.0.0.1:${(staging.address() as AddressInfo).port}/actuator/health`
  workspace = tempDir('guardrails-rehearsal')
}, 90_000)

afterAll(async () => {
  await Promise.all([
    moto?.stop(),
    sim?.stop(),
    hook?.stop(),
    new Promise((resolve) => (staging ? staging.close(resolve) : resolve(undefined))),
  ])
  if (workspace) removeDir(workspace)
})

function options(job: string, extra: Partial<RehearsalOptions> = {}): RehearsalOptions {
  return {
    workflow: '.github/workflows/release.yml',
    job,
    workspace,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    standIns: {
      'aws-actions/configure-aws-credentials': (inputs) => ({
        env: { ...moto.env, AWS_REGION: inputs['aws-region']! },
      }),
    },
    timeoutMs: 90_000,
    ...extra,
    secrets: { kubeconfig: sim.kubeconfig, 'slack-webhook': hook.url, ...extra.secrets },
    inputs: {
      environment: 'production',
      'environment-url': 'https://shop.example.com',
      'aws-region': REGION,
      'aws-role': 'arn:aws:iam::123456789012:role/release',
      'ecr-repository': 'shop',
      deployment: 'shop',
      ...extra.inputs,
    },
  }
}

const success = (outputs: Record<string, string> = {}): NeededJob => ({ result: 'success', outputs })
const skipped: NeededJob = { result: 'skipped', outputs: {} }
const steps = (job: JobRehearsal) => job.steps.map((s) => [s.name, s.conclusion])
const log = (job: JobRehearsal, name: string) => job.steps.find((s) => s.name === name)?.log ?? ''

/** The Slack messages posted while `body` runs. */
async function posted(body: () => Promise<unknown>): Promise<Array<{ text: string; blocks: unknown[] }>> {
  const before = hook.bodies.length
  await body()
  return hook.bodies.slice(before) as Array<{ text: string; blocks: unknown[] }>
}
const eventOf = (message: { blocks: unknown[] }) =>
  /\*Event\*\n(\w+)/.exec(JSON.stringify(message.blocks).replace(/\\n/g, '\n'))?.[1]

/** The notify job after the given needs (the jobs not named succeeded). */
function notifyAfter(needs: Partial<Record<string, NeededJob>>) {
  const all: Record<string, NeededJob> = {
    preflight: success({ version: 'v1.0.0', frontends: '[]', guardrails: 'passed' }),
    image: success(),
    database: success(),
    deploy: success({ result: 'promoted' }),
    verify: success(),
    frontends: skipped,
    record: success(),
  }
  for (const [k, v] of Object.entries(needs)) if (v) all[k] = v
  return rehearseJob(options('notify', { needs: all }))
}

describe('preflight: the guardrails first, before anything changes', () => {
  test('inside the window, no alarm, the Deployment present, the tag new, staging healthy: the start is announced', async () => {
    let preflight!: JobRehearsal
    const messages = await posted(async () => {
      preflight = await rehearseJob(
        options('preflight', {
          inputs: {
            window: 'Mon-Sun 00:00-24:00 Europe/Berlin',
            alarms: 'shop-5xx\nshop-latency',
            'aws-account': '123456789012',
            'staging-urls': stagingUrl,
            'staging-timeout': '10s',
          },
        }),
      )
    })
    expect(preflight.result).toBe('success')
    expect(steps(preflight)).toEqual([
      ['aws-actions/configure-aws-credentials@v4', 'success'],
      ['Guardrails', 'success'],
      ['Version and frontends', 'success'],
      ['Staging healthy', 'success'],
      ['Start notification', 'success'],
    ])
    expect(preflight.outputs).toMatchObject({ version: 'v1.0.0', guardrails: 'passed', override: '' })
    const checks = log(preflight, 'Guardrails')
    expect(checks).toMatch(/✔ schedule: inside the deployment window Mon-Sun 00:00-24:00 Europe\/Berlin/)
    expect(checks).toMatch(/✔ aws identity: arn:aws:sts::123456789012:/)
    expect(checks).toMatch(/✔ alarms: none in ALARM of shop-5xx, shop-latency/)
    expect(checks).toMatch(/✔ deployment: default\/shop runs .*shop:v0\.9\.0/)
    expect(checks).toContain(
      '✔ nothing deploying: no rollout in progress (deployment "shop" successfully rolled out), no canary running',
    )
    expect(checks).toMatch(/✔ image tag: v1\.0\.0 is new/)
    expect(preflight.summary).toMatch(/## Release v1\.0\.0 guardrails: ✅ may start/)
    expect(messages).toHaveLength(1)
    expect(eventOf(messages[0]!)).toBe('start')
    expect(messages[0]!.text).toMatch(/^:rocket: Releasing webshop v1\.0\.0 to production: release v1\.0\.0 started$/)
    // The webhook URL is a secret: registered with the runner as one first, never printed.
    const lines = log(preflight, 'Start notification').split('\n')
    expect(lines).toContain(`::add-mask::${hook.url}`)
    expect(lines.filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain('secretpart')
  }, 180_000)

  test('a freeze blocks the release: the later steps never run, nothing is announced as started', async () => {
    let preflight!: JobRehearsal
    const messages = await posted(async () => {
      preflight = await rehearseJob(options('preflight', { inputs: { freeze: FREEZE() } }))
    })
    expect(preflight.result).toBe('failure')
    expect(steps(preflight)).toEqual([
      ['aws-actions/configure-aws-credentials@v4', 'success'],
      ['Guardrails', 'failure'],
      ['Version and frontends', 'skipped'],
      ['Staging healthy', 'skipped'],
      ['Start notification', 'skipped'],
    ])
    expect(messages).toEqual([])
    expect(preflight.outputs.guardrails).toBe('blocked')
    expect(preflight.outputs['guardrails-reason']).toContain(`freeze ${FREEZE()} is in effect`)
    expect(log(preflight, 'Guardrails')).toMatch(/::error::release v1\.0\.0 blocked: freeze .* set break-glass/)

    // The notify job (always) announces the blocked release as a failure, with the reason.
    let notify!: JobRehearsal
    const after = await posted(async () => {
      notify = await notifyAfter({
        preflight: { result: 'failure', outputs: preflight.outputs },
        image: skipped,
        database: skipped,
        deploy: skipped,
        verify: skipped,
        record: skipped,
      })
    })
    expect(notify.result).toBe('success')
    expect(after).toHaveLength(1)
    expect(eventOf(after[0]!)).toBe('failure')
    expect(after[0]!.text).toContain(`blocked before anything changed: freeze ${FREEZE()} is in effect`)
  }, 180_000)

  test('break-glass lets the frozen release through; its reason is a warning, in the start message and in the record', async () => {
    const reason = 'INC-4711 payments down, hotfix approved by the on-call lead'
    let preflight!: JobRehearsal
    const messages = await posted(async () => {
      preflight = await rehearseJob(options('preflight', { inputs: { freeze: FREEZE(), 'break-glass': reason } }))
    })
    expect(preflight.result).toBe('success')
    expect(preflight.outputs.guardrails).toBe('passed')
    expect(preflight.outputs.override).toMatch(
      new RegExp(`^freeze ${FREEZE()} is in effect \\(.*\\); reason: ${reason}$`),
    )
    expect(log(preflight, 'Guardrails')).toMatch(
      new RegExp(`::warning::break-glass release of v1\\.0\\.0: freeze .* is in effect .*; reason: ${reason}`),
    )
    expect(preflight.summary).toContain(`**Break-glass:** freeze ${FREEZE()} is in effect`)
    expect(messages).toHaveLength(1)
    expect(messages[0]!.text).toContain(`release v1.0.0 started (break-glass: freeze ${FREEZE()} is in effect`)
    expect(messages[0]!.text).toContain(reason)

    const record = await rehearseJob(
      options('record', {
        needs: {
          preflight: success(preflight.outputs),
          image: success(),
          database: success(),
          deploy: success({ result: 'promoted' }),
          verify: success(),
          frontends: skipped,
        },
      }),
    )
    expect(record.result).toBe('success')
    expect(record.summary).toContain(`**Break-glass:** freeze ${FREEZE()} is in effect`)
    expect(record.summary).toContain(reason)
  }, 180_000)

  test('an alarm in ALARM blocks the release, and break-glass does not override it', async () => {
    await setAlarm('ALARM')
    try {
      const preflight = await rehearseJob(
        options('preflight', { inputs: { alarms: 'shop-5xx\nshop-latency', 'break-glass': 'we are sure' } }),
      )
      expect(preflight.result).toBe('failure')
      expect(steps(preflight)[1]).toEqual(['Guardrails', 'failure'])
      expect(preflight.outputs.guardrails).toBe('blocked')
      expect(preflight.outputs['guardrails-reason']).toContain(
        'alarms: in ALARM: shop-5xx (Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (1.0))',
      )
      // Every check ran and said its line, the passing ones too.
      const checks = log(preflight, 'Guardrails')
      expect(checks).toMatch(/✘ alarms: in ALARM: shop-5xx/)
      expect(checks).toMatch(/✔ deployment: default\/shop/)
      expect(preflight.summary).toMatch(/\| alarms \| ❌ \|/)
    } finally {
      await setAlarm('OK')
    }
  }, 180_000)

  test('a tag the Deployment already runs blocks the release (it is in production)', async () => {
    const preflight = await rehearseJob(options('preflight', { inputs: { version: 'v0.9.0' } }))
    expect(preflight.result).toBe('failure')
    expect(preflight.outputs['guardrails-reason']).toContain('shop:v0.9.0 is already in production')
  }, 180_000)

  test('a canary of the Deployment left running blocks the release, break-glass or not, and the notify job says why', async () => {
    // `shop-canary` as the canary action leaves it paused between jobs: its state annotation, written
    // by the canary action's own encoder.
    const track = { app: 'shop', track: 'shop-canary' }
    const canary = shopDeployment('shop:v1.0.0', {
      replicas: 0,
      selector: { matchLabels: track },
      template: { metadata: { labels: track }, spec: { containers: [{ name: 'app', image: 'shop:v1.0.0' }] } },
    })
    canary.metadata = {
      name: 'shop-canary',
      namespace: 'default',
      annotations: encodeState(canaryState('shop', 'shop:v1.0.0', 20, 'paused')),
    }
    await objects.create(canary)
    try {
      let preflight!: JobRehearsal
      const messages = await posted(async () => {
        preflight = await rehearseJob(
          options('preflight', { inputs: { freeze: FREEZE(), 'break-glass': 'INC-9 hotfix' } }),
        )
      })
      expect(preflight.result).toBe('failure')
      expect(messages).toEqual([]) // no start message for a release that does not start
      expect(preflight.outputs.override).toMatch(/reason: INC-9 hotfix$/)
      expect(preflight.outputs['guardrails-reason']).toContain(
        'nothing deploying: a canary of default/shop is running: canary shop-canary (image shop:v1.0.0, 20%, paused, router replicas, started by https://github.com/acme/webshop/actions/runs/7); wait until it is promoted, or abort it with the canary action (action: abort)',
      )
      const told = await posted(() =>
        notifyAfter({
          preflight: {
            result: 'failure',
            outputs: {
              version: 'v1.0.0',
              guardrails: 'blocked',
              'guardrails-reason': preflight.outputs['guardrails-reason']!,
            },
          },
          image: skipped,
          database: skipped,
          deploy: skipped,
          verify: skipped,
          record: { result: 'failure', outputs: {} },
        }),
      )
      expect(told.map(eventOf)).toEqual(['failure'])
      expect(told[0]!.text).toContain('blocked before anything changed:')
      expect(told[0]!.text).toContain('a canary of default/shop is running')
    } finally {
      await objects.delete({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-canary', namespace: 'default' })
    }
  }, 180_000)

  test('staging answering 503 stops the release after the guardrails, before anything changes', async () => {
    stagingStatus = 503
    try {
      const preflight = await rehearseJob(
        options('preflight', { inputs: { 'staging-urls': stagingUrl, 'staging-timeout': '3s' } }),
      )
      expect(preflight.result).toBe('failure')
      expect(steps(preflight).slice(1)).toEqual([
        ['Guardrails', 'success'],
        ['Version and frontends', 'success'],
        ['Staging healthy', 'failure'],
        ['Start notification', 'skipped'],
      ])
    } finally {
      stagingStatus = 200
    }
  }, 180_000)
})

describe('notify: the outcome to Slack, however the release ended', () => {
  test('success', async () => {
    let notify!: JobRehearsal
    const messages = await posted(async () => {
      notify = await notifyAfter({})
    })
    expect(notify.result).toBe('success')
    expect(messages).toHaveLength(1)
    expect(eventOf(messages[0]!)).toBe('success')
    expect(messages[0]!.text).toBe(
      ':white_check_mark: webshop v1.0.0 released to production: released v1.0.0 to production',
    )
    expect(JSON.stringify(messages[0]!.blocks)).toContain('<https://shop.example.com|Service>')
  }, 120_000)

  test('failure: the jobs that stopped it, and the way back in the record', async () => {
    let notify!: JobRehearsal
    const messages = await posted(async () => {
      notify = await notifyAfter({
        verify: { result: 'failure', outputs: {} },
        frontends: skipped,
        record: { result: 'failure', outputs: {} },
      })
    })
    expect(notify.result).toBe('success')
    expect(messages).toHaveLength(1)
    expect(eventOf(messages[0]!)).toBe('failure')
    expect(messages[0]!.text).toContain("stopped in: verify; see the record job's summary for the rollback step")
  }, 120_000)

  test('rollback: the canary aborted, the previous version serves', async () => {
    const messages = await posted(() =>
      notifyAfter({
        deploy: { result: 'failure', outputs: { result: 'aborted', 'previous-image': 'shop:v0.9.0' } },
        verify: skipped,
        record: { result: 'failure', outputs: {} },
      }),
    )
    expect(messages).toHaveLength(1)
    expect(eventOf(messages[0]!)).toBe('rollback')
    expect(messages[0]!.text).toContain('the canary was aborted: shop:v0.9.0 keeps serving; stopped in: deploy')
  }, 120_000)

  test('a webhook answering 500 is a warning naming it; the job still succeeds', async () => {
    hook.answer = { status: 500, body: 'invalid_payload' }
    try {
      const notify = await notifyAfter({})
      expect(notify.result).toBe('success')
      expect(log(notify, 'Notification')).toMatch(
        /::warning::notification to slack \(success\) answered 500 Internal Server Error: invalid_payload/,
      )
      expect(notify.steps.at(-1)!.outputs.result).toBe('undelivered')
    } finally {
      hook.answer = { status: 200, body: 'ok' }
    }
  }, 120_000)

  test('no webhook given: nothing is sent, the job succeeds', async () => {
    const messages = await posted(async () => {
      const notify = await rehearseJob(
        options('notify', {
          secrets: { 'slack-webhook': '' },
          needs: {
            preflight: success({ version: 'v1.0.0' }),
            image: success(),
            database: success(),
            deploy: success(),
            verify: success(),
            frontends: skipped,
            record: success(),
          },
        }),
      )
      expect(notify.result).toBe('success')
      expect(notify.steps.at(-1)!.outputs.result).toBe('none')
    })
    expect(messages).toEqual([])
  }, 120_000)
})
