import type { Pod } from '@deploy-actions/kube'
import { judgePods } from '../../../actions/canary-deploy/src/health.ts'
import { newReport, outputsOf, renderSummary } from '../../../actions/canary-deploy/src/report.ts'
import {
  type CanaryState,
  decodeState,
  describeState,
  encodeState,
  STATE_ANNOTATION,
} from '../../../actions/canary-deploy/src/state.ts'

const state: CanaryState = {
  v: 1,
  stable: 'web',
  namespace: 'shop',
  container: 'app',
  image: 'web:2',
  previousImage: 'web:1',
  router: 'replicas',
  canaryPodLabels: { app: 'web', track: 'canary' },
  steps: [10, 50],
  weight: 50,
  liveWeight: 50,
  phase: 'paused',
  started: '2026-12-01T10:00:00.000Z',
  updated: '2026-12-01T10:05:00.000Z',
  checks: ['error-rate: 0.001 (pass)'],
}

describe('state', () => {
  it('round-trips through one annotation', () => {
    const annotations = encodeState(state)
    expect(Object.keys(annotations)).toEqual([STATE_ANNOTATION])
    expect(decodeState(annotations)).toEqual(state)
  })
  it.each([[undefined], [{}], [{ [STATE_ANNOTATION]: 'not json' }], [{ [STATE_ANNOTATION]: '{"v":2}' }]])(
    'ignores %j',
    (a) => expect(decodeState(a)).toBeUndefined(),
  )
  it('describes itself in one line', () =>
    expect(describeState(state)).toBe(
      'canary web-canary of shop/web: image web:2 at weight 50% (steps 10,50), paused, router replicas, started 2026-12-01T10:00:00.000Z',
    ))
})

describe('report', () => {
  it('gives outputs and a summary with a timeline', () => {
    const r = newReport(
      { action: 'deploy', namespace: 'shop', deployment: 'web', router: 'replicas', image: 'web:2' },
      0,
    )
    r.result = 'aborted'
    r.reason = 'check error-rate: 0.2 > max 0.01'
    r.weight = 0
    r.previousImage = 'web:1'
    r.timeline.push({
      at: 2000,
      step: 'step 1/2',
      asked: 10,
      live: 10,
      detail: '1 canary of 10 ready pods',
      checks: [
        {
          check: 'error-rate',
          verdict: 'fail',
          hadData: true,
          shown: '0.2',
          threshold: '≤ 0.01',
          reason: '',
          query: 'q',
        },
      ],
    })
    expect(outputsOf(r)).toEqual({
      result: 'aborted',
      reason: r.reason,
      weight: 0,
      revision: undefined,
      'previous-image': 'web:1',
    })
    const md = renderSummary(r)
    expect(md).toContain('canary shop/web: aborted')
    expect(md).toContain(
      '| 00:00:02 (+2.0s) | step 1/2 | 10% | 10% | 1 canary of 10 ready pods | ❌ error-rate: 0.2 (≤ 0.01) |',
    )
    expect(md).toContain('`q`')
  })
})

const pod = (name: string, status: Pod['status']): Pod => ({ metadata: { name }, status })
const ready = { conditions: [{ type: 'Ready', status: 'True' }] }

describe('judgePods', () => {
  const cases: Array<[string, Pod['status'], number, boolean, RegExp | undefined]> = [
    ['ready', { ...ready, containerStatuses: [{ name: 'app', ready: true, restartCount: 0 }] }, 0, true, undefined],
    [
      'crash loop',
      {
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 2,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s' } },
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          },
        ],
      },
      0,
      false,
      /CrashLoopBackOff, 2 restarts/,
    ],
    [
      'crash within max-restarts',
      {
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 1,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          },
        ],
      },
      3,
      true,
      undefined,
    ],
    [
      'image pull',
      {
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } },
        ],
      },
      5,
      false,
      /ImagePullBackOff/,
    ],
    [
      'OOMKilled',
      {
        ...ready,
        containerStatuses: [
          {
            name: 'app',
            ready: true,
            restartCount: 1,
            state: { running: {} },
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
          },
        ],
      },
      5,
      false,
      /OOMKilled/,
    ],
    [
      'not ready',
      {
        conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
        containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { running: {} } }],
      },
      0,
      false,
      /not Ready \(ContainersNotReady\)/,
    ],
  ]
  it.each(cases)('%s', (_, status, maxRestarts, ok, failure) => {
    const h = judgePods([pod('web-canary-1', status)], [], { maxRestarts, requireReady: true })
    expect(h.ok).toBe(ok)
    if (failure) expect(h.failures.join('\n')).toMatch(failure)
  })
})
