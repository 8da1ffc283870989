// flyway-migrate's post step: removes the proxy pod of a tunnel whose main step could not (the
// job was cancelled and the process killed before its own cleanup ran). Nothing to do otherwise.
import { DeployError, type Logger } from '@deploy-actions/kit'
import { TUNNEL_POD_STATE, TUNNEL_REMOVED_STATE } from './reach.ts'
import type { ReachInputs } from './reach-inputs.ts'

export async function cleanUp(
  inputs: { reach: ReachInputs },
  state: (name: string) => string,
  deps: { log: Logger; env: NodeJS.ProcessEnv; onSecret: (s: string) => void },
): Promise<void> {
  const saved = state(TUNNEL_POD_STATE)
  if (!saved || state(TUNNEL_REMOVED_STATE) === 'true' || inputs.reach.tunnel?.kind !== 'proxy-pod') return
  const [namespace, name] = saved.split('/') as [string, string]
  const kube = await import('@deploy-actions/kube')
  const region = deps.env.AWS_REGION || deps.env.AWS_DEFAULT_REGION
  const { kubeConfig } = await kube.connectKube(inputs.reach.tunnel.access, {
    env: deps.env,
    onSecret: deps.onSecret,
    ...(region ? { region } : {}),
  })
  const objects = await kube.createObjectsApi(kubeConfig)
  try {
    const was = await kube.removeProxyPod(objects, namespace, name)
    deps.log.info(`post: proxy pod ${namespace}/${name} ${was ? 'removed' : 'was already gone'}`)
  } catch (error) {
    throw new DeployError(`post: proxy pod ${namespace}/${name} not removed: ${(error as Error).message}`, {
      leftState: `proxy pod ${namespace}/${name} still there; the next run removes it`,
    })
  }
}
