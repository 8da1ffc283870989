// Server-side apply (issue item 3): managedFields per manager and operation, removal of fields
// a manager stops applying, 409 conflicts naming the field and its owner, --force-conflicts,
// and Update entries for every other write; through kubectl and client-node.
import { type KubeSimulator, requireBinary, startKubeSimulator } from '@deploy-actions/testbed'
import * as k8s from '@kubernetes/client-node'
import { parse as parseYaml } from 'yaml'
import { clients, kubectlRunner, statusOf } from './helpers.ts'

let sim: KubeSimulator
let kubectl: ReturnType<typeof kubectlRunner>
let c: ReturnType<typeof clients>
const ssa = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply)

beforeAll(async () => {
  const bin = requireBinary('kubectl', 'apt-get install kubernetes-client')
  sim = await startKubeSimulator({ podReadyDelayMs: 100, controllerTickMs: 20 })
  kubectl = kubectlRunner(sim, bin)
  c = clients(sim)
})
afterAll(async () => {
  await sim?.stop()
})

interface Options {
  replicas?: number
  image?: string
  annotations?: string
  env?: string
}

function manifest(name: string, o: Options = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${o.annotations ? `  annotations:\n${o.annotations}` : ''}spec:
${o.replicas === undefined ? '' : `  replicas: ${o.replicas}\n`}  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: app
        image: ${o.image ?? 'app:1'}
        ports: [{containerPort: 8080}]
${o.env ? `        env:\n${o.env}` : ''}`
}

/** FieldsV1: nested objects all the way down. */
type Fields = { [pe: string]: Fields }
function at(f: Fields | undefined, ...pes: string[]): Fields | undefined {
  let node = f
  for (const pe of pes) node = node?.[pe]
  return node
}
type Entry = { manager: string; operation: string; apiVersion: string; subresource?: string; fieldsV1: Fields }

async function managedFields(name: string): Promise<Entry[]> {
  const out = await kubectl.ok(['get', 'deployment', name, '-o', 'yaml', '--show-managed-fields'])
  return parseYaml(out).metadata.managedFields
}

function entry(entries: Entry[], manager: string, operation = 'Apply'): Entry | undefined {
  return entries.find((e) => e.manager === manager && e.operation === operation)
}

describe('through kubectl', () => {
  test('client-side apply records an Update entry; a second manager changing its field gets 409 naming it', async () => {
    await kubectl.ok(['apply', '-f', '-'], manifest('csa', { replicas: 2 }))
    const csa = entry(await managedFields('csa'), 'kubectl-client-side-apply', 'Update')
    expect(csa).toMatchObject({ apiVersion: 'apps/v1', fieldsType: 'FieldsV1' })
    expect(at(csa!.fieldsV1, 'f:spec', 'f:replicas')).toEqual({})
    // The container item is a member, keyed by name; its defaults belong to the writer of the create.
    const container = at(csa!.fieldsV1, 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}')
    expect(at(container, '.')).toEqual({})
    expect(at(container, 'f:imagePullPolicy')).toEqual({})
    expect(at(container, 'f:ports', 'k:{"containerPort":8080,"protocol":"TCP"}', '.')).toEqual({})
    expect(at(csa!.fieldsV1, 'f:status')).toBeUndefined()

    const r = await kubectl.run(['apply', '--server-side', '-f', '-'], manifest('csa', { replicas: 3 }))
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    )
    expect(await kubectl.ok(['get', 'deployment', 'csa', '-o', 'jsonpath={.spec.replicas}'])).toBe('2')
  })

  test('--force-conflicts takes the field over', async () => {
    const out = await kubectl.ok(
      ['apply', '--server-side', '--force-conflicts', '-f', '-'],
      manifest('csa', { replicas: 3 }),
    )
    expect(out).toBe('deployment.apps/csa serverside-applied\n')
    expect(await kubectl.ok(['get', 'deployment', 'csa', '-o', 'jsonpath={.spec.replicas}'])).toBe('3')
    const entries = await managedFields('csa')
    expect(at(entry(entries, 'kubectl')?.fieldsV1, 'f:spec', 'f:replicas')).toEqual({})
    expect(at(entry(entries, 'kubectl-client-side-apply', 'Update')?.fieldsV1, 'f:spec', 'f:replicas')).toBeUndefined()
  })

  test('a field removed from the applied manifest is removed; one another manager shares stays', async () => {
    const annotations = '    team: shop\n    tier: web\n'
    const env = '        - {name: MODE, value: fast}\n        - {name: DEBUG, value: "1"}\n'
    await kubectl.ok(['apply', '--server-side', '-f', '-'], manifest('own', { replicas: 2, annotations, env }))
    const applied = entry(await managedFields('own'), 'kubectl')!
    expect(at(applied.fieldsV1, 'f:metadata', 'f:annotations')).toEqual({ 'f:team': {}, 'f:tier': {} })
    // A second applier sets tier to the same value: shared, no conflict.
    await kubectl.ok(
      ['apply', '--server-side', '--field-manager', 'platform', '-f', '-'],
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: own\n  annotations: {tier: web}\n`,
    )
    await kubectl.ok(
      ['apply', '--server-side', '-f', '-'],
      manifest('own', { replicas: 2, env: '        - {name: MODE, value: fast}\n' }),
    )
    const d = JSON.parse(await kubectl.ok(['get', 'deployment', 'own', '-o', 'json']))
    expect(d.metadata.annotations.team).toBeUndefined()
    expect(d.metadata.annotations.tier).toBe('web')
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'MODE', value: 'fast' }])
    // replicas no longer applied by anyone: removed, then defaulted (1), as on a real server.
    await kubectl.ok(
      ['apply', '--server-side', '-f', '-'],
      manifest('own', { env: '        - {name: MODE, value: fast}\n' }),
    )
    expect(await kubectl.ok(['get', 'deployment', 'own', '-o', 'jsonpath={.spec.replicas}'])).toBe('1')
    const entries = await managedFields('own')
    expect(at(entry(entries, 'kubectl')?.fieldsV1, 'f:spec', 'f:replicas')).toBeUndefined()
    expect(entry(entries, 'platform')!.fieldsV1).toEqual({ 'f:metadata': { 'f:annotations': { 'f:tier': {} } } })
  })

  test('kubectl get -o yaml hides managedFields unless asked; scale and label record Update entries', async () => {
    expect(await kubectl.ok(['get', 'deployment', 'own', '-o', 'yaml'])).not.toContain('managedFields')
    await kubectl.ok(['scale', 'deployment', 'own', '--replicas', '4'])
    await kubectl.ok(['label', 'deployment', 'own', 'stage=canary'])
    const entries = await managedFields('own')
    const scale = entries.find((e) => e.subresource === 'scale')
    expect(scale).toMatchObject({ operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } })
    const label = entries.find((e) => e.operation === 'Update' && at(e.fieldsV1, 'f:metadata', 'f:labels'))
    expect(at(label!.fieldsV1, 'f:metadata', 'f:labels')).toEqual({ '.': {}, 'f:stage': {} })
    // The scaler now owns replicas: an apply setting it again conflicts with it.
    const r = await kubectl.run(['apply', '--server-side', '-f', '-'], manifest('own', { replicas: 2 }))
    expect(r.stderr).toContain(
      `conflict with "${scale!.manager}" with subresource "scale" using apps/v1: .spec.replicas`,
    )
  })
})

