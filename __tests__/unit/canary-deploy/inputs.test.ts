import { ConfigurationError, recordInputGetter } from '@deploy-actions/kit'
import { parseInputs } from '../../../actions/canary-deploy/src/inputs.ts'

const base = { deployment: 'web', image: 'registry.example.com/web:1.2.0' }
const parse = (extra: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  parseInputs(recordInputGetter({ ...base, ...extra }), env, {
    cwd: '/repo',
    readFile: (p) => {
      if (p === '/repo/checks.yml') return '- name: up\n  provider: http\n  url: http://127.0.0.1:1/health\n'
      throw Object.assign(new Error('no'), { code: 'ENOENT' })
    },
  })

describe('parseInputs: defaults', () => {
  it('fills the documented defaults', () => {
    const i = parse({})
    expect(i).toMatchObject({
      action: 'deploy',
      namespace: 'default',
      deployment: 'web',
      router: 'replicas',
      steps: [10, 50, 100],
      stepDurationMs: 300_000,
      analysisIntervalMs: 30_000,
      maxRestarts: 0,
      metrics: [],
      bakeMs: 0,
      rolloutTimeoutMs: 600_000,
    })
  })
  it('reads a metrics file relative to the workspace', () => {
    expect(parse({ metrics: 'checks.yml' }).metrics.map((m) => m.name)).toEqual(['up'])
  })
  it('collects the secrets to mask: secret header values of http checks, URL passwords', () => {
    const metrics =
      '- name: a\n  provider: http\n  url: https://u:pa%40ss@shop.example.com/h\n  headers: {Authorization: Bearer t0k3n, Accept: json}\n'
    expect(parse({ metrics, 'prometheus-url': 'https://p:promsecret@prom:9090' }).secrets.sort()).toEqual([
      'Bearer t0k3n',
      'pa%40ss',
      'pa@ss',
      'promsecret',
    ])
  })
  it('promote/abort/status need no image', () => {
    for (const action of ['promote', 'abort', 'status']) {
      expect(parseInputs(recordInputGetter({ deployment: 'web', action }), {}).action).toBe(action)
    }
  })
})

describe('parseInputs: bad input fails naming the input', () => {
  const cases: Array<[string, Record<string, string>, string, RegExp]> = [
    ['steps not increasing', { steps: '10,50,30' }, 'steps', /30 follows 50/],
    ['steps above 100', { steps: '10,150' }, 'steps', /1 to 100/],
    ['steps of zero', { steps: '0,50' }, 'steps', /1 to 100/],
    ['steps not numbers', { steps: 'ten' }, 'steps', /like 10,50,100/],
    ['no deployment', { deployment: '' }, 'deployment', /required/],
    ['bad deployment name', { deployment: 'Web_App' }, 'deployment', /object name/],
    ['bad namespace', { namespace: 'Prod!' }, 'namespace', /namespace name/],
    ['deploy without image', { image: '' }, 'image', /required for action: deploy/],
    ['bad image', { image: 'web app:1' }, 'image', /image reference/],
    ['unknown action', { action: 'rollout' }, 'action', /deploy, promote, abort, status/],
    ['unknown router', { 'traffic-router': 'istio' }, 'traffic-router', /replicas, gateway-api, alb, nginx/],
    ['gateway-api without http-route', { 'traffic-router': 'gateway-api' }, 'http-route', /HTTPRoute/],
    ['alb without ingress', { 'traffic-router': 'alb' }, 'ingress', /Ingress/],
    ['nginx without ingress', { 'traffic-router': 'nginx' }, 'ingress', /Ingress/],
    ['bad canary header', { 'canary-header': 'X-Canary' }, 'canary-header', /Name: value/],
    ['bad step duration', { 'step-duration': '5 minutes' }, 'step-duration', /duration/],
    ['zero interval', { 'analysis-interval': '0' }, 'analysis-interval', /duration/],
    ['negative restarts', { 'max-restarts': '-1' }, 'max-restarts', /whole number/],
    ['bad bake', { bake: 'soon' }, 'bake', /0 for none/],
    [
      'metrics YAML that does not parse',
      { metrics: '- name: a\n  provider: [prometheus\n' },
      'metrics',
      /line \d+: not valid YAML/,
    ],
    [
      'unknown provider',
      { metrics: '- name: a\n  provider: datadog\n  max: 1\n' },
      'metrics',
      /line 1: .*provider: expected one of prometheus, cloudwatch, http, got "datadog"/,
    ],
    [
      'prometheus without url',
      { metrics: '- name: a\n  provider: prometheus\n  query: up\n  max: 1\n' },
      'prometheus-url',
      /line 1/,
    ],
    ['metrics file missing', { metrics: 'nope.yaml' }, 'metrics', /does not exist/],
    [
      'cloudwatch without a region',
      { metrics: '- name: a\n  provider: cloudwatch\n  namespace: N\n  metric: M\n  max: 1\n' },
      'metrics',
      /AWS_REGION/,
    ],
    [
      'kubeconfig and eks-cluster',
      { kubeconfig: 'apiVersion: v1\nkind: Config\nclusters: []', 'eks-cluster': 'prod' },
      'eks-cluster',
      /not both/,
    ],
    ['bad prometheus url', { 'prometheus-url': 'prometheus:9090' }, 'prometheus-url', /http/],
  ]
  it.each(cases)('%s', (_, extra, input, message) => {
    let error: unknown
    try {
      parse(extra)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).input).toBe(input)
    expect((error as Error).message).toMatch(message)
  })
})
