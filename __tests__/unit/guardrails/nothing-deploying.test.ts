// The preflight's "nothing deploying" check by table: the Deployment's rollout judged as
// `kubectl rollout status` judges it (packages/kube's status), and a canary of it running as
// canary-deploy's state annotation says (read as rollback reads it). Also through runPreflight with
// fake ports: said only of a Deployment that exists, and its failure in preflightFailures.
import type { KubeObject } from '@deploy-actions/kube'
import { CANARY_STATE_ANNOTATION } from '@deploy-actions/kube'
import {
  type LiveDeployment,
  nothingDeploying,
  type PreflightPorts,
  preflightFailures,
  runPreflight,
} from '../../../packages/release/src/guardrails/preflight.ts'
import { deployment, pausedCanary, rolledOut, rollingOut } from './live-deployments.ts'

const IMAGE = 'r/shop:v1.0.0'
const WAIT = 'wait until it has rolled out (kubectl rollout status deployment/shop -n default)'
const ABORT = 'wait until it is promoted, or abort it with the canary action (action: abort)'
const live = (d: LiveDeployment['deployment'], canary?: KubeObject): LiveDeployment => ({ deployment: d, canary })

describe('nothingDeploying', () => {
  test.each<[string, LiveDeployment, boolean, string]>([
    [
      'rolled out, no canary',
      live(rolledOut('shop', IMAGE)),
      true,
      'no rollout in progress (deployment "shop" successfully rolled out), no canary running',
    ],
    [
      'a spec change not yet observed by the controller',
      live(
        deployment(
          'shop',
          IMAGE,
          { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
          { generation: 2 },
        ),
      ),
      false,
      `default/shop is still rolling out (Waiting for deployment spec update to be observed...): ${WAIT}`,
    ],
    [
      'fewer replicas updated than the spec asks',
      live(deployment('shop', IMAGE, { observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 })),
      false,
      `default/shop is still rolling out (Waiting for deployment "shop" rollout to finish: 1 out of 3 new replicas have been updated...): ${WAIT}`,
    ],
    [
      'old replicas pending termination',
      live(deployment('shop', IMAGE, { observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 })),
      false,
      `default/shop is still rolling out (Waiting for deployment "shop" rollout to finish: 1 old replicas are pending termination...): ${WAIT}`,
    ],
    [
      'updated replicas not available yet',
      live(rollingOut('shop', IMAGE)),
      false,
      `default/shop is still rolling out (Waiting for deployment "shop" rollout to finish: 1 of 3 updated replicas are available...): ${WAIT}`,
    ],
    [
      'paused mid-rollout (kubectl rollout pause)',
      live(
        deployment(
          'shop',
          IMAGE,
          { observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 3 },
          { paused: true },
        ),
      ),
      false,
      `default/shop is still rolling out (paused) (Waiting for deployment "shop" rollout to finish: 1 out of 3 new replicas have been updated...): ${WAIT}`,
    ],
    [
      'a rollout past its progress deadline',
      live(
        deployment('shop', IMAGE, {
          observedGeneration: 2,
          replicas: 4,
          updatedReplicas: 1,
          availableReplicas: 3,
          conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
        }),
      ),
      false,
      'the rollout of default/shop did not finish (deployment "shop" exceeded its progress deadline): roll it back (the rollback action) or wait until it has rolled out',
    ],
    [
      'a canary paused between jobs',
      live(rolledOut('shop', IMAGE), pausedCanary('shop', 'r/shop:v1.1.0', 20)),
      false,
      `a canary of default/shop is running: canary shop-canary (image r/shop:v1.1.0, 20%, paused, router replicas, started by https://github.com/acme/webshop/actions/runs/7); ${ABORT}`,
    ],
    [
      'a canary promoting while the stable rolls out: both said',
      live(rollingOut('shop', 'r/shop:v1.1.0'), pausedCanary('shop', 'r/shop:v1.1.0', 100)),
      false,
      `default/shop is still rolling out (Waiting for deployment "shop" rollout to finish: 1 of 3 updated replicas are available...): ${WAIT}; a canary of default/shop is running: canary shop-canary (image r/shop:v1.1.0, 100%, paused, router replicas, started by https://github.com/acme/webshop/actions/runs/7); ${ABORT}`,
    ],
    [
      "a shop-canary Deployment that is not canary-deploy's (no state annotation)",
      live(rolledOut('shop', IMAGE), { metadata: { name: 'shop-canary', annotations: { team: 'web' } } }),
      true,
      'no rollout in progress (deployment "shop" successfully rolled out), no canary running',
    ],
    [
      'a canary Deployment already being deleted (an abort finishing)',
      live(rolledOut('shop', IMAGE), {
        metadata: {
          name: 'shop-canary',
          deletionTimestamp: '2026-03-31T10:00:00Z',
          annotations: {
            [CANARY_STATE_ANNOTATION]: '{"v":1,"stable":"shop","image":"r/shop:v1.1.0","router":"replicas"}',
          },
        },
      }),
      true,
      'no rollout in progress (deployment "shop" successfully rolled out), no canary running',
    ],
  ])('%s', (_, l, ok, detail) => {
    expect(nothingDeploying(l, 'default', 'shop')).toEqual({ ok, detail })
  })
})

describe('runPreflight', () => {
  const ports = (l: LiveDeployment | undefined): PreflightPorts => ({
    identity: async () => ({ account: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/release/gh' }),
    alarmsInAlarm: async () => [],
    liveDeployment: async () => l,
    tagDigest: async () => undefined,
    httpStatus: async () => 200,
  })
  const spec = { alarms: [], deployment: { namespace: 'default', name: 'shop' }, stagingUrls: [] }

  test('a Deployment mid-rollout: its line after the deployment line, and a failure', async () => {
    const results = await runPreflight(spec, ports(live(rollingOut('shop', IMAGE))))
    expect(results.map((r) => [r.check, r.ok])).toEqual([
      ['aws identity', true],
      ['deployment', true],
      ['nothing deploying', false],
    ])
    expect(preflightFailures(results)).toMatch(/^nothing deploying: default\/shop is still rolling out \(/)
  })

  test('a missing Deployment: one failure, nothing said of its rollout', async () => {
    const results = await runPreflight(spec, ports(undefined))
    expect(preflightFailures(results)).toBe('deployment: default/shop does not exist')
    expect(results.map((r) => r.check)).toEqual(['aws identity', 'deployment'])
  })

  test('the cluster unreachable: the deployment line says why, once', async () => {
    const results = await runPreflight(spec, {
      ...ports(undefined),
      liveDeployment: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6443')
      },
    })
    expect(preflightFailures(results)).toBe('deployment: connect ECONNREFUSED 127.0.0.1:6443')
  })
})
