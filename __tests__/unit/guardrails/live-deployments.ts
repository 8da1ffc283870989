// Deployments as the API returns them, for the "nothing deploying" check: rolled out, mid-rollout
// (status as the deployment controller writes it), and a canary's own Deployment carrying the
// state annotation written by canary-deploy's own encoder (so the reader is tested against the
// writer, not against a copy of its format).
import type { Deployment, KubeObject } from '@deploy-actions/kube'
import { type CanaryState, canaryName, encodeState } from '../../../actions/canary-deploy/src/state.ts'

export function deployment(
  name: string,
  image: string,
  status: Deployment['status'],
  meta: { generation?: number; paused?: boolean } = {},
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', generation: meta.generation ?? 2 },
    spec: {
      replicas: 3,
      ...(meta.paused ? { paused: true } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
    },
    status,
  }
}

export const rolledOut = (name: string, image: string) =>
  deployment(name, image, {
    observedGeneration: 2,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
  })

/** All three replicas updated, one of them available yet. */
export const rollingOut = (name: string, image: string) =>
  deployment(name, image, {
    observedGeneration: 2,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 1,
    availableReplicas: 1,
  })

export function canaryState(stable: string, image: string, weight: number, phase: CanaryState['phase']): CanaryState {
  return {
    v: 1,
    stable,
    namespace: 'default',
    container: 'app',
    image,
    previousImage: `r/${stable}:v2.0.0`,
    router: 'replicas',
    canaryPodLabels: { track: `${stable}-canary` },
    steps: [20],
    weight,
    liveWeight: weight,
    phase,
    started: '2026-03-31T09:50:00Z',
    updated: '2026-03-31T09:55:00Z',
    startedBy: 'https://github.com/acme/webshop/actions/runs/7',
    checks: [],
  }
}

/** `<stable>-canary` as canary-deploy leaves it between jobs (a manual gate before promote). */
export const pausedCanary = (stable: string, image: string, weight: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: canaryName(stable),
    namespace: 'default',
    annotations: encodeState(canaryState(stable, image, weight, 'paused')),
  },
})
