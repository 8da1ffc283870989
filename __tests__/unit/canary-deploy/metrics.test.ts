import { ConfigurationError } from '@deploy-actions/kit'
import { parseMetrics, substitute } from '../../../actions/canary-deploy/src/metrics.ts'

const ISSUE_EXAMPLE = `- name: error-rate
  provider: prometheus
  query: sum(rate(http_requests_total{version="canary",code=~"5.."}[1m])) / sum(rate(http_requests_total{version="canary"}[1m]))
  max: 0.01
  failure-limit: 1
  on-no-data: fail
- name: p99-latency
  provider: cloudwatch
  namespace: WebShop
  metric: Latency
  dimensions: {Service: backend, Track: canary}
  stat: p99
  max: 400
- name: checkout
  provider: http
  url: https://shop.example.com/api/checkout/health
  expect: {status: 200, json: {"$.status": UP}}
`

describe('parseMetrics', () => {
  it('reads the issue example', () => {
    const checks = parseMetrics(ISSUE_EXAMPLE)
    expect(checks.map((c) => [c.name, c.provider, c.line])).toEqual([
      ['error-rate', 'prometheus', 1],
      ['p99-latency', 'cloudwatch', 7],
      ['checkout', 'http', 14],
    ])
    expect(checks[0]).toMatchObject({ threshold: { max: 0.01 }, failureLimit: 1, onNoData: 'fail', minSamples: 1 })
    expect(checks[1]).toMatchObject({ dimensions: { Service: 'backend', Track: 'canary' }, stat: 'p99', periodS: 60 })
    expect(checks[2]).toMatchObject({
      pinCanary: true,
      request: { url: 'https://shop.example.com/api/checkout/health' },
    })
  })

  it('reads compare mode', () => {
    const [c] = parseMetrics(
      '- name: e\n  provider: prometheus\n  query: x{d="{{canary}}"}\n  compare: canary <= stable * 1.1 + 0.01\n',
    )
    expect(c!.threshold.compare).toEqual({ op: '<=', factor: 1.1, offset: 0.01, text: 'canary <= stable * 1.1 + 0.01' })
  })

  const bad: Array<[string, string, RegExp]> = [
    ['not YAML', '- name: a\n  query: "unterminated\n', /line \d+: not valid YAML/],
    ['not a list', 'name: a\n', /is not a list/],
    ['no name', '- provider: http\n  url: http://x\n', /line 1: name is required/],
    [
      'unknown key',
      '- name: a\n  provider: prometheus\n  query: up\n  max: 1\n  maximum: 2\n',
      /unknown key "maximum"/,
    ],
    ['no threshold', '- name: a\n  provider: prometheus\n  query: up\n', /a threshold is required/],
    ['no query', '- name: a\n  provider: prometheus\n  max: 1\n', /query \(PromQL\) is required/],
    [
      'bad compare',
      '- name: a\n  provider: prometheus\n  query: up\n  compare: canary < 2\n',
      /canary <= stable \* 1.1/,
    ],
    [
      'bad on-no-data',
      '- name: a\n  provider: prometheus\n  query: up\n  max: 1\n  on-no-data: ignore\n',
      /fail, pass, inconclusive/,
    ],
    ['bad min-samples', '- name: a\n  provider: prometheus\n  query: up\n  max: 1\n  min-samples: 0\n', /at least 1/],
    ['bad max', '- name: a\n  provider: prometheus\n  query: up\n  max: lots\n', /max: expected a number/],
    [
      'second check line',
      '- name: a\n  provider: http\n  url: http://x\n- name: b\n  provider: nope\n',
      /line 4: .*provider/,
    ],
    [
      'duplicate names',
      '- name: a\n  provider: http\n  url: http://x\n- name: a\n  provider: http\n  url: http://y\n',
      /line 4: a second check named "a"/,
    ],
    [
      'bad stat',
      '- name: a\n  provider: cloudwatch\n  namespace: N\n  metric: M\n  stat: median\n  max: 1\n',
      /stat: expected/,
    ],
    ['http without url', '- name: a\n  provider: http\n', /url is required/],
  ]
  it.each(bad)('refuses %s with its line', (_, text, message) => {
    expect(() => parseMetrics(text)).toThrow(ConfigurationError)
    expect(() => parseMetrics(text)).toThrow(message)
  })

  it('substitutes the selectors', () => {
    expect(
      substitute('a{d="{{canary}}"} / b{d="{{ stable }}",ns="{{namespace}}"}', {
        canary: 'web-canary',
        stable: 'web',
        namespace: 'shop',
      }),
    ).toBe('a{d="web-canary"} / b{d="web",ns="shop"}')
  })
})
