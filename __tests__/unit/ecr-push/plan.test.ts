import { editDistance } from '@deploy-actions/kit'
import {
  buildArguments,
  decodeAuthorizationToken,
  defaultLabels,
  formatCounts,
  isRepositoryName,
  isTag,
  isTransientPushError,
  manifestMediaType,
  manifestSize,
  nearbyTags,
  registryBaseUrl,
  registryHost,
  scanGate,
  tagFromVersion,
} from '../../../actions/ecr-push/src/plan.ts'
import { renderSummary as summaryMarkdown } from '../../../actions/ecr-push/src/report.ts'

describe('names', () => {
  test.each([
    ['shop', true],
    ['shop/backend', true],
    ['team.a/shop_backend-1', true],
    ['a', false],
    ['Shop', false],
    ['shop//backend', false],
    ['shop/', false],
    ['-shop', false],
    ['shop backend', false],
    ['x'.repeat(257), false],
  ])('repository %s → %s', (name, ok) => expect(isRepositoryName(name)).toBe(ok))

  test.each([
    ['v2.1.0', true],
    ['v2.1.0-prod', true],
    ['latest', true],
    ['_x', true],
    ['v2.1.0 beta', false],
    ['.hidden', false],
    ['-x', false],
    ['a/b', false],
    ['', false],
    ['x'.repeat(129), false],
  ])('tag %s → %s', (tag, ok) => expect(isTag(tag)).toBe(ok))

  test.each([
    ['v2.1.0', 'v2.1.0'],
    ['release/1.2', 'release-1.2'],
    ['abc1234', 'abc1234'],
    ['.x', 'x'],
    ['///', 'latest'],
  ])('tag from version %s → %s', (v, t) => expect(tagFromVersion(v)).toBe(t))
})

describe('registry', () => {
  test.each([
    ['https://123456789012.dkr.ecr.eu-west-1.amazonaws.com', '123456789012.dkr.ecr.eu-west-1.amazonaws.com'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['http://127.0.0.1:5000/', '127.0.0.1:5000'],
  ])('host of %s', (e, h) => expect(registryHost(e)).toBe(h))

  test.each([
    ['127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['localhost:5000', 'http://localhost:5000'],
    ['[::1]:5000', 'http://[::1]:5000'],
    ['123.dkr.ecr.eu-west-1.amazonaws.com', 'https://123.dkr.ecr.eu-west-1.amazonaws.com'],
  ])('base URL of %s', (h, u) => expect(registryBaseUrl(h)).toBe(u))

  test('decodes the ECR token', () => {
    const token = Buffer.from('AWS:secret:with:colons').toString('base64')
    expect(decodeAuthorizationToken(token)).toEqual({ username: 'AWS', password: 'secret:with:colons' })
    expect(() => decodeAuthorizationToken(Buffer.from('nocolon').toString('base64'))).toThrow(/not "user:password"/)
  })

  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { size: 100 },
    layers: [{ size: 1000 }, { size: 24 }],
  })
  test('media type and size from a manifest', () => {
    expect(manifestMediaType(manifest)).toBe('application/vnd.oci.image.manifest.v1+json')
    expect(manifestMediaType('{"schemaVersion":2}', 'x/y')).toBe('x/y')
    expect(manifestMediaType('not json')).toBeUndefined()
    expect(manifestSize(manifest)).toBe(1124)
    expect(manifestSize('{"manifests":[]}')).toBeUndefined()
  })
})

