// Shared by the rollback tests: a Deployment taken through a list of images, one revision each.
import { waitUntil } from '@deploy-actions/kit'
import {
  type KubeApi,
  type KubeObject,
  type ObjectsApi,
  revisionOf,
  updateDeployment,
  waitForRollout,
} from '@deploy-actions/kube'

export const NS = 'default'

export function deploymentBody(name: string, image: string, labels: Record<string, string>, replicas = 2): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  }
}

/**
 * A Deployment taken through `images` (revisions 1..n), each rollout completed, except a
 * crash-looping one, which never completes: for it, only until the controller numbers it.
 */
export async function withHistory(api: KubeApi, objects: ObjectsApi, name: string, images: string[]): Promise<void> {
  await objects.create(deploymentBody(name, images[0]!, { app: name, track: 'stable' }))
  for (const [i, image] of images.entries()) {
    if (i > 0)
      await updateDeployment(api, NS, name, (d) => {
        d.spec!.template.spec!.containers[0]!.image = image
        return d
      })
    if (image.endsWith('-crashloop'))
      await waitUntil(
        async () => (revisionOf(await api.readDeployment(NS, name)) === i + 1 ? { done: true } : { detail: 'not yet' }),
        { what: `revision ${i + 1}`, timeoutMs: 10_000, intervalMs: 20, log: () => {} },
      )
    else await waitForRollout(api, { namespace: NS, name, timeoutMs: 30_000, log: () => {} })
  }
}
