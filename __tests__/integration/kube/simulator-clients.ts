// Shared by the tests of packages/kube and what is built on it (routers, rollback): the simulator
// with packages/kube's clients on it, as an action would load them from a kubeconfig.
import { createKubeApi, createObjectsApi, type KubeApi, loadKubeConfig, type ObjectsApi } from '@deploy-actions/kube'
import { type KubeSimulator, type KubeSimulatorOptions, startKubeSimulator } from '@deploy-actions/testbed'

export interface SimulatorClients {
  sim: KubeSimulator
  api: KubeApi
  objects: ObjectsApi
}

/** Starts the simulator (fast pods and controllers unless told otherwise) and loads both clients. */
export async function startSimulatorClients(
  options: KubeSimulatorOptions = { podReadyDelayMs: 50, controllerTickMs: 20 },
): Promise<SimulatorClients> {
  const sim = await startKubeSimulator(options)
  const { kubeConfig } = await loadKubeConfig({ kubeconfig: sim.kubeconfig })
  return { sim, api: await createKubeApi(kubeConfig), objects: await createObjectsApi(kubeConfig) }
}
