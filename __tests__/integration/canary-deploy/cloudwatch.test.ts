// CloudWatch checks (GetMetricData through the SDK) against moto: a canary whose latency is over
// the limit aborts with the values; one within `canary <= stable * 1.1` of the stable passes.
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { type Moto, startMoto } from '@deploy-actions/testbed'
import { type Cluster, canary, errorLine, imageOf, stableApp, startCluster } from './helpers.ts'

let c: Cluster
let moto: Moto
let cw: CloudWatchClient
beforeAll(async () => {
  ;[c, moto] = await Promise.all([startCluster(), startMoto()])
  cw = new CloudWatchClient({
    region: 'eu-west-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  })
})
afterAll(async () => {
  cw?.destroy()
  await moto?.stop()
  await c?.sim.stop()
})

async function latency(service: string, track: string, value: number): Promise<void> {
  await cw.send(
    new PutMetricDataCommand({
      Namespace: 'WebShop',
      MetricData: [
        {
          MetricName: 'Latency',
          Dimensions: [
            { Name: 'Service', Value: service },
            { Name: 'Track', Value: track },
          ],
          Value: value,
          Unit: 'Milliseconds',
          Timestamp: new Date(),
        },
      ],
    }),
  )
}

const run = (app: string, metrics: string) =>
  canary(
    c.sim,
    { deployment: app, image: `registry.local/${app}:2`, steps: '50,100', metrics },
    { ...moto.env, AWS_REGION: 'eu-west-1' },
  )

it('a canary over the latency limit aborts with the CloudWatch value', async () => {
  await stableApp(c.objects, 'default', 'backend', 2)
  await latency('backend', 'canary', 500)
  const result = await run(
    'backend',
    `- name: p99-latency
  provider: cloudwatch
  namespace: WebShop
  metric: Latency
  dimensions: {Service: backend, Track: canary}
  stat: Maximum
  max: 400
`,
  )
  expect(result.code).toBe(1)
  expect(result.outputs).toMatchObject({ result: 'aborted', weight: '0' })
  expect(result.outputs.reason).toMatch(
    /check p99-latency: 500 > max 400; query: WebShop Latency Maximum \{Service=backend, Track=canary\} per 60s/,
  )
  expect(await imageOf(c.objects, 'default', 'backend')).toBe('registry.local/backend:1')
})

it('compare mode: a canary within stable * 1.1 passes and is promoted', async () => {
  await stableApp(c.objects, 'default', 'frontend', 2)
  await latency('frontend', 'canary', 310)
  await latency('frontend', 'stable', 300)
  const result = await run(
    'frontend',
    `- name: latency-vs-stable
  provider: cloudwatch
  namespace: WebShop
  metric: Latency
  dimensions: {Service: frontend, Track: canary}
  stable-dimensions: {Service: frontend, Track: stable}
  stat: Maximum
  compare: canary <= stable * 1.1
`,
  )
  expect(errorLine(result)).toBe('')
  expect(result.outputs.result).toBe('promoted')
  expect(result.summary).toMatch(/✅ latency-vs-stable: 310 \(stable 300\) \(canary <= stable \* 1.1\)/)
})
