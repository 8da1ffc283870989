// The tunnel and Secrets Manager inputs of flyway-migrate, and the pure parts behind them: the
// proxy pod's manifest, tunnel-pod and tunnel-pod-spec parsing, the secret's two formats and
// what is masked of them. Tables of good and bad values.

import { ConfigurationError } from '@deploy-actions/kit'
import {
  DEFAULT_TUNNEL_IMAGE,
  parsePodSpecOverrides,
  parseTunnelPod,
  proxyPodManifest,
  proxyPodName,
  runIdentity,
} from '@deploy-actions/kube'
import { simulatorKubeconfig } from '@deploy-actions/testbed'
import { fillConnection, parseSecretValue, secretMaskParts } from '../../../actions/flyway-migrate/src/credentials.ts'
import { parseInputs } from '../../../actions/flyway-migrate/src/inputs.ts'
import { explainTunnelFailure } from '../../../actions/flyway-migrate/src/reach.ts'
import { parseReachInputs } from '../../../actions/flyway-migrate/src/reach-inputs.ts'

const get = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const noFiles = () => false

interface Manifest {
  metadata: { name: string; labels: unknown; annotations: unknown }
  spec: Record<string, unknown> & { containers: unknown[] }
}

describe('parseReachInputs', () => {
  test('direct by default: no tunnel, no secret', () => {
    expect(parseReachInputs(get({}), {}, noFiles)).toEqual({ via: 'direct' })
  })

  test('kubernetes with a kubeconfig: a proxy pod with the default image', () => {
    const r = parseReachInputs(
      get({ via: 'kubernetes', kubeconfig: simulatorKubeconfig('http://127.0.0.1:1') }),
      {},
      noFiles,
    )
    expect(r.tunnel).toMatchObject({
      kind: 'proxy-pod',
      namespace: undefined,
      image: DEFAULT_TUNNEL_IMAGE,
      access: { kind: 'kubeconfig' },
    })
  })

  test('kubernetes with eks-cluster and a region; with KUBECONFIG naming an existing file', () => {
    expect(
      parseReachInputs(get({ via: 'kubernetes', 'eks-cluster': 'shop-prod' }), { AWS_REGION: 'eu-west-1' }, noFiles)
        .tunnel?.access,
    ).toEqual({ kind: 'eks', cluster: 'shop-prod' })
    expect(
      parseReachInputs(get({ via: 'kubernetes' }), { KUBECONFIG: '/k/config' }, (p) => p === '/k/config').tunnel
        ?.access,
    ).toEqual({
      kind: 'kubeconfig',
      content: undefined,
    })
  })

  test('tunnel-pod: an existing pod', () => {
    const r = parseReachInputs(
      get({ via: 'kubernetes', 'tunnel-pod': 'db-access/pg-bastion:5432', 'eks-cluster': 'shop' }),
      { AWS_REGION: 'eu-west-1' },
      noFiles,
    )
    expect(r.tunnel).toMatchObject({
      kind: 'existing-pod',
      pod: { namespace: 'db-access', pod: 'pg-bastion', port: 5432 },
    })
  })

  test('password-secret-id: region from the input, the ARN, or AWS_REGION', () => {
    expect(
      parseReachInputs(get({ 'password-secret-id': 'prod/database/password' }), { AWS_REGION: 'eu-west-1' }).secret,
    ).toEqual({ id: 'prod/database/password', region: 'eu-west-1' })
    const arn = 'arn:aws:secretsmanager:us-east-2:123456789012:secret:prod/db-AbCdEf'
    expect(parseReachInputs(get({ 'password-secret-id': arn }), { AWS_REGION: 'eu-west-1' }).secret?.region).toBe(
      'us-east-2',
    )
    expect(
      parseReachInputs(get({ 'password-secret-id': 'x/y', 'secret-region': 'ap-south-1' }), {}).secret?.region,
    ).toBe('ap-south-1')
  })

  test.each([
    [{ via: 'ssh' }, 'via'],
    [{ via: 'kubernetes' }, 'kubeconfig'], // no kubeconfig source at all
    [{ via: 'kubernetes', 'eks-cluster': 'shop' }, 'eks-cluster'], // no region
    [{ via: 'kubernetes', 'eks-cluster': 'shop', kubeconfig: simulatorKubeconfig('http://x:1') }, 'eks-cluster'],
    [{ via: 'kubernetes', kubeconfig: 'not a kubeconfig' }, 'kubeconfig'],
    [
      { via: 'kubernetes', kubeconfig: simulatorKubeconfig('http://x:1'), 'tunnel-pod': 'pg-bastion:5432' },
      'tunnel-pod',
    ],
    [{ via: 'kubernetes', kubeconfig: simulatorKubeconfig('http://x:1'), 'tunnel-pod': 'ns/pod' }, 'tunnel-pod'],
    [{ via: 'kubernetes', kubeconfig: simulatorKubeconfig('http://x:1'), 'tunnel-pod': 'ns/pod:0' }, 'tunnel-pod'],
    [{ via: 'kubernetes', kubeconfig: simulatorKubeconfig('http://x:1'), 'tunnel-pod': 'NS/pod:5432' }, 'tunnel-pod'],
    [
      {
        via: 'kubernetes',
        kubeconfig: simulatorKubeconfig('http://x:1'),
        'tunnel-pod': 'ns/pod:5432',
        'tunnel-namespace': 'other',
      },
      'tunnel-namespace',
    ],
    [
      { via: 'kubernetes', kubeconfig: simulatorKubeconfig('http://x:1'), 'tunnel-namespace': 'Bad_NS' },
      'tunnel-namespace',
    ],
    [
      { via: 'kubernetes', kubeconfig: simulatorKubeconfig('http://x:1'), 'tunnel-image': 'https://hub/socat' },
      'tunnel-image',
    ],
    [
      { via: 'kubernetes', kubeconfig: simulatorKubeconfig('http://x:1'), 'tunnel-pod-spec': 'hostNetwork: true' },
      'tunnel-pod-spec',
    ],
    [
      {
        via: 'kubernetes',
        kubeconfig: simulatorKubeconfig('http://x:1'),
        'tunnel-pod-spec': 'container: {command: [sh]}',
      },
      'tunnel-pod-spec',
    ],
    [
      { via: 'kubernetes', kubeconfig: simulatorKubeconfig('http://x:1'), 'tunnel-pod-spec': '[1, 2]' },
      'tunnel-pod-spec',
    ],
    [{ 'tunnel-pod': 'ns/pod:5432' }, 'via'],
    [{ kubeconfig: simulatorKubeconfig('http://x:1') }, 'via'],
    [{ 'password-secret-id': 'has spaces' }, 'password-secret-id'],
    [{ 'password-secret-id': 'prod/db' }, 'secret-region'], // no region anywhere
    [{ 'secret-region': 'eu-west-1' }, 'secret-region'],
  ])('%j is refused naming %s', (values, input) => {
    let error: unknown
    try {
      parseReachInputs(get(values), {}, noFiles)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).input).toBe(input)
  })
})

