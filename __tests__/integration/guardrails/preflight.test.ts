// Preflight against real local services: moto (STS GetCallerIdentity, CloudWatch alarms put in
// ALARM and read back by DescribeAlarms, ECR tags), the Kubernetes API simulator (the Deployment
// present, the image it runs, nothing else deploying it) and a local HTTP server as staging. Every
// check runs and says its line. Each test's Deployment has rolled out before the preflight runs
// (a rollout in progress would block it: nothing-deploying.test.ts).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch'
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr'
import { createObjectsApi, loadKubeConfig, type ObjectsApi } from '@deploy-actions/kube'
import { type KubeSimulator, type Moto, startKubeSimulator, startMoto } from '@deploy-actions/testbed'
import {
  type PreflightSpec,
  preflightFailures,
  runPreflight,
} from '../../../packages/release/src/guardrails/preflight.ts'
import { preflightPorts } from '../../../packages/release/src/guardrails/preflight-ports.ts'
import { CROSSED, putShopAlarms } from './shop-alarms.ts'
import { rolledOut, shopDeployment } from './shop-deployment.ts'

let moto: Moto
let sim: KubeSimulator
let objects: ObjectsApi
let staging: Server
let stagingUrl: string
let stagingStatus = 200
const saved = { ...process.env }

beforeAll(async () => {
  ;[moto, sim] = await Promise.all([startMoto(), startKubeSimulator({ podReadyDelayMs: 20, controllerTickMs: 20 })])
  // The SDK reads AWS_ENDPOINT_URL and the credentials from the environment, as on a runner.
  Object.assign(process.env, moto.env)
  objects = await createObjectsApi((await loadKubeConfig({ kubeconfig: sim.kubeconfig })).kubeConfig)
  staging = createServer((_, res) => {
    res.writeHead(stagingStatus)
    res.end('{"status":"UP"}')
  })
  await new Promise<void>((resolve) => staging.listen(0, '127.0.0.1', resolve))
  stagingUrl = `http://127.0.0.1:${(staging.address() as AddressInfo).port}/actuator/health`
}, 60_000)
afterAll(async () => {
  process.env = saved
  await Promise.all([moto?.stop(), sim?.stop(), new Promise((r) => staging?.close(r))])
})

const aws = { region: 'us-east-1' }
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 2, digest: `sha256:${'a'.repeat(64)}` },
  layers: [],
})

async function world(opts: { running: string; alarm: 'OK' | 'ALARM' }) {
  await moto.reset()
  const cw = new CloudWatchClient({ region: aws.region })
  await putShopAlarms(cw)
  await cw.send(new SetAlarmStateCommand({ AlarmName: 'shop-5xx', StateValue: opts.alarm, StateReason: CROSSED }))
  const ecr = new ECRClient({ region: aws.region })
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'shop' }))
  await ecr.send(new PutImageCommand({ repositoryName: 'shop', imageTag: 'v1.0.0', imageManifest: manifest }))
  await objects.delete({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop', namespace: 'default' })
  await objects.create(shopDeployment(opts.running))
  await rolledOut(sim.kubeconfig)
}

const spec = (tag: string, deployment = 'shop'): PreflightSpec => ({
  account: '123456789012',
  alarms: ['shop-5xx', 'shop-latency'],
  deployment: { namespace: 'default', name: deployment },
  image: { repository: 'shop', tag },
  stagingUrls: [stagingUrl],
})

test('all clear: identity, no alarm, the Deployment present, a new tag, staging healthy', async () => {
  await world({ running: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:v1.0.0', alarm: 'OK' })
  const results = await runPreflight(spec('v1.1.0'), await preflightPorts(aws.region, { kubeconfig: sim.kubeconfig }))
  expect(results).toEqual([
    { check: 'aws identity', ok: true, detail: expect.stringMatching(/^arn:aws:(sts|iam)::123456789012:/) },
    { check: 'alarms', ok: true, detail: 'none in ALARM of shop-5xx, shop-latency' },
    {
      check: 'deployment',
      ok: true,
      detail: 'default/shop runs 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:v1.0.0',
    },
    {
      check: 'nothing deploying',
      ok: true,
      detail: 'no rollout in progress (deployment "shop" successfully rolled out), no canary running',
    },
    { check: 'image tag', ok: true, detail: 'v1.1.0 is new' },
    { check: `staging ${stagingUrl}`, ok: true, detail: 'answered 200' },
  ])
  expect(preflightFailures(results)).toBeUndefined()
})

test('an alarm in ALARM, the tag already running, staging down and a wrong account: every one named', async () => {
  await world({ running: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:v1.0.0', alarm: 'ALARM' })
  stagingStatus = 503
  try {
    const results = await runPreflight(
      { ...spec('v1.0.0'), account: '999999999999' },
      await preflightPorts(aws.region, { kubeconfig: sim.kubeconfig }),
    )
    expect(preflightFailures(results)).toBe(
      [
        'aws identity: arn:aws:sts::123456789012:user/moto is in account 123456789012, expected 999999999999',
        'alarms: in ALARM: shop-5xx (Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (1.0))',
        'image tag: shop:v1.0.0 is already in production (the Deployment runs it)',
        `staging ${stagingUrl}: answered 503`,
      ].join('; '),
    )
  } finally {
    stagingStatus = 200
  }
})

test('an existing tag that production does not run yet passes (a re-run of the same release)', async () => {
  await world({ running: 'shop:v0.9.0', alarm: 'OK' })
  const results = await runPreflight(spec('v1.0.0'), await preflightPorts(aws.region, { kubeconfig: sim.kubeconfig }))
  expect(results.find((r) => r.check === 'image tag')).toEqual({
    check: 'image tag',
    ok: true,
    detail: expect.stringMatching(/^v1\.0\.0 exists \(sha256:[0-9a-f]{12}…\), not running yet$/),
  })
})

test('a missing Deployment and a missing repository fail their checks', async () => {
  await world({ running: 'shop:v0.9.0', alarm: 'OK' })
  const results = await runPreflight(
    { ...spec('v1.1.0', 'cart'), image: { repository: 'cart', tag: 'v1.1.0' } },
    await preflightPorts(aws.region, { kubeconfig: sim.kubeconfig }),
  )
  expect(preflightFailures(results)).toBe(
    'deployment: default/cart does not exist; image tag: ECR repository cart does not exist',
  )
})
