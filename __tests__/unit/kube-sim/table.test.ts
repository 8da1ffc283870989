import { humanDuration, podStatusReason } from '../../../packages/testbed/src/kube/table.ts'
import { goDuration } from '../../../packages/testbed/src/kube/util.ts'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

test.each([
  [-3 * S, '<invalid>'],
  [-1 * S, '0s'],
  [5 * S, '5s'],
  [119 * S, '119s'],
  [2 * M, '2m'],
  [150 * S, '2m30s'],
  [10 * M, '10m'],
  [179 * M, '179m'],
  [3 * H, '3h'],
  [3 * H + 30 * M, '3h30m'],
  [8 * H, '8h'],
  [47 * H, '47h'],
  [2 * D, '2d'],
  [2 * D + 2 * H, '2d2h'],
  [8 * D, '8d'],
  [800 * D, '2y70d'],
  [3650 * D, '10y'],
])('HumanDuration(%d ms) = %s', (ms, text) => {
  expect(humanDuration(ms)).toBe(text)
})

test.each([
  [200, '200ms'],
  [1500, '1.5s'],
  [10_000, '10s'],
  [80_000, '1m20s'],
])('Go duration %d ms = %s', (ms, text) => {
  expect(goDuration(ms)).toBe(text)
})

const running = {
  metadata: {},
  status: { phase: 'Running', containerStatuses: [{ ready: true, state: { running: {} } }] },
}
test.each([
  ['running', running, 'Running'],
  [
    'pending',
    {
      metadata: {},
      status: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] },
    },
    'ContainerCreating',
  ],
  [
    'crash loop',
    {
      metadata: {},
      status: { phase: 'Running', containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    },
    'CrashLoopBackOff',
  ],
  [
    'image pull',
    {
      metadata: {},
      status: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff' } } }] },
    },
    'ImagePullBackOff',
  ],
  [
    'oom',
    {
      metadata: {},
      status: {
        phase: 'Running',
        containerStatuses: [{ state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
      },
    },
    'OOMKilled',
  ],
  [
    'exit code',
    { metadata: {}, status: { phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 2 } } }] } },
    'ExitCode:2',
  ],
  [
    'completed',
    {
      metadata: {},
      status: {
        phase: 'Succeeded',
        containerStatuses: [{ state: { terminated: { reason: 'Completed', exitCode: 0 } } }],
      },
    },
    'Completed',
  ],
  ['terminating', { metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' }, status: running.status }, 'Terminating'],
  [
    'init',
    {
      metadata: {},
      spec: { initContainers: [{}, {}] },
      status: { phase: 'Pending', initContainerStatuses: [{ state: { running: {} } }] },
    },
    'Init:0/2',
  ],
])('STATUS column of a %s pod is %s', (_name, pod, expected) => {
  expect(podStatusReason(pod)).toBe(expected)
})