describe('parseInputs with password-secret-id', () => {
  test('the url may be left out when the secret names the database', () => {
    const inputs = parseInputs(get({ 'password-secret-id': 'prod/db' }), { AWS_REGION: 'eu-west-1' })
    expect(inputs.connection.host).toBe('')
    expect(inputs.reach.secret).toEqual({ id: 'prod/db', region: 'eu-west-1' })
  })
  test('without it the url is still required', () => {
    expect(() => parseInputs(get({}), {})).toThrow(/url/)
  })
})

describe('credentials from a secret', () => {
  test.each([
    ['s3cret-Pa55', { password: 's3cret-Pa55' }],
    [
      '{"username":"app","password":"p@ss","engine":"postgres","host":"db.x","port":5432,"dbname":"shop"}',
      { username: 'app', password: 'p@ss', engine: 'postgres', host: 'db.x', port: 5432, dbname: 'shop' },
    ],
    ['{"password":"only"}', { password: 'only' }],
    ['{not json', { password: '{not json' }],
    ['{"username":"app","password":"p","port":"6432"}', { username: 'app', password: 'p', port: 6432 }],
  ])('%s', (text, parsed) => {
    expect(parseSecretValue(text)).toEqual(parsed)
  })

  test('masked: the whole value, password and username in every quoted form; not host or engine', () => {
    const text = '{"username":"app_user","password":"a\\"b/c d","engine":"postgres","host":"db.internal"}'
    const parts = secretMaskParts(text, parseSecretValue(text))
    expect(parts).toEqual(expect.arrayContaining([text, 'a"b/c d', 'a\\"b/c d', 'a%22b%2Fc%20d', 'app_user']))
    expect(parts).not.toContain('postgres')
    expect(parts).not.toContain('db.internal')
  })

  test('fills only what the inputs left empty; a non-PostgreSQL engine is refused', () => {
    const secret = parseSecretValue('{"username":"u","password":"p","host":"h","port":6432,"dbname":"d"}')
    const given = { host: 'given', port: 5432, database: 'app', user: 'me', sslmode: 'require' as const }
    expect(fillConnection(given, secret, { password: false, user: true, url: true })).toEqual({
      ...given,
      password: 'p',
    })
    const empty = { host: '', port: 5432, database: '', sslmode: 'prefer' as const }
    expect(fillConnection(empty, secret, { password: false, user: false, url: false })).toEqual({
      ...empty,
      host: 'h',
      port: 6432,
      database: 'd',
      user: 'u',
      password: 'p',
    })
    expect(() => fillConnection(empty, { password: 'p' }, { password: false, user: false, url: false })).toThrow(/url/)
    expect(() =>
      fillConnection(given, { password: 'p', engine: 'mysql' }, { password: false, user: true, url: true }),
    ).toThrow(/engine postgres/)
  })
})

