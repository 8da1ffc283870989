import { ConfigurationError, recordInputGetter } from '@deploy-actions/kit'
import { thrownBy } from '@deploy-actions/testbed'
import { parseInputs } from '../../../actions/rds-snapshot/src/inputs.ts'

const env = { AWS_REGION: 'eu-west-1', GITHUB_REF: 'refs/tags/v2.1.0', GITHUB_SHA: 'abc1234def' }
const parse = (inputs: Record<string, string>, extraEnv: Record<string, string> = {}) =>
  parseInputs(recordInputGetter(inputs), { ...env, ...extraEnv })

test('defaults: create, wait, 60m, keep all', () => {
  const i = parse({ 'db-instance-identifier': 'webshop-prod' })
  expect(i).toMatchObject({
    mode: 'create',
    db: { kind: 'instance', id: 'webshop-prod' },
    snapshotId: undefined,
    version: 'v2.1.0',
    commit: 'abc1234def',
    wait: true,
    timeoutMs: 3_600_000,
    retain: 0,
    dryRun: false,
    region: 'eu-west-1',
    pollIntervalMs: undefined,
    progressEveryMs: 20_000,
  })
})

test.each([
  [{ 'db-cluster-identifier': 'shop-aurora' }, { db: { kind: 'cluster', id: 'shop-aurora' } }],
  [
    { 'db-instance-identifier': 'db1', mode: 'prune', retain: '2', 'dry-run': 'true' },
    { mode: 'prune', retain: 2, dryRun: true },
  ],
  [
    {
      'db-instance-identifier': 'db1',
      mode: 'restore',
      'target-identifier': 'db1-restored',
      'snapshot-identifier': 'db1-pre-v1',
    },
    { mode: 'restore', targetId: 'db1-restored', snapshotId: 'db1-pre-v1' },
  ],
  [
    { 'db-instance-identifier': 'db1', tags: 'team=shop\ncost-center=42' },
    { tags: { team: 'shop', 'cost-center': '42' } },
  ],
  [
    { 'db-instance-identifier': 'db1', timeout: '3s', wait: 'false' },
    { timeoutMs: 3000, wait: false },
  ],
  [{ 'db-instance-identifier': 'db1', 'aws-region': 'us-east-2' }, { region: 'us-east-2' }],
  [
    { mode: 'restore', 'snapshot-identifier': 'webshop-prod-pre-v2', 'target-identifier': 'webshop-dr' },
    { mode: 'restore', db: undefined, snapshotId: 'webshop-prod-pre-v2', targetId: 'webshop-dr' },
  ],
])('%j parses', (inputs, expected) => {
  expect(parse(inputs)).toMatchObject(expected)
})

test('poll and progress intervals come from the environment', () => {
  const i = parse(
    { 'db-instance-identifier': 'db1' },
    { DEPLOY_ACTIONS_POLL_INTERVAL_MS: '100', DEPLOY_ACTIONS_PROGRESS_INTERVAL_MS: '500' },
  )
  expect(i).toMatchObject({ pollIntervalMs: 100, progressEveryMs: 500 })
  expect(() => parse({ 'db-instance-identifier': 'db1' }, { DEPLOY_ACTIONS_POLL_INTERVAL_MS: 'fast' })).toThrow(
    'DEPLOY_ACTIONS_POLL_INTERVAL_MS',
  )
})

test.each([
  [{}, 'db-instance-identifier', 'exactly one'],
  [{ 'db-instance-identifier': 'a', 'db-cluster-identifier': 'b' }, 'db-instance-identifier', 'not both'],
  [
    { 'db-instance-identifier': 'a', 'snapshot-identifier': 'pre--v1' },
    'snapshot-identifier',
    'two consecutive hyphens',
  ],
  [{ 'db-instance-identifier': 'a', 'snapshot-identifier': '1-pre' }, 'snapshot-identifier', 'start with a letter'],
  [{ 'db-instance-identifier': 'a', 'snapshot-identifier': 'my_snap' }, 'snapshot-identifier', 'only letters'],
  [{ 'db-instance-identifier': 'a', 'snapshot-identifier': 'snap-' }, 'snapshot-identifier', 'trailing hyphen'],
  [{ 'db-cluster-identifier': 'a', 'snapshot-identifier': `s${'x'.repeat(63)}` }, 'snapshot-identifier', 'at most 63'],
  [{ 'db-instance-identifier': 'a', retain: '-1' }, 'retain', 'at least 0'],
  [{ 'db-instance-identifier': 'a', retain: 'two' }, 'retain', 'whole number'],
  [{ 'db-instance-identifier': 'a', mode: 'prune' }, 'retain', 'at least 1 in prune mode'],
  [{ 'db-instance-identifier': 'a', timeout: 'soon' }, 'timeout', 'a duration'],
  [{ 'db-instance-identifier': 'a', timeout: '0s' }, 'timeout', 'positive'],
  [{ 'db-instance-identifier': 'a', mode: 'delete' }, 'mode', 'one of create, restore, prune'],
  [{ 'db-instance-identifier': 'a', mode: 'restore' }, 'target-identifier', 'required in restore mode'],
  [{ mode: 'restore', 'target-identifier': 'b' }, 'snapshot-identifier', 'required in restore mode when neither'],
  [{ mode: 'prune', retain: '1' }, 'db-instance-identifier', 'exactly one'],
  [{ 'db-instance-identifier': 'a', mode: 'restore', 'target-identifier': 'a' }, 'target-identifier', 'not the source'],
  [{ 'db-instance-identifier': 'a', 'target-identifier': 'b' }, 'target-identifier', 'unless mode is restore'],
  [{ 'db-instance-identifier': 'a', 'dry-run': 'true' }, 'dry-run', 'unless mode is prune'],
  [{ 'db-instance-identifier': 'a', 'dry-run': 'maybe' }, 'dry-run', 'true or false'],
  [{ 'db-instance-identifier': 'a', wait: 'maybe' }, 'wait', 'true or false'],
  [{ 'db-instance-identifier': 'a', tags: 'novalue' }, 'tags', 'KEY=VALUE'],
  [{ 'db-instance-identifier': 'a', tags: 'aws:owner=me' }, 'tags', 'no aws: prefix'],
  [{ 'db-instance-identifier': 'a', tags: 'deploy-actions:managed=false' }, 'tags', 'reserved'],
  [{ 'db-instance-identifier': 'web_shop' }, 'db-instance-identifier', 'RDS identifier'],
  [{ 'db-cluster-identifier': '9shop' }, 'db-cluster-identifier', 'RDS identifier'],
  [{ 'db-instance-identifier': 'a', 'aws-region': 'mars' }, 'aws-region', 'region'],
])('%j is rejected naming %s', (inputs, input, text) => {
  const error = thrownBy(() => parse(inputs))
  expect(error).toBeInstanceOf(ConfigurationError)
  expect((error as ConfigurationError).input).toBe(input)
  expect((error as Error).message).toContain(text)
})
