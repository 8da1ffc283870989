import type { Deployment } from '@deploy-actions/kube'
import { deploymentRolloutState, isFailed } from '@deploy-actions/kube'

function dep(
  spec: { replicas?: number },
  status: Record<string, unknown>,
  meta: { generation?: number; revision?: string } = {},
): Deployment {
  return {
    metadata: {
      name: 'web',
      generation: meta.generation ?? 2,
      annotations: meta.revision === undefined ? {} : { 'deployment.kubernetes.io/revision': meta.revision },
    },
    spec: { replicas: spec.replicas, selector: {}, template: {} },
    status: { observedGeneration: 2, ...status },
  }
}
const deadline = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }
const progressing = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }

describe('deploymentRolloutState (kubectl DeploymentStatusViewer)', () => {
  test.each<[string, Deployment, number, { done: boolean; failed?: boolean; message: string }]>([
    [
      'generation not yet observed',
      dep({ replicas: 3 }, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
      0,
      { done: false, message: 'Waiting for deployment spec update to be observed...' },
    ],
    [
      'progress deadline exceeded wins over counts',
      dep({ replicas: 3 }, { updatedReplicas: 1, replicas: 4, availableReplicas: 3, conditions: [deadline] }),
      0,
      { done: false, failed: true, message: 'deployment "web" exceeded its progress deadline' },
    ],
    [
      'new replicas still being updated',
      dep({ replicas: 3 }, { updatedReplicas: 1, replicas: 4, availableReplicas: 3, conditions: [progressing] }),
      0,
      {
        done: false,
        message: 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
      },
    ],
    [
      'old replicas pending termination',
      dep({ replicas: 3 }, { updatedReplicas: 3, replicas: 5, availableReplicas: 3 }),
      0,
      {
        done: false,
        message: 'Waiting for deployment "web" rollout to finish: 2 old replicas are pending termination...',
      },
    ],
    [
      'updated replicas not yet available',
      dep({ replicas: 3 }, { updatedReplicas: 3, replicas: 3, availableReplicas: 1 }),
      0,
      {
        done: false,
        message: 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...',
      },
    ],
    [
      'complete',
      dep({ replicas: 3 }, { updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
      0,
      { done: true, message: 'deployment "web" successfully rolled out' },
    ],
    [
      'scaled to zero is complete',
      dep({ replicas: 0 }, {}),
      0,
      { done: true, message: 'deployment "web" successfully rolled out' },
    ],
    [
      'no spec.replicas skips the updated check (as kubectl does for a nil pointer)',
      dep({}, { updatedReplicas: 0, replicas: 0, availableReplicas: 0 }),
      0,
      { done: true, message: 'deployment "web" successfully rolled out' },
    ],
    [
      'observedGeneration ahead of generation counts as observed',
      dep({ replicas: 1 }, { observedGeneration: 5, updatedReplicas: 1, replicas: 1, availableReplicas: 1 }),
      0,
      { done: true, message: 'deployment "web" successfully rolled out' },
    ],
    [
      'pinned revision matches',
      dep({ replicas: 1 }, { updatedReplicas: 1, replicas: 1, availableReplicas: 1 }, { revision: '4' }),
      4,
      { done: true, message: 'deployment "web" successfully rolled out' },
    ],
    [
      'pinned revision differs',
      dep({ replicas: 1 }, { updatedReplicas: 1, replicas: 1, availableReplicas: 1 }, { revision: '5' }),
      4,
      { done: false, failed: true, message: 'desired revision (4) is different from the running revision (5)' },
    ],
    [
      'pinned revision with no annotation reads as revision 0',
      dep({ replicas: 1 }, { updatedReplicas: 1, replicas: 1, availableReplicas: 1 }),
      2,
      { done: false, failed: true, message: 'desired revision (2) is different from the running revision (0)' },
    ],
  ])('%s', (_name, deployment, revision, expected) => {
    const state = deploymentRolloutState(deployment, revision)
    expect(state.done).toBe(expected.done)
    expect(state.message).toBe(expected.message)
    expect(isFailed(state)).toBe(expected.failed ?? false)
  })

  test('a malformed revision annotation is an error when a revision is pinned', () => {
    const state = deploymentRolloutState(dep({ replicas: 1 }, {}, { revision: 'x' }), 1)
    expect(isFailed(state) && state.reason).toBe('BadRevision')
  })
})
