// Server-side apply (issue item 3): managedFields per manager and operation, removal of fields
// a manager stops applying, 409 conflicts naming the field and its owner, --force-conflicts,
// and Update entries for every other write; through kubectl and client-node.
import { request } from 'node:http'
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
type Entry = {
  manager: string
  operation: string
  apiVersion: string
  subresource?: string
  time?: string
  fieldsV1: Fields
}

async function managedFields(name: string): Promise<Entry[]> {
  const out = await kubectl.ok(['get', 'deployment', name, '-o', 'yaml', '--show-managed-fields'])
  return parseYaml(out).metadata.managedFields
}

function entry(entries: Entry[], manager: string, operation = 'Apply'): Entry | undefined {
  return entries.find((e) => e.manager === manager && e.operation === operation)
}

/** Until the clock has passed the second of `time` (managedFields times are whole seconds). */
async function pastSecondOf(time: string | Date | undefined): Promise<void> {
  const second = Math.floor(new Date(time ?? 0).getTime() / 1000)
  while (Math.floor(Date.now() / 1000) <= second) await new Promise((r) => setTimeout(r, 100))
}

async function metadataOf(name: string): Promise<{ managedFields?: Entry[] }> {
  const out = await kubectl.ok(['get', 'deployment', name, '-o', 'yaml', '--show-managed-fields'])
  return parseYaml(out).metadata
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

    const r = await kubectl.run(
      ['apply', '--server-side', '--field-manager=other', '-f', '-'],
      manifest('csa', { replicas: 3 }),
    )
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    )
    expect(await kubectl.ok(['get', 'deployment', 'csa', '-o', 'jsonpath={.spec.replicas}'])).toBe('2')
  })

  test('--force-conflicts takes the field over', async () => {
    const out = await kubectl.ok(
      ['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'],
      manifest('csa', { replicas: 3 }),
    )
    expect(out).toBe('deployment.apps/csa serverside-applied\n')
    expect(await kubectl.ok(['get', 'deployment', 'csa', '-o', 'jsonpath={.spec.replicas}'])).toBe('3')
    const entries = await managedFields('csa')
    expect(at(entry(entries, 'other')?.fieldsV1, 'f:spec', 'f:replicas')).toEqual({})
    expect(at(entry(entries, 'kubectl-client-side-apply', 'Update')?.fieldsV1, 'f:spec', 'f:replicas')).toBeUndefined()
  })

  test("kubectl's server-side apply takes over from its client-side apply while live matches last-applied, and keeps the annotation in step", async () => {
    await kubectl.ok(['apply', '-f', '-'], manifest('migrate', { replicas: 2 }))
    // The manager is "kubectl": lastappliedmanager.go lets it take replicas, which live still has at 2.
    await kubectl.ok(['apply', '--server-side', '-f', '-'], manifest('migrate', { replicas: 3 }))
    const d = JSON.parse(await kubectl.ok(['get', 'deployment', 'migrate', '-o', 'json', '--show-managed-fields']))
    expect(d.spec.replicas).toBe(3)
    const last = JSON.parse(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])
    expect(last).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 3 } })
    expect(at(entry(d.metadata.managedFields, 'kubectl')!.fieldsV1, 'f:spec', 'f:replicas')).toEqual({})
    const csa = entry(d.metadata.managedFields, 'kubectl-client-side-apply', 'Update')
    expect(at(csa?.fieldsV1, 'f:spec', 'f:replicas')).toBeUndefined()
    // Once live departs from last-applied (a scale), the scaler's field is a conflict again.
    await kubectl.ok(['scale', 'deployment', 'migrate', '--replicas', '5'])
    const r = await kubectl.run(['apply', '--server-side', '-f', '-'], manifest('migrate', { replicas: 4 }))
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/Apply failed with 1 conflict: conflict with "kubectl[^"]*" with subresource "scale"/)
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

  test('an Update entry marks a pointer struct and a new list item with `.`, not what the Go object always has', async () => {
    await kubectl.ok(['create', 'deployment', 'made', '--image=nginx', '--port=80'])
    const made = entry(await managedFields('made'), 'kubectl-create', 'Update')!.fieldsV1
    // compare.go: rollingUpdate (a pointer) appears; strategy and containers were there (`{}`, null).
    expect(at(made, 'f:spec', 'f:strategy')).toEqual({
      'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} },
      'f:type': {},
    })
    const podSpec = at(made, 'f:spec', 'f:template', 'f:spec')
    expect(Object.keys(at(podSpec, 'f:containers')!)).toEqual(['k:{"name":"nginx"}'])
    expect(at(podSpec, 'f:containers', 'k:{"name":"nginx"}', 'f:ports')).toEqual({
      '.': {},
      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} },
    })
    expect(at(made, 'f:metadata', 'f:labels')).toEqual({ '.': {}, 'f:app': {} })
  })

  test('an apply that changes nothing keeps its time; one that changes the object is stamped anew', async () => {
    await kubectl.ok(['apply', '--server-side', '-f', '-'], manifest('stamp', { replicas: 1 }))
    const time = entry((await metadataOf('stamp')).managedFields!, 'kubectl')!.time
    await pastSecondOf(time)
    await kubectl.ok(['apply', '--server-side', '-f', '-'], manifest('stamp', { replicas: 1 }))
    const again = await metadataOf('stamp')
    expect(entry(again.managedFields!, 'kubectl')!.time).toBe(time)
    await kubectl.ok(['apply', '--server-side', '-f', '-'], manifest('stamp', { replicas: 1, image: 'app:2' }))
    const changed = entry((await metadataOf('stamp')).managedFields!, 'kubectl')!.time!
    expect(Date.parse(changed)).toBeGreaterThan(Date.parse(time!))
  })

  test('managedFields [{}] in a patch clears them; an applied manifest carrying managedFields is refused', async () => {
    await kubectl.ok(['apply', '--server-side', '-f', '-'], manifest('reset', { replicas: 1 }))
    expect((await metadataOf('reset')).managedFields).toHaveLength(1)
    await kubectl.ok(['patch', 'deployment', 'reset', '--type=merge', '-p', '{"metadata":{"managedFields":[{}]}}'])
    expect((await metadataOf('reset')).managedFields).toBeUndefined()
    // Nobody owns replicas now: another manager's apply changes it without a conflict.
    await kubectl.ok(['apply', '--server-side', '--field-manager=other', '-f', '-'], manifest('reset', { replicas: 3 }))
    expect(entry((await metadataOf('reset')).managedFields!, 'other')).toBeDefined()

    const carrying = manifest('carrying').replace(
      '  name: carrying\n',
      '  name: carrying\n  managedFields:\n  - {manager: x, operation: Update, apiVersion: apps/v1, fieldsType: FieldsV1}\n',
    )
    const r = await kubectl.run(['apply', '--server-side', '-f', '-'], carrying)
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('Error from server (BadRequest): metadata.managedFields must be nil')
  })

  test('a container the applier stops applying goes, though another manager changed its image', async () => {
    const withSidecar = manifest('side').replace(
      '        ports: [{containerPort: 8080}]\n',
      '        ports: [{containerPort: 8080}]\n      - name: sidecar\n        image: sidecar:1\n',
    )
    await kubectl.ok(['apply', '--server-side', '-f', '-'], withSidecar)
    await kubectl.ok(['set', 'image', 'deployment/side', 'sidecar=sidecar:2'])
    const setter = entry(await managedFields('side'), 'kubectl-set', 'Update')!
    expect(at(setter.fieldsV1, 'f:spec', 'f:template', 'f:spec', 'f:containers')).toEqual({
      'k:{"name":"sidecar"}': { 'f:image': {} },
    })
    // prune: the item is the applier's (kubectl-set owns only a field in it), so it goes whole.
    await kubectl.ok(['apply', '--server-side', '-f', '-'], manifest('side'))
    const names = await kubectl.ok([
      'get',
      'deployment',
      'side',
      '-o',
      'jsonpath={.spec.template.spec.containers[*].name}',
    ])
    expect(names).toBe('app')
    expect(entry(await managedFields('side'), 'kubectl-set', 'Update')).toBeUndefined()
  })

  test('an atomic struct (secretKeyRef, +structType=atomic) is owned whole, as one field', async () => {
    const env = '        - name: PASSWORD\n          valueFrom: {secretKeyRef: {name: db, key: password}}\n'
    await kubectl.ok(['apply', '--server-side', '-f', '-'], manifest('atomic', { env }))
    const applied = entry(await managedFields('atomic'), 'kubectl')!
    const item = at(
      applied.fieldsV1,
      ...['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}', 'f:env', 'k:{"name":"PASSWORD"}'],
    )
    expect(item).toEqual({ '.': {}, 'f:name': {}, 'f:valueFrom': { 'f:secretKeyRef': {} } })
  })

  test('conflicts are listed in field-set order: keys by value, so port 80 before 443', async () => {
    const svc = (target: string) => `apiVersion: v1
kind: Service
metadata: {name: ports}
spec:
  selector: {app: ports}
  ports:
  - {name: https, port: 443, targetPort: ${target}}
  - {name: http, port: 80, targetPort: ${target}}
`
    await kubectl.ok(['apply', '--server-side', '--field-manager=owner', '-f', '-'], svc('8080'))
    const r = await kubectl.run(['apply', '--server-side', '--field-manager=other', '-f', '-'], svc('9090'))
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      'conflicts with "owner":\n- .spec.ports[port=80,protocol="TCP"].targetPort\n- .spec.ports[port=443,protocol="TCP"].targetPort',
    )
  })

  test('past ten Update managers, the oldest are merged into ancient-changes', async () => {
    await kubectl.ok(['apply', '--server-side', '-f', '-'], manifest('many'))
    for (let i = 0; i < 11; i++) {
      await kubectl.ok(['label', 'deployment', 'many', `k${i}=v`, `--field-manager=labeller-${i}`])
    }
    const entries = await managedFields('many')
    const updates = entries.filter((e) => e.operation === 'Update')
    expect(updates).toHaveLength(10)
    const ancient = entry(entries, 'ancient-changes', 'Update')
    expect(ancient).toMatchObject({ apiVersion: 'apps/v1' })
    // Nothing is lost: every label still has its owner, the merged ones in ancient-changes.
    const owned = updates.flatMap((e) => Object.keys(at(e.fieldsV1, 'f:metadata', 'f:labels') ?? {}))
    for (let i = 0; i < 11; i++) expect(owned).toContain(`f:k${i}`)
    expect(Object.keys(at(ancient!.fieldsV1, 'f:metadata', 'f:labels')!).length).toBeGreaterThanOrEqual(2)
    expect(entry(entries, 'kubectl')).toBeDefined() // Apply entries are never capped
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

  test('a create marks pointer structs it sets (probe, rollingUpdate) with `.`; a write that takes nothing keeps its entry and time', async () => {
    const created = await c.apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'cn-ptr' },
        spec: {
          selector: { matchLabels: { app: 'cn-ptr' } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
          template: {
            metadata: { labels: { app: 'cn-ptr' } },
            spec: {
              containers: [{ name: 'app', image: 'app:1', readinessProbe: { httpGet: { path: '/', port: 80 } } }],
            },
          },
        },
      },
    })
    const mine = created.metadata!.managedFields!.find((e) => e.manager === 'kubernetes-client-javascript')!
    const fields = mine.fieldsV1 as Fields
    expect(at(fields, 'f:spec', 'f:strategy', 'f:rollingUpdate', '.')).toEqual({})
    expect(at(fields, 'f:spec', 'f:strategy', '.')).toBeUndefined()
    const container = at(fields, 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}')
    expect(at(container, 'f:readinessProbe', '.')).toEqual({})
    expect(at(container, 'f:readinessProbe', 'f:httpGet', '.')).toEqual({})

    await pastSecondOf(mine.time)
    // A replace that changes nothing takes no field: the entry and its time stay as they were.
    const current = await c.apps.readNamespacedDeployment({ name: 'cn-ptr', namespace: 'default' })
    delete current.metadata!.resourceVersion // unconditional: the controllers write its status meanwhile
    const replaced = await c.apps.replaceNamespacedDeployment({ name: 'cn-ptr', namespace: 'default', body: current })
    const after = replaced.metadata!.managedFields!.find((e) => e.manager === 'kubernetes-client-javascript')!
    expect(after.time).toEqual(mine.time)
    expect(after.fieldsV1).toEqual(mine.fieldsV1)
  })

  test('a struct the applier stops applying goes whole, not field by field', async () => {
    const cfg = (probe: boolean) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'cn-probe' },
      spec: {
        selector: { matchLabels: { app: 'cn-probe' } },
        template: {
          metadata: { labels: { app: 'cn-probe' } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'app:1',
                ...(probe ? { readinessProbe: { httpGet: { path: '/ready', port: 8080 } } } : {}),
              },
            ],
          },
        },
      },
    })
    const apply = (probe: boolean) =>
      c.apps.patchNamespacedDeployment(
        { name: 'cn-probe', namespace: 'default', fieldManager: 'deployer', body: cfg(probe) },
        ssa,
      )
    const first = await apply(true)
    expect(first.spec?.template.spec?.containers[0]?.readinessProbe?.httpGet?.path).toBe('/ready')
    const second = await apply(false)
    // EnsureNamedFieldsAreMembers: readinessProbe and httpGet were the applier's, nobody else's.
    expect(second.spec?.template.spec?.containers[0]?.readinessProbe).toBeUndefined()
    const fields = second.metadata!.managedFields!.find((e) => e.manager === 'deployer')!.fieldsV1 as Fields
    expect(at(fields, 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}')).toEqual({
      '.': {},
      'f:image': {},
      'f:name': {},
    })
  })

  test('fieldManager "kubectl" may take over what last-applied-configuration still says; another manager may not', async () => {
    const config = (replicas: number) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'cn-last' },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'cn-last' } },
        template: { metadata: { labels: { app: 'cn-last' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } },
      },
    })
    // What kubectl's client-side apply writes: the annotation, as the Update manager.
    await c.apps.createNamespacedDeployment({
      namespace: 'default',
      fieldManager: 'kubectl-client-side-apply',
      body: {
        ...config(2),
        metadata: {
          name: 'cn-last',
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(config(2))}\n` },
        },
      },
    })
    const apply = (fieldManager: string) =>
      c.apps.patchNamespacedDeployment({ name: 'cn-last', namespace: 'default', fieldManager, body: config(3) }, ssa)
    const other = await apply('deployer').catch((e) => e)
    expect(statusOf(other).code).toBe(409)
    expect(statusOf(other).body.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    )
    const taken = await apply('kubectl')
    expect(taken.spec?.replicas).toBe(3)
    const annotation = taken.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration']!
    expect(annotation.endsWith('\n')).toBe(true)
    expect(JSON.parse(annotation)).toEqual(config(3))
  })

  test('managedFields a write sends are where it starts: ownership handed to another manager, or reset', async () => {
    const dep = await c.apps.readNamespacedDeployment({ name: 'cn-ptr', namespace: 'default' })
    delete dep.metadata!.resourceVersion
    dep.metadata!.managedFields = [
      {
        manager: 'migrated',
        operation: 'Update',
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ]
    const handed = await c.apps.replaceNamespacedDeployment({ name: 'cn-ptr', namespace: 'default', body: dep })
    expect(handed.metadata!.managedFields!.map((e) => e.manager)).toEqual(['migrated'])
    const error = await c.apps
      .patchNamespacedDeployment(
        {
          name: 'cn-ptr',
          namespace: 'default',
          fieldManager: 'deployer',
          body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cn-ptr' }, spec: { replicas: 4 } },
        },
        ssa,
      )
      .catch((e) => e)
    expect(statusOf(error).code).toBe(409)
    expect(statusOf(error).body.message).toBe(
      'Apply failed with 1 conflict: conflict with "migrated" using apps/v1: .spec.replicas',
    )
    const reset = await c.apps.patchNamespacedDeployment(
      { name: 'cn-ptr', namespace: 'default', body: { metadata: { managedFields: [{}] } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    )
    expect(reset.metadata?.managedFields).toBeUndefined()
  })

  test('conflict causes come in field-set order: members of a level, then its children; keys by value', async () => {
    const svc = (target: number) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'cn-ports' },
      spec: {
        selector: { app: 'cn-ports' },
        ports: [
          { name: 'https', port: 443, targetPort: target },
          { name: 'http', port: 80, targetPort: target },
        ],
      },
    })
    await c.core.patchNamespacedService(
      { name: 'cn-ports', namespace: 'default', fieldManager: 'owner', body: svc(8080) },
      ssa,
    )
    const error = await c.core
      .patchNamespacedService({ name: 'cn-ports', namespace: 'default', fieldManager: 'other', body: svc(9090) }, ssa)
      .catch((e) => e)
    expect(statusOf(error).code).toBe(409)
    const causes = (statusOf(error).body.details as { causes: Array<{ field: string }> }).causes
    expect(causes.map((x) => x.field)).toEqual([
      '.spec.ports[port=80,protocol="TCP"].targetPort',
      '.spec.ports[port=443,protocol="TCP"].targetPort',
    ])
  })

  test('an atomic struct (fieldRef, +structType=atomic) is owned whole', async () => {
    const applied = await c.apps.patchNamespacedDeployment(
      {
        name: 'cn-atomic',
        namespace: 'default',
        fieldManager: 'deployer',
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'cn-atomic' },
          spec: {
            selector: { matchLabels: { app: 'cn-atomic' } },
            template: {
              metadata: { labels: { app: 'cn-atomic' } },
              spec: {
                containers: [
                  {
                    name: 'app',
                    image: 'app:1',
                    env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
                  },
                ],
              },
            },
          },
        },
      },
      ssa,
    )
    const fields = applied.metadata!.managedFields!.find((e) => e.manager === 'deployer')!.fieldsV1 as Fields
    const item = at(fields, 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}', 'f:env')
    expect(item).toEqual({ 'k:{"name":"POD"}': { '.': {}, 'f:name': {}, 'f:valueFrom': { 'f:fieldRef': {} } } })
  })

  test('an applied configuration of another kind, or carrying managedFields, is a 400', async () => {
    const apply = (body: object) =>
      c.apps
        .patchNamespacedDeployment({ name: 'cn', namespace: 'default', fieldManager: 'deployer', body }, ssa)
        .catch((e) => e)
    const wrongKind = statusOf(await apply({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'cn' } }))
    expect(wrongKind.code).toBe(400)
    expect(wrongKind.body.message).toBe('invalid object type: apps/v1, Kind=StatefulSet')
    const carrying = statusOf(
      await apply({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'cn', managedFields: [{ manager: 'x', operation: 'Apply', apiVersion: 'apps/v1' }] },
      }),
    )
    expect(carrying.code).toBe(400)
    expect(carrying.body.message).toBe('metadata.managedFields must be nil')
  })

  test('a no-op apply keeps its time; past ten Update managers the oldest merge into ancient-changes', async () => {
    const cfg = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'capped' }, data: { a: '1' } }
    const applied = await c.core.patchNamespacedConfigMap(
      { name: 'capped', namespace: 'default', fieldManager: 'deployer', body: cfg },
      ssa,
    )
    const time = applied.metadata!.managedFields![0]!.time
    await pastSecondOf(time)
    const again = await c.core.patchNamespacedConfigMap(
      { name: 'capped', namespace: 'default', fieldManager: 'deployer', body: cfg },
      ssa,
    )
    expect(again.metadata!.managedFields![0]!.time).toEqual(time)
    expect(again.metadata!.resourceVersion).toBe(applied.metadata!.resourceVersion)

    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
    for (let i = 0; i < 12; i++) {
      await c.core.patchNamespacedConfigMap(
        { name: 'capped', namespace: 'default', fieldManager: `writer-${i}`, body: { data: { [`k${i}`]: 'v' } } },
        merge,
      )
    }
    const entries = (await c.core.readNamespacedConfigMap({ name: 'capped', namespace: 'default' })).metadata!
      .managedFields!
    const updates = entries.filter((e) => e.operation === 'Update')
    expect(updates).toHaveLength(10)
    const ancient = updates.find((e) => e.manager === 'ancient-changes')!
    expect(ancient.apiVersion).toBe('v1')
    const owned = updates.flatMap((e) => Object.keys((e.fieldsV1 as Fields)['f:data'] ?? {}))
    for (let i = 0; i < 12; i++) expect(owned).toContain(`f:k${i}`)
    expect(entries.filter((e) => e.operation === 'Apply').map((e) => e.manager)).toEqual(['deployer'])
  })

  test('a write that names no manager and sends no user agent is recorded as "unknown"', async () => {
    const url = new URL('/api/v1/namespaces/default/configmaps', sim.url)
    const body = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'anonymous' },
      data: { a: '1' },
    })
    const created = await new Promise<{ metadata: { managedFields: Entry[] } }>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = ''
        res.on('data', (d) => (text += d))
        res.on('end', () => resolve(JSON.parse(text)))
      })
      req.on('error', reject)
      req.end(body)
    })
    expect(created.metadata.managedFields.map((e) => [e.manager, e.operation])).toEqual([['unknown', 'Update']])
    // client-node's writes without fieldManager are named by its user agent.
    const named = await c.core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'named' }, data: { a: '1' } },
    })
    expect(named.metadata?.managedFields?.map((e) => e.manager)).toEqual(['kubernetes-client-javascript'])
  })
})

describe('the field manager a request names (ValidateFieldManager)', () => {
  test('kubectl: a --field-manager over 128 bytes is a 422 naming the limit', async () => {
    const r = await kubectl.run(
      ['apply', '--server-side', `--field-manager=${'m'.repeat(129)}`, '-f', '-'],
      manifest('long'),
    )
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('The PatchOptions "" is invalid: fieldManager: Too long: may not be more than 128 bytes')
    await kubectl.ok(['apply', '--server-side', `--field-manager=${'m'.repeat(128)}`, '-f', '-'], manifest('long'))
  })

  test('client-node: on create and update too, and a character that does not print is refused', async () => {
    const created = await c.core
      .createNamespacedConfigMap({
        namespace: 'default',
        fieldManager: 'x'.repeat(129),
        body: { metadata: { name: 'fm' } },
      })
      .catch((e) => e)
    expect(statusOf(created).code).toBe(422)
    expect(statusOf(created).body.message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes',
    )
    const cm = await c.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'fm' } } })
    const replaced = await c.core
      .replaceNamespacedConfigMap({ name: 'fm', namespace: 'default', fieldManager: 'tab\there', body: cm })
      .catch((e) => e)
    expect(statusOf(replaced).code).toBe(422)
    expect(statusOf(replaced).body.message).toBe(
      'UpdateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "tab\\there": invalid character U+0009 (at position 3)',
    )
  })
})