describe('proxy pod', () => {
  test('manifest: socat args, owner and run labels, annotations, overrides that cannot touch the container command', () => {
    const run = runIdentity({
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_WORKFLOW: 'release',
      GITHUB_JOB: 'database',
    })
    expect(run).toEqual({
      runId: '42-2',
      runUrl: 'https://github.com/acme/shop/actions/runs/42',
      workflow: 'acme/shop: release (job database)',
    })
    const overrides = parsePodSpecOverrides(
      'nodeSelector: {pool: system}\nserviceAccountName: db-tunnel\ncontainer:\n  securityContext: {runAsNonRoot: true}\nlabels: {team: data}\n',
    )
    const m = proxyPodManifest({
      namespace: 'db-access',
      owner: 'flyway-migrate',
      image: DEFAULT_TUNNEL_IMAGE,
      target: { host: 'shop.abc.eu-west-1.rds.amazonaws.com', port: 5432 },
      run,
      overrides,
      suffix: 'a1b2c3',
      now: new Date('2026-01-01T00:00:00Z'),
    }) as unknown as Manifest
    expect(m.metadata.name).toBe('flyway-migrate-tunnel-a1b2c3')
    expect(m.metadata.labels).toEqual({
      team: 'data',
      'app.kubernetes.io/name': 'db-tunnel',
      'app.kubernetes.io/managed-by': 'deploy-actions',
      'deploy-actions.dev/tunnel-owner': 'flyway-migrate',
      'deploy-actions.dev/run-id': '42-2',
    })
    expect(m.metadata.annotations).toMatchObject({
      'deploy-actions.dev/tunnel-target': 'shop.abc.eu-west-1.rds.amazonaws.com:5432',
      'deploy-actions.dev/run-url': run.runUrl,
      'deploy-actions.dev/workflow': run.workflow,
    })
    expect(m.spec).toMatchObject({
      nodeSelector: { pool: 'system' },
      serviceAccountName: 'db-tunnel',
      restartPolicy: 'Always',
      activeDeadlineSeconds: 3600,
    })
    expect(m.spec.containers[0]).toMatchObject({
      image: 'alpine/socat:1.8.0.0',
      args: ['TCP-LISTEN:5432,fork,reuseaddr', 'TCP:shop.abc.eu-west-1.rds.amazonaws.com:5432'],
      securityContext: { runAsNonRoot: true },
      readinessProbe: { tcpSocket: { port: 5432 } },
    })
  })

  test('names stay valid DNS labels', () => {
    expect(proxyPodName('Flyway_Migrate', 'ff00ff')).toBe('flyway-migrate-tunnel-ff00ff')
    expect(proxyPodName('x'.repeat(80), 'ff00ff').length).toBeLessThanOrEqual(63)
  })

  test.each([
    ['db-access/pg-bastion:5432', { namespace: 'db-access', pod: 'pg-bastion', port: 5432 }],
    [' default/bastion-0.x:6432 ', { namespace: 'default', pod: 'bastion-0.x', port: 6432 }],
  ])('tunnel-pod %s', (text, pod) => {
    expect(parseTunnelPod(text)).toEqual(pod)
  })
})

describe('explainTunnelFailure', () => {
  const via = 'pod db-access/flyway-migrate-tunnel-abc123:5432'
  const applied = [
    {
      version: '3',
      description: 'x',
      script: 'V3__x.sql',
      file: 'db/migration/V3__x.sql',
      executionTimeMs: 1,
      transactional: true,
    },
  ]
  test('never connected: names the target and what to check', () => {
    const e = explainTunnelFailure(new Error('Connection terminated unexpectedly'), [], via, 'db.internal:5432', {
      applied: [],
    })
    expect(e?.message).toMatch(/^could not reach db\.internal:5432 through pod db-access\/.*NetworkPolicies/)
    expect(e?.leftState).toBe('nothing changed (never connected)')
  })
  test('dropped with a migration in flight: names it, says a re-run applies it', () => {
    const e = explainTunnelFailure(new Error('Connection terminated unexpectedly'), [], via, 'db:5432', {
      applied,
      database: 'app on 127.0.0.1:4000',
      failure: { file: 'db/migration/V4__slow.sql', message: 'Connection terminated unexpectedly' },
    })
    expect(e?.message).toMatch(/dropped while V4__slow\.sql was in flight/)
    expect(e?.leftState).toMatch(
      /^V4__slow\.sql not applied .*1 migration\(s\) applied before it \(up to V3__x\.sql\); a re-run applies it/,
    )
  })
  test("a SQL error is not the tunnel's", () => {
    const sqlError = Object.assign(new Error('relation "nowhere" does not exist'), { sqlState: '42P01' })
    expect(explainTunnelFailure(sqlError, [], via, 'db:5432', { applied, database: 'app' })).toBeUndefined()
  })
})
