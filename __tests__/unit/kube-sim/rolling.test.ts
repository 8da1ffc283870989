import {
  maxScaledDown,
  maxSurge,
  maxUnavailable,
  newReplicaSetReplicas,
  proportion,
  replicaSetFraction,
  resolveFenceposts,
  scaledValue,
} from '../../../packages/testbed/src/kube/rolling.ts'
import { podTemplateHash } from '../../../packages/testbed/src/kube/types.ts'

test.each([
  // GetScaledValueFromIntOrPercent: percentages of the total, rounded up or down
  [5, 10, true, 5],
  ['25%', 10, true, 3],
  ['25%', 10, false, 2],
  ['10%', 5, true, 1],
  ['10%', 5, false, 0],
  ['100%', 7, false, 7],
  ['0%', 7, true, 0],
])('scaledValue(%j, %d, roundUp=%s) = %d', (value, total, roundUp, expected) => {
  expect(scaledValue(value, total, roundUp)).toBe(expected)
})

test('a non-percentage string is an error, as intstr says', () => {
  expect(() => scaledValue('5', 10, true)).toThrow('string is not a percentage')
})

test.each([
  // upstream's TestResolveFenceposts table: a string that is not a percentage is an error
  ['oops', '39%', 10],
  ['55%', 'urg', 10],
  ['5', '1', 7],
])('resolveFenceposts(%j, %j, %d) is an error, as upstream', (surge, unavailable, desired) => {
  expect(() => resolveFenceposts(surge, unavailable, desired)).toThrow('invalid value for IntOrString')
})

test.each([
  // maxSurge, maxUnavailable, desired → surge (rounded up), unavailable (rounded down)
  // the first two rows are upstream's TestResolveFenceposts cases
  ['0%', '0%', 0, 0, 1],
  ['39%', '39%', 10, 4, 3],
  ['25%', '25%', 10, 3, 2],
  ['25%', '25%', 4, 1, 1],
  ['25%', '25%', 3, 1, 0],
  ['25%', '25%', 1, 1, 0],
  ['0%', '0%', 5, 0, 1],
  [0, 0, 5, 0, 1],
  [1, 0, 3, 1, 0],
  ['50%', '50%', 3, 2, 1],
  ['100%', '0%', 4, 4, 0],
  ['0%', '1%', 0, 0, 1],
])('resolveFenceposts(%j, %j, %d) = surge %d, unavailable %d', (surge, unavailable, desired, s, u) => {
  expect(resolveFenceposts(surge, unavailable, desired)).toEqual({ surge: s, unavailable: u })
})

test('MaxUnavailable is capped at replicas and zero without replicas or for Recreate', () => {
  const ru = (maxSurge: number | string, maxUnavailable: number | string) => ({
    type: 'RollingUpdate',
    rollingUpdate: { maxSurge, maxUnavailable },
  })
  expect(maxUnavailable(ru(0, 5), 3)).toBe(3)
  expect(maxUnavailable(ru('25%', '25%'), 0)).toBe(0)
  expect(maxUnavailable({ type: 'Recreate' }, 3)).toBe(0)
  expect(maxSurge({ type: 'Recreate' }, 3)).toBe(0)
  expect(maxSurge(ru('25%', '25%'), 10)).toBe(3)
})

test.each([
  // replicas, surge, current pods (all ReplicaSets), new RS replicas → new RS replicas
  // upstream's TestNewRSNewReplicas (an old ReplicaSet of 5 beside the new one):
  [1, 1, 10, 5, 5],
  [6, 10, 7, 2, 6],
  [10, 3, 10, 0, 3],
  [10, 3, 13, 3, 3],
  [10, 3, 11, 3, 5],
  [3, 1, 2, 2, 3],
  [3, 0, 3, 0, 0],
  [5, 2, 5, 0, 2],
])(
  'NewRSNewReplicas(replicas %d, surge %d, current %d, new %d) = %d',
  (replicas, surge, currentPodCount, newReplicas, expected) => {
    expect(newReplicaSetReplicas({ replicas, surge, currentPodCount, newReplicas })).toBe(expected)
  },
)

