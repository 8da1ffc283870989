// The Kubernetes API simulator in a process of its own (`testbed kube`), as an API server would
// be, so what a bench times is not sharing an event loop with it. For benches that run kubectl,
// a bundle or a client against it; `stop()` ends the process and removes its folder.
import { join } from 'node:path'
import { freePort, httpOk, REPO_ROOT, removeDir, startService, tempDir } from '@deploy-actions/testbed'

export interface SimulatorProcess {
  /** A temporary folder holding the kubeconfig; removed by stop(). */
  dir: string
  kubeconfigPath: string
  stop(): Promise<void>
}

export async function startSimulatorProcess(prefix: string, extraArgs: string[] = []): Promise<SimulatorProcess> {
  const dir = tempDir(prefix)
  const port = await freePort()
  const kubeconfigPath = join(dir, 'kubeconfig')
  const sim = await startService({
    name: 'kube simulator',
    command: process.execPath,
    args: [
      join(REPO_ROOT, 'packages/testbed/src/cli.ts'),
      'kube',
      '--port',
      String(port),
      '--kubeconfig',
      kubeconfigPath,
      ...extraArgs,
    ],
    ready: () => httpOk(`http://127.0.0.1:${port}/version`, (s) => s < 500),
  })
  return {
    dir,
    kubeconfigPath,
    async stop() {
      await sim.stop()
      removeDir(dir)
    },
  }
}
