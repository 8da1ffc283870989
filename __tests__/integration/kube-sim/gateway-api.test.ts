// Gateway API HTTPRoutes and Gateways (gateway.networking.k8s.io/v1) as the installed CRDs
// serve them, seen by kubectl and client-node; and Ingress annotations kept verbatim (the alb
// and nginx canary routers store their weights there).
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type KubeSimulator, removeDir, requireBinary, startKubeSimulator, tempDir } from '@deploy-actions/testbed'
import * as k8s from '@kubernetes/client-node'
import { parse as parseYaml } from 'yaml'
import { clients, eventually, statusOf } from './helpers.ts'

let sim: KubeSimulator
let kubectlBin: string
let dir: string
let c: ReturnType<typeof clients>
let objects: k8s.KubernetesObjectApi
const ns = 'default'
const GROUP = 'gateway.networking.k8s.io'
type Route = k8s.KubernetesObject & {
  spec: { hostnames?: string[]; rules: { matches?: unknown[]; backendRefs: { weight: number }[] }[] }
}

beforeAll(async () => {
  kubectlBin = requireBinary('kubectl', 'apt-get install kubectl')
  sim = await startKubeSimulator({ podReadyDelayMs: 100, controllerTickMs: 20 })
  c = clients(sim)
  objects = k8s.KubernetesObjectApi.makeApiClient(c.kc)
  dir = tempDir('gateway-api')
})
afterAll(async () => {
  await sim?.stop()
  if (dir) removeDir(dir)
})

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      kubectlBin,
      ['--kubeconfig', sim.kubeconfigPath, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
      },
    )
  })
}
async function ok(...args: string[]): Promise<string> {
  const r = await kubectl(...args)
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`)
  return r.stdout
}
function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function route(name: string, stable: number, canary: number): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
spec:
  parentRefs:
  - name: web-gw
  hostnames: ["shop.example.com"]
  rules:
  - matches:
    - headers:
      - name: X-Canary
        value: always
    backendRefs:
    - name: web-canary
      port: 80
  - backendRefs:
    - name: web
      port: 80
      weight: ${stable}
    - name: web-canary
      port: 80
      weight: ${canary}
`
}

describe('HTTPRoute through kubectl', () => {
  test('apply, get (table and YAML with the CRD defaults), re-apply a weight change', async () => {
    expect(await ok('apply', '-f', file('r1.yaml', route('web', 100, 0)))).toContain(`httproute.${GROUP}/web created`)
    const table = await ok('get', 'httproute', 'web')
    expect(table).toMatch(/NAME\s+HOSTNAMES\s+AGE/)
    expect(table).toContain('["shop.example.com"]')
    const stored = parseYaml(await ok('get', 'httproute', 'web', '-o', 'yaml'))
    expect(stored.apiVersion).toBe(`${GROUP}/v1`)
    expect(stored.metadata.generation).toBe(1)
    expect(stored.spec.parentRefs).toEqual([{ group: GROUP, kind: 'Gateway', name: 'web-gw' }])
    // Defaults from the CRD schema: path match, header match type, backendRef group/kind/weight.
    expect(stored.spec.rules[0].matches[0]).toEqual({
      headers: [{ name: 'X-Canary', type: 'Exact', value: 'always' }],
      path: { type: 'PathPrefix', value: '/' },
    })
    expect(stored.spec.rules[0].backendRefs[0]).toEqual({
      group: '',
      kind: 'Service',
      name: 'web-canary',
      port: 80,
      weight: 1,
    })
    expect(stored.spec.rules[1].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }])
    expect(stored.status).toBeUndefined()

    expect(await ok('apply', '-f', file('r2.yaml', route('web', 50, 50)))).toContain('configured')
    const weights = await ok(
      'get',
      'httproute',
      'web',
      '-o',
      'jsonpath={.spec.rules[1].backendRefs[*].weight} {.metadata.generation}',
    )
    expect(weights).toBe('50 50 2')
  })

  test('a weight above 1000000 is refused with the schema message, nothing stored', async () => {
    const r = await kubectl('apply', '-f', file('r3.yaml', route('web', 50, 1_000_001)))
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(
      'The HTTPRoute "web" is invalid: spec.rules[1].backendRefs[1].weight: Invalid value: 1000001: spec.rules[1].backendRefs[1].weight in body should be less than or equal to 1000000',
    )
    expect(await ok('get', 'httproute', 'web', '-o', 'jsonpath={.spec.rules[1].backendRefs[1].weight}')).toBe('50')
  })

  test('every field error of an invalid route is listed, schema and rules alike', async () => {
    const r = await kubectl(
      'apply',
      '-f',
      file(
        'bad.yaml',
        `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bad}
spec:
  parentRefs: [{name: gw}, {name: gw}]
  hostnames: ["Bad_Host"]
  rules:
  - matches:
    - path: {type: Exact, value: "no-slash"}
      method: FETCH
    backendRefs:
    - {name: web, weight: -1}
    - {port: 80}
`,
      ),
    )
    expect(r.code).not.toBe(0)
    for (const line of [
      'spec.parentRefs: Invalid value: "array": sectionName must be unique when parentRefs includes 2 or more references to the same parent',
      `spec.hostnames[0]: Invalid value: "Bad_Host": spec.hostnames[0] in body should match`,
      `spec.rules[0].matches[0].path: Invalid value: "object": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']`,
      'spec.rules[0].matches[0].method: Unsupported value: "FETCH": supported values: "GET", "HEAD"',
      'spec.rules[0].backendRefs[0].weight: Invalid value: -1: spec.rules[0].backendRefs[0].weight in body should be greater than or equal to 0',
      'spec.rules[0].backendRefs[0]: Invalid value: "object": Must have port for Service reference',
      'spec.rules[0].backendRefs[1].name: Required value',
    ]) {
      expect(r.stderr).toContain(line)
    }
    expect((await kubectl('get', 'httproute', 'bad')).stderr).toContain(
      'httproutes.gateway.networking.k8s.io "bad" not found',
    )
  })

  test('unknown fields: refused under kubectl apply (fieldValidation=Strict), warned about under Warn, dropped', async () => {
    const text = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: typo}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: web, port: 80, wieght: 10}]