test('reconcileOldReplicaSets: old pods may go down to the minimum available, minus the new ones not yet available', () => {
  expect(maxScaledDown({ replicas: 10, unavailable: 2, allPodsCount: 13, newReplicas: 3, newAvailable: 0 })).toBe(2)
  expect(maxScaledDown({ replicas: 10, unavailable: 2, allPodsCount: 13, newReplicas: 3, newAvailable: 3 })).toBe(5)
  expect(maxScaledDown({ replicas: 3, unavailable: 0, allPodsCount: 4, newReplicas: 1, newAvailable: 0 })).toBe(0)
})

/** Steps a rolling update with pods that become available at once, as the controller does sync by sync. */
function rollout(replicas: number, surgeSpec: string | number, unavailableSpec: string | number): string[] {
  const { surge, unavailable } = resolveFenceposts(surgeSpec, unavailableSpec, replicas)
  let oldRs = replicas
  let newRs = 0
  const steps: string[] = []
  for (let i = 0; i < 50 && (oldRs > 0 || newRs < replicas); i++) {
    const up = newReplicaSetReplicas({ replicas, surge, currentPodCount: oldRs + newRs, newReplicas: newRs })
    if (up !== newRs) {
      newRs = up
    } else {
      const down = Math.min(
        oldRs,
        maxScaledDown({
          replicas,
          unavailable: Math.min(unavailable, replicas),
          allPodsCount: oldRs + newRs,
          newReplicas: newRs,
          newAvailable: newRs,
        }),
      )
      oldRs -= Math.max(0, down)
    }
    steps.push(`${oldRs}/${newRs}`)
  }
  return steps
}

test.each([
  // the default 25%/25% on 3 replicas surges one pod at a time and never goes below 3 available
  [3, '25%', '25%', ['3/1', '2/1', '2/2', '1/2', '1/3', '0/3']],
  // 10 replicas: surge 3, unavailable 2
  [10, '25%', '25%', ['10/3', '5/3', '5/8', '0/8', '0/10']],
  // maxSurge 0: old pods go first
  [4, 0, 1, ['3/0', '3/1', '2/1', '2/2', '1/2', '1/3', '0/3', '0/4']],
  // 100% surge: all new at once, then all old go
  [4, '100%', 0, ['4/4', '0/4']],
])('rolling %d replicas with maxSurge %j, maxUnavailable %j steps through old/new %j', (replicas, s, u, steps) => {
  expect(rollout(replicas, s, u)).toEqual(steps)
})

test('proportional scaling of a rollout from 10 to 15 replicas splits the extra pods by size', () => {
  // RollingUpdate 25%: surge for 15 is 4, so 19 pods are allowed; both ReplicaSets have 6 pods and
  // were annotated with max-replicas 13 (10 + 3) when the deployment had 10 replicas.
  const toAdd = 15 + 4 - 12
  let added = 0
  const sizes = [6, 6].map((rsReplicas) => {
    const fraction = replicaSetFraction({ rsReplicas, deploymentReplicas: 15, surge: 4, annotatedReplicas: 13 })
    const p = proportion({ rsReplicas, fraction, toAdd, added })
    added += p
    return rsReplicas + p
  })
  // leftovers go to the first (largest, newest) ReplicaSet
  sizes[0]! += toAdd - added
  expect(sizes).toEqual([10, 9])
})

test('scaling to zero takes every replica away', () => {
  expect(replicaSetFraction({ rsReplicas: 4, deploymentReplicas: 0, surge: 0, annotatedReplicas: 5 })).toBe(-4)
  expect(proportion({ rsReplicas: 4, fraction: -4, toAdd: -6, added: 0 })).toBe(-4)
})

test('pod-template-hash: safe alphabet, stable under key order, changed by collisionCount', () => {
  const a = podTemplateHash({
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'a', image: 'x:1' }] },
  })
  const b = podTemplateHash({
    spec: { containers: [{ image: 'x:1', name: 'a' }] },
    metadata: { labels: { app: 'web' } },
  })
  expect(a).toBe(b)
  expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/)
  expect(podTemplateHash({ spec: {} }, 1)).not.toBe(podTemplateHash({ spec: {} }))
})