describe('through client-node (application/apply-patch+yaml)', () => {
  const body = (replicas: number, image = 'app:1') => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'cn', labels: { app: 'cn' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'cn' } },
      template: { metadata: { labels: { app: 'cn' } }, spec: { containers: [{ name: 'app', image }] } },
    },
  })

  test('an apply creates with one Apply entry; a conflicting manager gets 409 with causes; force takes over', async () => {
    const created = await c.apps.patchNamespacedDeployment(
      { name: 'cn', namespace: 'default', body: body(2), fieldManager: 'deployer' },
      ssa,
    )
    expect(created.metadata?.managedFields).toHaveLength(1)
    expect(created.metadata?.managedFields?.[0]).toMatchObject({
      manager: 'deployer',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
    })
    const fields = created.metadata!.managedFields![0]!.fieldsV1 as Fields
    expect(at(fields, 'f:spec', 'f:selector')).toEqual({})
    expect(at(fields, 'f:spec', 'f:template', 'f:spec', 'f:containers')).toEqual({
      'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} },
    })

    const error = await c.apps
      .patchNamespacedDeployment(
        { name: 'cn', namespace: 'default', body: body(5, 'app:2'), fieldManager: 'canary' },
        ssa,
      )
      .catch((e) => e)
    const { code, body: status } = statusOf(error)
    expect(code).toBe(409)
    expect(status.reason).toBe('Conflict')
    expect(status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "deployer":\n- .spec.replicas\n- .spec.template.spec.containers[name="app"].image',
    )
    expect((status.details as { causes: unknown[] }).causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "deployer"', field: '.spec.replicas' },
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "deployer"',
        field: '.spec.template.spec.containers[name="app"].image',
      },
    ])

    const forced = await c.apps.patchNamespacedDeployment(
      { name: 'cn', namespace: 'default', body: body(5, 'app:2'), fieldManager: 'canary', force: true },
      ssa,
    )
    expect(forced.spec?.replicas).toBe(5)
    const deployer = forced.metadata!.managedFields!.find((e) => e.manager === 'deployer')!.fieldsV1 as Fields
    expect(at(deployer, 'f:spec', 'f:replicas')).toBeUndefined()
    expect(
      at(deployer, 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}', 'f:image'),
    ).toBeUndefined()
  })

  test('an apply without fieldManager is refused; a strategic patch records an Update entry', async () => {
    const error = await c.apps
      .patchNamespacedDeployment({ name: 'cn', namespace: 'default', body: body(1) }, ssa)
      .catch((e) => e)
    expect(statusOf(error).code).toBe(422)
    expect(statusOf(error).body.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    )
    const patched = await c.apps.patchNamespacedDeployment(
      { name: 'cn', namespace: 'default', body: { metadata: { annotations: { note: 'x' } } }, fieldManager: 'ops' },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    )
    const ops = patched.metadata!.managedFields!.find((e) => e.manager === 'ops')!
    expect(ops.operation).toBe('Update')
    // The annotations map existed already (the controller's revision), so only the key is new.
    expect(ops.fieldsV1).toEqual({ 'f:metadata': { 'f:annotations': { 'f:note': {} } } })
  })
})
