// The one-container Deployment `shop` the guardrail tests put in the simulator.
import type { KubeObject } from '@deploy-actions/kube'

export const shopDeployment = (image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'shop', namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'shop' } },
    template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'app', image }] } },
  },
})
