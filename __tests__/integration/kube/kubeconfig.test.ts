// Every kubeconfig source reaches the same API server: the `kubeconfig` input as YAML and as
// base64, KUBECONFIG (with a missing entry in the list), and ~/.kube/config.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connectKube, createKubeApi, type LoadOptions, loadKubeConfig, parseKubeAccess } from '@deploy-actions/kube'
import { type KubeSimulator, removeDir, startKubeSimulator, tempDir } from '@deploy-actions/testbed'

let sim: KubeSimulator
let home: string

beforeAll(async () => {
  sim = await startKubeSimulator()
  home = tempDir('kube-home')
  mkdirSync(join(home, '.kube'))
  writeFileSync(join(home, '.kube', 'config'), sim.kubeconfig)
})
afterAll(async () => {
  removeDir(home)
  await sim?.stop()
})

test.each<[string, () => LoadOptions, string]>([
  [
    'kubeconfig input (YAML)',
    () => ({ kubeconfig: sim.kubeconfig, env: {}, homeDir: '/nonexistent' }),
    'kubeconfig input',
  ],
  [
    'kubeconfig input (base64)',
    () => ({ kubeconfig: Buffer.from(sim.kubeconfig).toString('base64'), env: {}, homeDir: '/nonexistent' }),
    'kubeconfig input',
  ],
  [
    'KUBECONFIG list with a missing entry',
    () => ({ env: { KUBECONFIG: `/nonexistent/config:${sim.kubeconfigPath}` }, homeDir: home }),
    `KUBECONFIG (${'{path}'})`,
  ],
  ['~/.kube/config', () => ({ env: {}, homeDir: home }), '~/.kube/config'],
])('%s', async (_name, options, source) => {
  const secrets: string[] = []
  const loaded = await loadKubeConfig({ ...options(), onSecret: (s) => secrets.push(s) })
  expect(loaded.source).toBe(source.replace('{path}', sim.kubeconfigPath))
  expect(loaded.server).toBe(sim.url)
  expect(secrets).toContain(loaded.kubeConfig.getCurrentUser()?.token)
  const api = await createKubeApi(loaded.kubeConfig)
  await expect(api.readDeployment('default', 'absent')).rejects.toMatchObject({ code: 404 })
  await expect(api.listPods('default', '')).resolves.toEqual([])
})

test('no source at all is a configuration error before any request', async () => {
  await expect(loadKubeConfig({ env: {}, homeDir: '/nonexistent' })).rejects.toThrow(
    /^kubeconfig: kubeconfig content, or eks-cluster, or a KUBECONFIG/,
  )
})

test('connectKube from the parsed inputs', async () => {
  const { api, source } = await connectKube(parseKubeAccess(sim.kubeconfig, ''), { env: {}, homeDir: '/nonexistent' })
  expect(source).toBe('kubeconfig input')
  await expect(api.listPods('default', 'app=none')).resolves.toEqual([])
})
