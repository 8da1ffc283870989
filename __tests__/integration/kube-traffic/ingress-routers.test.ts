// The alb and nginx routers against the Kubernetes API simulator through client-node, each
// weight read back by the router and by kubectl: the ALB forward action's two target groups on
// the existing Ingress, the nginx canary Ingress, the header pins, and remove() restoring the
// Ingress as it was.
import { createRouter, type KubeObject, RoutingError } from '@deploy-actions/kube'
import { NS, readyEndpoints, routerSimulator, routingFor, stableAndCanary } from './helpers.ts'

const env = routerSimulator()

type Ing = KubeObject & {
  spec: {
    rules: Array<{
      host?: string
      http: { paths: Array<{ path: string; backend: { service: { name: string; port: Record<string, unknown> } } }> }
    }>
  }
}

function ingress(name: string, service: string, extraAnnotations: Record<string, string> = {}): KubeObject {
  const path = (p: string, svc: string) => ({
    path: p,
    pathType: 'Prefix',
    backend: { service: { name: svc, port: { number: 80 } } },
  })
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: NS,
      annotations: { 'alb.ingress.kubernetes.io/scheme': 'internet-facing', ...extraAnnotations },
    },
    spec: {
      ingressClassName: 'alb',
      rules: [{ host: 'shop.example.com', http: { paths: [path('/api', service), path('/static', 'static-files')] } }],
    },
  }
}

const ingressRef = (name: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name, namespace: NS })

describe('alb', () => {
  test('weights 10, 50, 100 on the forward action, read back by kubectl; remove() restores the Ingress', async () => {
    await stableAndCanary(env.objects, 'shop')
    const original = await env.objects.create<Ing>(ingress('shop', 'shop'))
    const routing = routingFor('shop', { ingress: 'shop' })
    const router = createRouter('alb', routing, env.objects)
    await router.check()
    const lines = await router.prepare()
    expect(lines.join('\n')).toMatch(/created Service shop-canary .*selecting app=shop,track=canary/)
    const svc = await env.objects.get<KubeObject & { spec: { selector: unknown; ports: unknown[] } }>({
      apiVersion: 'v1',
      kind: 'Service',
      name: 'shop-canary',
      namespace: NS,
    })
    expect(svc.spec.selector).toEqual({ app: 'shop', track: 'canary' })
    expect(svc.spec.ports).toEqual([expect.objectContaining({ name: 'http', port: 80, targetPort: 'http' })])
    await readyEndpoints(env.objects, 'shop-canary', 1)
    await readyEndpoints(env.objects, 'shop', 3)

    for (const weight of [10, 50, 100]) {
      const live = await router.setWeight(weight)
      expect(live).toMatchObject({ asked: weight, live: weight })
      expect(live.detail).toMatch(/shop: 3 ready pods, shop-canary: 1 ready pod/)
      const seen = (await env.kubectlGet('ingress', 'shop')) as Ing
      const action = JSON.parse(seen.metadata!.annotations!['alb.ingress.kubernetes.io/actions.shop']!)
      expect(action).toEqual({
        type: 'forward',
        forwardConfig: {
          targetGroups: [
            { serviceName: 'shop', servicePort: 80, weight: 100 - weight },
            { serviceName: 'shop-canary', servicePort: 80, weight },
          ],
        },
      })
      const paths = seen.spec.rules[0]!.http.paths
      expect(paths[0]!.backend.service).toEqual({ name: 'shop', port: { name: 'use-annotation' } })
      expect(paths[1]!.backend.service).toEqual({ name: 'static-files', port: { number: 80 } }) // untouched
    }

    await router.remove()
    const after = await env.objects.get<Ing>(ingressRef('shop'))
    expect(after.spec).toEqual(original.spec)
    expect(after.metadata?.annotations).toEqual(original.metadata?.annotations)
    expect(
      await env.objects.find({ apiVersion: 'v1', kind: 'Service', name: 'shop-canary', namespace: NS }),
    ).toBeUndefined()
    await router.remove() // idempotent
  })

  test('a header pin adds a path with an http-header condition before the weighted one', async () => {
    await stableAndCanary(env.objects, 'pin')
    const original = await env.objects.create<Ing>(ingress('pin', 'pin'))
    const router = createRouter(
      'alb',
      routingFor('pin', { ingress: 'pin', header: { name: 'X-Canary', value: 'always' } }),
      env.objects,
    )
    await router.prepare()
    await router.prepare() // a re-run changes nothing more
    expect(await router.setWeight(25)).toMatchObject({ live: 25 })
    const seen = (await env.kubectlGet('ingress', 'pin')) as Ing
    const paths = seen.spec.rules[0]!.http.paths
    expect(paths.map((p) => [p.path, p.backend.service.name, p.backend.service.port])).toEqual([
      ['/api', 'pin-canary', { name: 'use-annotation' }],
      ['/api', 'pin', { name: 'use-annotation' }],
      ['/static', 'static-files', { number: 80 }],
    ])
    const a = seen.metadata!.annotations!
    expect(JSON.parse(a['alb.ingress.kubernetes.io/conditions.pin-canary']!)).toEqual([
      { field: 'http-header', httpHeaderConfig: { httpHeaderName: 'X-Canary', values: ['always'] } },
    ])
    expect(JSON.parse(a['alb.ingress.kubernetes.io/actions.pin-canary']!).forwardConfig.targetGroups).toEqual([
      { serviceName: 'pin-canary', servicePort: 80, weight: 100 },
    ])
    await router.remove()
    const after = await env.objects.get<Ing>(ingressRef('pin'))
    expect(after.spec).toEqual(original.spec)
    expect(after.metadata?.annotations).toEqual(original.metadata?.annotations)
  })

  test('check() names a missing Ingress or one without a path to the stable Service, before any write', async () => {
    await expect(createRouter('alb', routingFor('nothing', { ingress: 'nope' }), env.objects).check()).rejects.toThrow(
      new RoutingError('Ingress default/nope not found'),
    )
    await env.objects.create(ingress('other', 'someone-else'))
    await expect(createRouter('alb', routingFor('shop', { ingress: 'other' }), env.objects).prepare()).rejects.toThrow(
      /Ingress default\/other has no path whose backend is Service shop/,
    )
    expect(
      await env.objects.find({ apiVersion: 'v1', kind: 'Service', name: 'shop-canary', namespace: NS }),
    ).toBeUndefined()
  })
})

