import { startKubeSimulator } from '@deploy-actions/testbed'
import { createKubeApi, loadKubeConfig, updateDeployment, waitForRollout } from './src/index.ts'

const sim = await startKubeSimulator({ podReadyDelayMs: 100 })
try {
  const { kubeConfig } = await loadKubeConfig({ kubeconfig: sim.kubeconfig })
  const api = await createKubeApi(kubeConfig)
  const k8s = await import('@kubernetes/client-node')
  await kubeConfig
    .makeApiClient(k8s.AppsV1Api)
    .createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'w' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'w' } },
          template: { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } },
        },
      },
    })
  await waitForRollout(api, { namespace: 'default', name: 'w', timeoutMs: 10000, log: () => {} })
  await updateDeployment(api, 'default', 'w', (d) => {
    d.spec!.template.spec!.containers[0]!.image = 'web:2-missing'
    return d
  })
  const t0 = Date.now()
  await waitForRollout(api, {
    namespace: 'default',
    name: 'w',
    timeoutMs: 70000,
    log: (l) => console.log(((Date.now() - t0) / 1000).toFixed(1), l),
  }).catch((e) => console.log('ERROR', e.message))
} finally {
  await sim.stop()
}