`
    const strict = await kubectl('apply', '-f', file('typo.yaml', text))
    expect(strict.code).not.toBe(0)
    expect(strict.stderr).toContain(
      'HTTPRoute in version "v1" cannot be handled as a HTTPRoute: strict decoding error: unknown field "spec.rules[0].backendRefs[0].wieght"',
    )
    const warned = await kubectl('apply', '--validate=warn', '-f', file('typo.yaml', text))
    expect(warned.code).toBe(0)
    expect(warned.stderr).toContain('unknown field "spec.rules[0].backendRefs[0].wieght"')
    const stored = parseYaml(await ok('get', 'httproute', 'typo', '-o', 'yaml'))
    expect(stored.spec.rules[0].backendRefs[0]).toEqual({
      group: '',
      kind: 'Service',
      name: 'web',
      port: 80,
      weight: 1,
    })
  })

  test('strategic merge patch is refused as for any custom resource; merge and JSON patch work', async () => {
    const r = await kubectl('patch', 'httproute', 'web', '-p', '{"spec":{"hostnames":["a.example.com"]}}')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('application/strategic-merge-patch+json is not supported')
    await ok('patch', 'httproute', 'web', '--type', 'merge', '-p', '{"spec":{"hostnames":["a.example.com"]}}')
    await ok(
      'patch',
      'httproute',
      'web',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/rules/1/backendRefs/0/weight","value":90},{"op":"replace","path":"/spec/rules/1/backendRefs/1/weight","value":10}]',
    )
    expect(
      await ok('get', 'httproute', 'web', '-o', 'jsonpath={.spec.hostnames[0]} {.spec.rules[1].backendRefs[*].weight}'),
    ).toBe('a.example.com 90 10')
  })

  test('discovery lists both kinds, Gateway with its short name and pending status', async () => {
    const resources = await ok('api-resources', '--api-group', GROUP)
    expect(resources).toMatch(/gateways\s+gtw\s+gateway\.networking\.k8s\.io\/v1\s+true\s+Gateway/)
    expect(resources).toMatch(/httproutes\s+gateway\.networking\.k8s\.io\/v1\s+true\s+HTTPRoute/)
    await ok(
      'apply',
      '-f',
      file(
        'gw.yaml',
        `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web-gw}
spec:
  gatewayClassName: alb
  listeners: [{name: http, port: 80, protocol: HTTP}]
`,
      ),
    )
    expect(await ok('get', 'gtw')).toMatch(/web-gw\s+alb\s+Unknown/)
    const gw = parseYaml(await ok('get', 'gateway', 'web-gw', '-o', 'yaml'))
    expect(gw.spec.listeners[0].allowedRoutes).toEqual({ namespaces: { from: 'Same' } })
    expect(gw.status.conditions.map((x: { type: string; reason: string }) => `${x.type}/${x.reason}`)).toEqual([
      'Accepted/Pending',
      'Programmed/Pending',
    ])
    const dup = await kubectl(
      'apply',
      '-f',
      file(
        'gw2.yaml',
        `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw2}
spec:
  gatewayClassName: alb
  listeners: [{name: http, port: 80, protocol: HTTP}, {name: http, port: 81, protocol: HTTP, tls: {mode: Terminate}}]