test('a stable Service that also selects the canary pods is refused before any write', async () => {
  await stableAndCanary(env.objects, 'overlap')
  await env.objects.create(ingress('overlap', 'overlap'))
  const routing = routingFor('overlap', { ingress: 'overlap', canaryPodLabels: { app: 'overlap', track: 'stable' } })
  for (const kind of ['alb', 'nginx'] as const) {
    await expect(createRouter(kind, routing, env.objects).prepare()).rejects.toThrow(
      'Service overlap selects app=overlap,track=stable, which the canary pods (app=overlap,track=stable) carry too',
    )
  }
  expect(
    await env.objects.find({ apiVersion: 'v1', kind: 'Service', name: 'overlap-canary', namespace: NS }),
  ).toBeUndefined()
  expect(await env.objects.find(ingressRef('overlap-canary'))).toBeUndefined()
})

describe('nginx (legacy)', () => {
  test('a canary Ingress with canary-weight 10, 50, 100 and a header; remove() weights 0, then deletes it', async () => {
    await stableAndCanary(env.objects, 'legacy')
    const original = await env.objects.create<Ing>(ingress('legacy', 'legacy'))
    const router = createRouter(
      'nginx',
      routingFor('legacy', { ingress: 'legacy', header: { name: 'X-Canary', value: 'always' } }),
      env.objects,
    )
    const lines = await router.prepare()
    expect(lines.join('\n')).toMatch(/created Ingress default\/legacy-canary .*legacy router: ingress-nginx is retired/)
    for (const weight of [10, 50, 100]) {
      expect(await router.setWeight(weight)).toMatchObject({ asked: weight, live: weight })
      const seen = (await env.kubectlGet('ingress', 'legacy-canary')) as Ing
      expect(seen.metadata?.annotations).toMatchObject({
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': String(weight),
        'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
        'nginx.ingress.kubernetes.io/canary-by-header-value': 'always',
      })
      expect(seen.spec.rules).toEqual([
        {
          host: 'shop.example.com',
          http: {
            paths: [
              {
                path: '/api',
                pathType: 'Prefix',
                backend: { service: { name: 'legacy-canary', port: { number: 80 } } },
              },
            ],
          },
        },
      ])
    }
    await router.remove()
    expect(await env.objects.find(ingressRef('legacy-canary'))).toBeUndefined()
    expect(
      await env.objects.find({ apiVersion: 'v1', kind: 'Service', name: 'legacy-canary', namespace: NS }),
    ).toBeUndefined()
    const stable = await env.objects.get<Ing>(ingressRef('legacy'))
    expect(stable.spec).toEqual(original.spec)
    expect(stable.metadata?.resourceVersion).toBe(original.metadata?.resourceVersion) // never written
  })

  test('refuses a canary Ingress or Service of the same name that is not ours', async () => {
    await stableAndCanary(env.objects, 'taken')
    await env.objects.create(ingress('taken', 'taken'))
    await env.objects.create({ ...ingress('taken-canary', 'taken'), metadata: { name: 'taken-canary', namespace: NS } })
    await expect(
      createRouter('nginx', routingFor('taken', { ingress: 'taken' }), env.objects).prepare(),
    ).rejects.toThrow(/Ingress default\/taken-canary exists and was not created by deploy-actions/)
  })
})
