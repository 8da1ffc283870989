// The rehearsal's expression rules, as the runner applies them: an `if:` without a status
// function is ANDed with success(), `${{ }}` parts become strings, a whole `${{ }}` condition is
// the same as its bare expression.
import { condition, mappingValue, template } from '../../../packages/testbed/src/workflow-expressions.ts'

const contexts = {
  inputs: { 'smoke-urls': '', frontends: 'out b', retain: 3, dry: false },
  needs: { preflight: { result: 'success', outputs: { frontends: '[{"source":"out"}]', version: 'v2.1.0' } } },
  steps: { smoke: { outputs: { report: '/tmp/r.json' }, outcome: 'failure', conclusion: 'failure' } },
  matrix: { frontend: { source: 'out', 'distribution-id': '' } },
}
const ok = { failed: false, cancelled: false }
const failed = { failed: true, cancelled: false }

test.each([
  [undefined, ok, true],
  ['', failed, false],
  ["inputs.smoke-urls != ''", ok, false],
  ["inputs.smoke-urls != '' || inputs.frontends != ''", ok, true],
  ["inputs.frontends != ''", failed, false],
  ["always() && steps.smoke.outputs.report != ''", failed, true],
  ["${{ !cancelled() && !failure() && needs.preflight.outputs.frontends != '[]' }}", ok, true],
  ["${{ !cancelled() && !failure() && needs.preflight.outputs.frontends != '[]' }}", failed, false],
  ['inputs.dry', ok, false],
  ["steps.smoke.outcome == 'failure'", ok, true],
] as const)('if: %s (%o) → %s', (text, status, expected) => {
  expect(condition(text, contexts, status)).toBe(expected)
})

test.each([
  ['${{ inputs.retain }}', '3'],
  ['${{ inputs.dry }}', 'false'],
  ['${{ inputs.smoke-urls || needs.preflight.outputs.version }}', 'v2.1.0'],
  ['s3://${{ matrix.frontend.source }}/x', 's3://out/x'],
  ['${{ matrix.frontend.distribution-id }}', ''],
  ['${{ fromJSON(needs.preflight.outputs.frontends)[0].source }}', 'out'],
  ['${{ inputs.missing }}', ''],
] as const)('%s → %j', (text, expected) => {
  expect(template(text, contexts, ok)).toBe(expected)
})

test('non-string mapping values are passed as the runner passes them', () => {
  expect(mappingValue(5, contexts, ok)).toBe('5')
  expect(mappingValue(true, contexts, ok)).toBe('true')
  expect(mappingValue(null, contexts, ok)).toBe('')
})
