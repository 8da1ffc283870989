// Promotion through `manifests`, as the runbook's `kubectl apply -k overlays/production`: the
// manifests read as packages/kube reads them (a directory of YAML, or a kustomization rendered by
// `kubectl kustomize`), with the canary's image put in place of every container image of the same
// name, applied with server-side apply. An HPA-managed Deployment's replicas are dropped from what
// is applied.
import { DeployError } from '@deploy-actions/kit'
import { CANARY_FIELD_MANAGER, preparePromotion, renderManifests } from '@deploy-actions/kube'
import type { Ctx } from './canary.ts'
import type { CanaryState } from './state.ts'

/** Renders, sets the image, and applies every object; returns lines for the summary. */
export async function applyManifests(ctx: Ctx, state: CanaryState): Promise<string[]> {
  const { objects, how } = await renderManifests(ctx.inputs.manifests!, {
    workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    ...(ctx.deps.kustomize ? { kustomize: ctx.deps.kustomize } : {}),
    leftState: 'stable unchanged',
  })
  const { changed, deployment } = preparePromotion(objects, {
    image: state.image,
    deployment: state.stable,
    namespace: state.namespace,
    scaledByHpa: Boolean(state.hpa),
  })
  if (!deployment) {
    throw new DeployError(`manifests (${how}) do not contain Deployment ${state.stable}`, {
      leftState: `canary still running; ${state.stable} untouched`,
    })
  }
  for (const o of objects) {
    await ctx.deps.objects.apply(o, { fieldManager: CANARY_FIELD_MANAGER, force: true })
    ctx.deps.log.info(`applied ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`)
  }
  return [
    `promoted through manifests: ${how}, ${objects.length} objects applied (server-side apply), image ${state.image} set in ${changed} container${changed === 1 ? '' : 's'}${state.hpa ? `; replicas left to HPA ${state.hpa}` : ''}`,
  ]
}
