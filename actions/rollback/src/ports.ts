// What rollback talks to: the Deployment API (history, undo, rollout status) and the object port
// (namespace, canary Deployment, router objects). The adapter connects both from the
// kubeconfig / eks-cluster inputs; client-node loads only here, after the inputs are valid.
import type { Clock, Logger } from '@deploy-actions/kit'
import type { KubeApi, ObjectsApi } from '@deploy-actions/kube'
import type { Inputs } from './inputs.ts'

export interface Deps {
  api: KubeApi
  objects: ObjectsApi
  log: Logger
  clock?: Clock
  /** Aborted when the job is cancelled: the rollout wait stops (a written undo stays written). */
  signal?: AbortSignal
}

export async function connectRollbackPorts(
  inputs: Pick<Inputs, 'kube' | 'region'>,
  options: { log: Logger; onSecret: (secret: string) => void },
): Promise<Deps & { source: string; server: string | undefined }> {
  const { connectKube, createObjectsApi } = await import('@deploy-actions/kube')
  const connection = await connectKube(inputs.kube, { region: inputs.region, onSecret: options.onSecret })
  return {
    api: connection.api,
    objects: await createObjectsApi(connection.kubeConfig),
    log: options.log,
    source: connection.source,
    server: connection.server,
  }
}
