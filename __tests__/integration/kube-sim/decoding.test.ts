// Typed decoding and field validation (issue item 1): wrong types, unknown fields and bad
// quantities are refused with the real server's messages, through kubectl and client-node.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type KubeSimulator, removeDir, requireBinary, startKubeSimulator, tempDir } from '@deploy-actions/testbed'
import * as k8s from '@kubernetes/client-node'
import { clients, deploymentBody, kubectlRunner, statusOf } from './helpers.ts'

let sim: KubeSimulator
let dir: string
let kubectl: ReturnType<typeof kubectlRunner>
let c: ReturnType<typeof clients>
const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch)

beforeAll(async () => {
  const bin = requireBinary('kubectl', 'apt-get install kubernetes-client')
  sim = await startKubeSimulator({ podReadyDelayMs: 100, controllerTickMs: 20 })
  kubectl = kubectlRunner(sim, bin)
  c = clients(sim)
  dir = tempDir('kube-decoding')
})
afterAll(async () => {
  await sim?.stop()
  if (dir) removeDir(dir)
})

function deployment(name: string, specExtra: string, cpu = '100m'): string {
  const file = join(dir, `${name}-${Math.random().toString(36).slice(2)}.yaml`)
  writeFileSync(
    file,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
${specExtra}  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: app
        image: app:1
        resources: {requests: {cpu: ${cpu}}}
`,
  )
  return file
}

describe('through kubectl (fieldValidation=Strict, its default)', () => {
  test('an unknown field is refused on create and nothing is stored', async () => {
    const r = await kubectl.run(['apply', '-f', deployment('typo', '  replica: 2\n')])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      'Error from server (BadRequest): error when creating',
      // The rest of the line, as a real API server words it:
    )
    expect(r.stderr).toContain(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
    )
    const get = await kubectl.run(['get', 'deployment', 'typo'])
    expect(get.stderr).toContain('deployments.apps "typo" not found')
  })

  test('a value of the wrong type is refused with the Go decoder message', async () => {
    const r = await kubectl.run(['apply', '-f', deployment('typed', '  replicas: "3"\n')])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      'cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    )
  })

  test('an invalid quantity is refused and describe node keeps working', async () => {
    const r = await kubectl.run(['create', '-f', deployment('cpu', '  replicas: 1\n', 'abc')])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      "cannot be handled as a Deployment: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    )
    const suffix = await kubectl.run(['create', '-f', deployment('cpu', '  replicas: 1\n', '1mi')])
    expect(suffix.stderr).toContain("unable to parse quantity's suffix")
    expect(await kubectl.ok(['describe', 'node'])).toContain('Allocated resources:')
  })

  test('an unknown field in an apply to an existing object is a 422 naming the patch', async () => {
    await kubectl.ok(['apply', '-f', deployment('known', '  replicas: 1\n')])
    const r = await kubectl.run(['apply', '-f', deployment('known', '  replicas: 1\n  foo: 1\n')])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(
      /^The request is invalid: patch: Invalid value: "map\[.*\]": strict decoding error: unknown field "spec\.foo"/m,
    )
  })

  test('--validate=warn stores without the field and warns; --validate=false drops it silently', async () => {
    const warn = await kubectl.run(['apply', '--validate=warn', '-f', deployment('loose', '  replicas: 1\n  foo: 1\n')])
    expect(warn.code).toBe(0)
    expect(warn.stderr).toContain('Warning: unknown field "spec.foo"')
    const spec = JSON.parse(await kubectl.ok(['get', 'deployment', 'loose', '-o', 'json'])).spec
    expect(spec.foo).toBeUndefined()
    expect(spec.replicas).toBe(1)
    const ignore = await kubectl.run([
      'apply',
      '--validate=false',
      '-f',
      deployment('loose', '  replicas: 2\n  foo: 1\n'),
    ])
    expect(ignore.code).toBe(0)
    expect(ignore.stderr).toBe('')
  })
})

describe('server-side apply (typed conversion of the applied configuration)', () => {
  test('kubectl apply --server-side: an undeclared field fails as a bare 500, as a real server answers', async () => {
    const r = await kubectl.run(['apply', '--server-side', '-f', deployment('ssa', '  replicas: 1\n  replica: 2\n')])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toBe(
      'Error from server: failed to create typed patch object (default/ssa; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema\n',
    )
    expect(await kubectl.ok(['apply', '--server-side', '-f', deployment('ssa', '  replicas: 1\n')])).toBe(
      'deployment.apps/ssa serverside-applied\n',
    )
  })

  test('client-node: a wrong type in a container is named by the list key', async () => {
    const ssa = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply)
    const body = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ssa' },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: '80' }] }] } } },
    }
    const error = await c.apps
      .patchNamespacedDeployment({ name: 'ssa', namespace: 'default', body, fieldManager: 'test' }, ssa)
      .catch((e) => e)
    expect(statusOf(error).code).toBe(500)
    expect(statusOf(error).body.reason).toBeUndefined()
    expect(statusOf(error).body.message).toBe(
      'failed to create typed patch object (default/ssa; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="app"].ports[0].containerPort: expected numeric (int or float), got string',
    )
  })
})

describe('through client-node', () => {
  test('a string replicas is a 400 BadRequest', async () => {
    const body = deploymentBody('cn-typed', 'app:1', 1) as unknown as { spec: { replicas: unknown } }
    body.spec.replicas = '3'
    const error = await c.apps
      .createNamespacedDeployment({ namespace: 'default', body: body as unknown as k8s.V1Deployment })
      .catch((e) => e)
    const { code, body: status } = statusOf(error)
    expect(code).toBe(400)
    expect(status.reason).toBe('BadRequest')
    expect(status.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    )
  })

  test('a numeric annotation value is refused on create', async () => {
    const body = { metadata: { name: 'cn-annotated', annotations: { owner: 1 } }, data: { a: 'b' } }
    const error = await c.core
      .createNamespacedConfigMap({ namespace: 'default', body: body as unknown as k8s.V1ConfigMap })
      .catch((e) => e)
    expect(statusOf(error).code).toBe(400)
    expect(statusOf(error).body.message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.annotations of type string',
    )
  })

  test('a patch with an unknown field: Strict refuses (422), the default warns and drops it', async () => {
    await c.apps.createNamespacedDeployment({ namespace: 'default', body: deploymentBody('cn-patch', 'app:1', 1) })
    const error = await c.apps
      .patchNamespacedDeployment(
        { name: 'cn-patch', namespace: 'default', body: { spec: { replica: 2 } }, fieldValidation: 'Strict' },
        strategic,
      )
      .catch((e) => e)
    const { code, body: status } = statusOf(error)
    expect(code).toBe(422)
    expect(status.message).toBe(
      ' "" is invalid: patch: Invalid value: "map[spec:map[replica:2]]": strict decoding error: unknown field "spec.replica"',
    )
    const warned = await c.apps.patchNamespacedDeploymentWithHttpInfo(
      { name: 'cn-patch', namespace: 'default', body: { spec: { replica: 2, replicas: 2 } } },
      strategic,
    )
    expect(warned.headers.warning).toBe('299 - "unknown field \\"spec.replica\\""')
    expect(warned.data.spec?.replicas).toBe(2)
    expect((warned.data.spec as unknown as Record<string, unknown>).replica).toBeUndefined()
  })

  test('an invalid quantity in a patch is a 422; a string replicas in a patch too', async () => {
    const bad = await c.apps
      .patchNamespacedDeployment(
        {
          name: 'cn-patch',
          namespace: 'default',
          body: {
            spec: { template: { spec: { containers: [{ name: 'app', resources: { limits: { memory: 'lots' } } }] } } },
          },
        },
        strategic,
      )
      .catch((e) => e)
    expect(statusOf(bad).code).toBe(422)
    expect(statusOf(bad).body.message).toContain('quantities must match the regular expression')
    const typed = await c.apps
      .patchNamespacedDeployment(
        { name: 'cn-patch', namespace: 'default', body: { spec: { replicas: '4' } } },
        strategic,
      )
      .catch((e) => e)
    expect(statusOf(typed).code).toBe(422)
    expect(statusOf(typed).body.message).toBe(
      ' "" is invalid: patch: Invalid value: "map[spec:map[replicas:4]]": unrecognized type: int32',
    )
  })
})
