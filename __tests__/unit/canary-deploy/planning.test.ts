import {
  closestCanaryReplicas,
  liveShare,
  planReplicaShare,
} from '../../../actions/canary-deploy/src/replicas-share.ts'
import { planSteps, remainingWeights, roundsPerStep } from '../../../actions/canary-deploy/src/steps.ts'

describe('steps', () => {
  it.each([
    [[10, 50, 100], { canaryWeights: [10, 50], promotes: true }],
    [[10], { canaryWeights: [10], promotes: false }],
    [[25, 50, 75], { canaryWeights: [25, 50, 75], promotes: false }],
    [[100], { canaryWeights: [], promotes: true }],
  ])('%j', (steps, plan) => expect(planSteps(steps)).toEqual(plan))
  it('resumes past the current weight', () => expect(remainingWeights(planSteps([10, 50, 100]), 10)).toEqual([50]))
  it.each([
    [2000, 500, 4],
    [300_000, 30_000, 10],
    [1000, 5000, 1],
  ])('%d ms step, %d ms interval → %d rounds', (step, interval, rounds) =>
    expect(roundsPerStep(step, interval)).toBe(rounds),
  )
})

describe('replicas share', () => {
  it.each([
    // weight, stable live, canary replicas, share
    [10, 9, 1, 10],
    [10, 10, 1, 9.1],
    [10, 20, 2, 9.1],
    [25, 3, 1, 25],
    [50, 2, 2, 50],
    [50, 5, 5, 50],
    [20, 4, 1, 20],
    [10, 6, 1, 14.3],
  ])('%d%% beside %d stable → %d canary (%d%%)', (weight, stable, canary, share) => {
    const plan = planReplicaShare(weight, stable)
    expect(plan).toMatchObject({ ok: true, canary, share })
  })

  it('refuses 10% of 2 replicas and says how many it would need', () => {
    const plan = planReplicaShare(10, 2)
    expect(plan.ok).toBe(false)
    if (plan.ok) return
    expect(plan.share).toBe(33.3)
    expect(plan.neededStable).toBe(6)
    expect(plan.reason).toMatch(/needs at least 6 stable replicas \(1 canary of 7 = 14.3%\)/)
  })

  it('never plans zero canary pods for a positive weight', () => expect(closestCanaryReplicas(1, 3)).toBe(1))
  it('reads the live share', () => {
    expect(liveShare(1, 9)).toBe(10)
    expect(liveShare(0, 0)).toBe(0)
  })
})