`,
      ),
    )
    expect(dup.stderr).toContain('Listener name must be unique within the Gateway')
    expect(dup.stderr).toContain("tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']")
  })
})

describe('HTTPRoute through client-node', () => {
  const body = (name: string, weights: [number, number]) => ({
    apiVersion: `${GROUP}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace: ns },
    spec: {
      parentRefs: [{ name: 'web-gw' }],
      rules: [
        {
          backendRefs: [
            { name: 'web', port: 80, weight: weights[0] },
            { name: 'web-canary', port: 80, weight: weights[1] },
          ],
        },
      ],
    },
  })

  /** A JSON merge patch of the route's rules (the whole list: merge patch replaces lists). */
  const setWeights = async (name: string, weights: [number, number]) =>
    (await objects.patch(
      { ...body(name, weights), spec: { rules: body(name, weights).spec.rules } },
      undefined,
      undefined,
      undefined,
      undefined,
      k8s.PatchStrategy.MergePatch,
    )) as Route

  test('create, read, merge-patch weights, 409 on a stale resourceVersion, 422 with causes', async () => {
    const created = (await objects.create(body('api', [100, 0]))) as Route
    expect(created.spec.rules[0]?.matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }])
    const patched = await setWeights('api', [80, 20])
    expect(patched.spec.rules[0]?.backendRefs.map((b: { weight: number }) => b.weight)).toEqual([80, 20])

    const stale = { ...created, spec: { ...created.spec, hostnames: ['x.example.com'] } }
    const conflict = await objects.replace(stale).catch((e: unknown) => e)
    expect(statusOf(conflict).code).toBe(409)

    const invalid = await objects.create(body('api2', [2_000_000, 0])).catch((e: unknown) => e)
    const { code, body: status } = statusOf(invalid)
    expect(code).toBe(422)
    expect(status).toMatchObject({
      reason: 'Invalid',
      details: {
        name: 'api2',
        group: GROUP,
        kind: 'HTTPRoute',
        causes: [
          {
            reason: 'FieldValueInvalid',
            field: 'spec.rules[0].backendRefs[0].weight',
            message:
              'Invalid value: 2000000: spec.rules[0].backendRefs[0].weight in body should be less than or equal to 1000000',
          },
        ],
      },
    })
  })

  test('a watch sees weight changes as MODIFIED events', async () => {
    const seen: number[][] = []
    const watch = new k8s.Watch(c.kc)
    const req = await watch.watch(
      `/apis/${GROUP}/v1/namespaces/${ns}/httproutes`,
      { fieldSelector: 'metadata.name=watched' },
      (type, obj) => {
        if (type === 'ADDED' || type === 'MODIFIED')
          seen.push(obj.spec.rules[0].backendRefs.map((b: { weight: number }) => b.weight))
      },
      () => {},
    )
    try {
      await objects.create(body('watched', [100, 0]))
      for (const w of [50, 100]) {
        await setWeights('watched', [100 - w, w])
      }
      await eventually('three events', async () => (seen.length >= 3 ? true : undefined))
      expect(seen).toEqual([
        [100, 0],
        [50, 50],
        [0, 100],
      ])
    } finally {
      req.abort()
    }
  })
})

describe('Ingress annotations', () => {
  test('ALB actions and nginx canary annotations come back verbatim (JSON, quoting, whitespace)', async () => {
    const action = JSON.stringify({
      type: 'forward',
      forwardConfig: {
        targetGroups: [
          { serviceName: 'web', servicePort: 80, weight: 90 },
          { serviceName: 'web-canary', servicePort: '80', weight: 10 },
        ],
        targetGroupStickinessConfig: { enabled: false },
      },
    })
    const annotations = {
      'alb.ingress.kubernetes.io/actions.web': `  ${action}\n`,
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '10',
      'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
      'nginx.ingress.kubernetes.io/configuration-snippet': 'more_set_headers "X-A: b";\n# "quoted" \\ and unicode ✓',
    }
    await c.networking.createNamespacedIngress({
      namespace: ns,
      body: {
        metadata: { name: 'web', annotations },
        spec: {
          ingressClassName: 'alb',
          rules: [
            {
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: 'web', port: { name: 'use-annotation' } } },
                  },
                ],
              },
            },
          ],
        },
      },
    })
    const read = await c.networking.readNamespacedIngress({ name: 'web', namespace: ns })
    expect(read.metadata?.annotations).toEqual(annotations)
    const viaKubectl = JSON.parse(await ok('get', 'ingress', 'web', '-o', 'json'))
    expect(viaKubectl.metadata.annotations).toEqual(annotations)
    // kubectl annotate --overwrite changes one key and leaves the others byte-identical.
    await ok('annotate', 'ingress', 'web', '--overwrite', 'nginx.ingress.kubernetes.io/canary-weight=50')
    const after = await c.networking.readNamespacedIngress({ name: 'web', namespace: ns })
    expect(after.metadata?.annotations).toEqual({ ...annotations, 'nginx.ingress.kubernetes.io/canary-weight': '50' })
  })
})
