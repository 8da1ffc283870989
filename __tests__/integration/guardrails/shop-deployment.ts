// The one-container Deployment `shop` the guardrail tests put in the simulator, and the wait for a
// Deployment to have rolled out before a preflight looks at it: the preflight blocks a release
// while a rollout is in progress, so a test that just created one waits first (under load the
// simulator's controller may still be rolling it out when the preflight runs).
import { createKubeApi, type KubeObject, loadKubeConfig, waitForRollout } from '@deploy-actions/kube'

export const shopDeployment = (image: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'shop', namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'shop' } },
    template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'app', image }] } },
    ...spec,
  },
})

/** Until `kubectl rollout status` would say done (packages/kube's wait, a watch), at most 60 s. */
export async function rolledOut(kubeconfig: string, name = 'shop', namespace = 'default'): Promise<void> {
  const api = await createKubeApi((await loadKubeConfig({ kubeconfig })).kubeConfig)
  await waitForRollout(api, { namespace, name, timeoutMs: 60_000, log: () => {} })
}