describe('build', () => {
  test('default OCI labels from the runner environment', () => {
    const labels = defaultLabels({
      version: 'v2.1.0',
      now: new Date('2026-01-02T03:04:05Z'),
      source: 'https://github.com/acme/shop',
      revision: 'abc',
    })
    expect(labels).toEqual({
      'org.opencontainers.image.source': 'https://github.com/acme/shop',
      'org.opencontainers.image.revision': 'abc',
      'org.opencontainers.image.version': 'v2.1.0',
      'org.opencontainers.image.created': '2026-01-02T03:04:05.000Z',
    })
    expect(Object.keys(defaultLabels({ version: 'x', now: new Date(0) }))).toEqual([
      'org.opencontainers.image.version',
      'org.opencontainers.image.created',
    ])
  })

  test('build secrets are named by id, their values only in the environment', () => {
    const args = buildArguments({ context: '/w', buildArgs: {}, secretIds: ['NPM_TOKEN'], labels: {}, refs: ['r/a:1'] })
    expect(args).toEqual(['build', '--secret', 'id=NPM_TOKEN,env=ECR_PUSH_BUILD_SECRET_0', '--tag', 'r/a:1', '/w'])
  })

  test('docker build arguments', () => {
    expect(
      buildArguments({
        context: '/w/app',
        dockerfile: '/w/app/Dockerfile',
        buildArgs: { A: '1', B: 'x=y' },
        labels: { l: 'v' },
        target: 'runtime',
        platform: 'linux/amd64',
        refs: ['r/app:1', 'r/app:latest'],
      }),
    ).toEqual([
      'build',
      '--file',
      '/w/app/Dockerfile',
      '--build-arg',
      'A=1',
      '--build-arg',
      'B=x=y',
      '--label',
      'l=v',
      '--target',
      'runtime',
      '--platform',
      'linux/amd64',
      '--tag',
      'r/app:1',
      '--tag',
      'r/app:latest',
      '/w/app',
    ])
  })

  test.each([
    ['Get "https://x/v2/": net/http: TLS handshake timeout', true],
    ['read tcp 1.2.3.4: connection reset by peer', true],
    ['received unexpected HTTP status: 503 Service Unavailable', true],
    ['toomanyrequests: Rate exceeded', true],
    ['unexpected EOF', true],
    ['received unexpected HTTP status: 500 Internal Server Error', true],
    ['Put "http://r/v2/app/manifests/v1": read: connection reset by peer', true],
    ['denied: Your authorization token has expired', false],
    ['name unknown: The repository with name x does not exist', false],
    ['tag invalid: The image tag already exists and cannot be overwritten because the repository is immutable', false],
    ['no basic auth credentials', false],
  ])('push error %s → transient %s', (text, transient) => expect(isTransientPushError(text)).toBe(transient))
})

describe('scan gate', () => {
  const counts = { CRITICAL: 0, HIGH: 2, MEDIUM: 3, INFORMATIONAL: 1 }
  test.each([
    ['CRITICAL', false, 0],
    ['HIGH', true, 2],
    ['MEDIUM', true, 5],
    ['LOW', true, 5],
    ['INFORMATIONAL', true, 6],
    ['NONE', false, 0],
  ] as const)('threshold %s → failed %s, blocking %s', (threshold, failed, blocking) => {
    expect(scanGate(counts, threshold)).toEqual({ failed, blocking, total: 6 })
  })

  test('counts formatted worst first, unknown severities last', () => {
    expect(formatCounts({ HIGH: 1, UNDEFINED: 2 })).toBe(
      'CRITICAL 0, HIGH 1, MEDIUM 0, LOW 0, INFORMATIONAL 0, UNDEFINED 2',
    )
  })
})

describe('nearby tags', () => {
  test('edit distance (kit, which nearbyTags uses)', () => {
    expect(editDistance('v2.1.0', 'v2.1.1')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('kitten', 'sitting')).toBe(3)
  })
  test('shared prefix first, then distance', () => {
    const tags = ['latest', 'v1.0.0', 'v2.0.0', 'v2.1.0', 'v2.1.0-prod', 'v2.1.2', 'abc1234']
    expect(nearbyTags('v2.1.1', tags, 3)).toEqual(['v2.1.0', 'v2.1.2', 'v2.1.0-prod'])
    expect(nearbyTags('x', [])).toEqual([])
  })
})

describe('summary', () => {
  test('image, tags, digest, size and scan counts', () => {
    const md = summaryMarkdown({
      mode: 'build',
      registry: 'r.example',
      repository: 'shop/api',
      tags: ['v1', 'latest'],
      tagResults: { v1: 'pushed', latest: 'pushed' },
      digest: 'sha256:abc',
      sizeBytes: 3 * 1024 * 1024,
      scan: {
        status: 'COMPLETE',
        counts: { HIGH: 1 },
        threshold: 'HIGH',
        gate: { failed: true, blocking: 1, total: 1 },
      },
    })
    expect(md).toContain('| Image | r.example/shop/api:v1 |')
    expect(md).toContain('| Tags | v1 (pushed), latest (pushed) |')
    expect(md).toContain('| Digest | sha256:abc |')
    expect(md).toContain('| Size | 3.0 MiB |')
    expect(md).toContain('| Scan | COMPLETE: CRITICAL 0, HIGH 1, MEDIUM 0, LOW 0, INFORMATIONAL 0 (FAILED at HIGH) |')
  })
  test('a failed run before the digest says unknown', () => {
    const md = summaryMarkdown({
      mode: 'promote',
      registry: 'r',
      repository: 'a',
      tags: ['p'],
      tagResults: {},
      source: 'a:v1',
    })
    expect(md).toContain('| Digest | unknown |')
    expect(md).toContain('| Tags | p (not pushed) |')
    expect(md).toContain('| Promoted from | a:v1 |')
  })
})
