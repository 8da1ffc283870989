import { judge, type Measurement, StepAnalysis } from '../../../actions/canary-deploy/src/analysis.ts'
import { parseMetrics } from '../../../actions/canary-deploy/src/metrics.ts'

const check = (extra: string) => parseMetrics(`- name: c\n  provider: prometheus\n  query: q\n${extra}`)[0]!

describe('judge', () => {
  const cases: Array<[string, string, Measurement, string, RegExp]> = [
    ['under max', '  max: 0.01\n', { value: 0.002 }, 'pass', /0.002 within ≤ 0.01/],
    ['over max', '  max: 0.01\n', { value: 0.2 }, 'fail', /0.2 > max 0.01/],
    ['under min', '  min: 5\n', { value: 4 }, 'fail', /4 < min 5/],
    ['no data fails by default', '  max: 1\n', {}, 'fail', /no data/],
    ['NaN is no data', '  max: 1\n', { value: Number.NaN }, 'fail', /no data \(NaN\)/],
    [
      'no data can pass, said so',
      '  max: 1\n  on-no-data: pass\n',
      { noData: 'empty result' },
      'pass',
      /on-no-data: pass/,
    ],
    ['no data can be inconclusive', '  max: 1\n  on-no-data: inconclusive\n', {}, 'inconclusive', /inconclusive/],
    [
      'an error fails even with on-no-data: pass',
      '  max: 1\n  on-no-data: pass\n',
      { error: 'HTTP 503' },
      'fail',
      /error: HTTP 503/,
    ],
    [
      'compare within',
      '  compare: canary <= stable * 1.1 + 0.01\n',
      { value: 0.05, stableValue: 0.04 },
      'pass',
      /within/,
    ],
    [
      'compare beyond',
      '  compare: canary <= stable * 1.1 + 0.01\n',
      { value: 0.2, stableValue: 0.04 },
      'fail',
      /not canary <= stable \* 1.1 \+ 0.01 \(limit 0.054\)/,
    ],
    ['compare without stable data', '  compare: canary <= stable\n', { value: 0.2 }, 'fail', /no data for stable/],
    [
      'compare at zero stable',
      '  compare: canary <= stable * 1.1 + 0.01\n',
      { value: 0.005, stableValue: 0 },
      'pass',
      /within/,
    ],
  ]
  it.each(cases)('%s', (_, extra, m, verdict, reason) => {
    const j = judge(check(extra), m)
    expect(j.verdict).toBe(verdict)
    expect(j.reason).toMatch(reason)
  })
})

describe('StepAnalysis', () => {
  it('aborts once consecutive failures exceed failure-limit', () => {
    const c = check('  max: 1\n  failure-limit: 1\n')
    const a = new StepAnalysis([c])
    expect(a.record(judge(c, { value: 2 }))).toBeUndefined()
    expect(a.record(judge(c, { value: 0.5 }))).toBeUndefined() // a pass resets the count
    expect(a.record(judge(c, { value: 2 }))).toBeUndefined()
    expect(a.record(judge(c, { value: 3 }))).toMatch(/3 > max 1 \(2 failures in a row, failure-limit 1\)/)
  })
  it('aborts on the first failure by default', () => {
    const c = check('  max: 1\n')
    expect(new StepAnalysis([c]).record(judge(c, { value: 2, query: 'q' }))).toMatch(/check c: 2 > max 1; query: q/)
  })
  it('needs min-samples measurements with data', () => {
    const c = check('  max: 1\n  min-samples: 2\n  on-no-data: inconclusive\n')
    const a = new StepAnalysis([c])
    a.record(judge(c, { value: 0.5 }))
    a.record(judge(c, {}))
    expect(a.finish()).toEqual({
      outcome: 'inconclusive',
      reason: expect.stringMatching(/1 of 2 required measurements had data/),
    })
    a.record(judge(c, { value: 0.1 }))
    expect(a.finish()).toEqual({ outcome: 'pass' })
  })
  it('a step whose every measurement errored is not a pass', () => {
    const c = check('  max: 1\n  failure-limit: 10\n')
    const a = new StepAnalysis([c])
    for (let i = 0; i < 3; i++) a.record(judge(c, { error: 'connection refused' }))
    expect(a.finish()).toMatchObject({ outcome: 'fail' })
  })
})
