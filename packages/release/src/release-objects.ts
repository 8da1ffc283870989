// The objects a release leaves in the cluster once its canary is promoted, as the canary action
// writes them: the plan's `manifests` read and prepared as the canary prepares them (packages/kube's
// renderManifests and preparePromotion), or, without manifests, the Deployment's container with
// the new image. `plan` dry-runs these against the live objects (kube-diff.ts).
import { type KubeObject, preparePromotion, renderManifests } from '@deploy-actions/kube'
import type { KubernetesPlan } from './types.ts'

/** The manifests as the canary's promotion applies them; `deployment` undefined when they lack it. */
export async function manifestObjects(
  k: KubernetesPlan,
  image: string,
  options: { workspace: string; scaledByHpa: boolean },
): Promise<{ objects: KubeObject[]; how: string; deployment: KubeObject | undefined }> {
  const { objects, how } = await renderManifests(k.manifests!, { workspace: options.workspace })
  const { deployment } = preparePromotion(objects, {
    image,
    deployment: k.deployment,
    namespace: k.namespace ?? 'default',
    scaledByHpa: options.scaledByHpa,
  })
  return { objects, how, deployment }
}

/** Without manifests: the apply configuration of the one change, the container's image. */
export function imageChange(k: KubernetesPlan, container: string, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: k.deployment, namespace: k.namespace ?? 'default' },
    spec: { template: { spec: { containers: [{ name: container, image }] } } },
  }
}
