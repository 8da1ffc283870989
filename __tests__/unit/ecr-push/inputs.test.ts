import { ConfigurationError, recordInputGetter } from '@deploy-actions/kit'
import { thrownBy } from '@deploy-actions/testbed'
import { type FileSystemView, parseInputs } from '../../../actions/ecr-push/src/inputs.ts'

const fs: FileSystemView = {
  isDirectory: (p) => ['/w', '/w/app', '/w/empty'].includes(p),
  isFile: (p) => ['/w/Dockerfile', '/w/app/Dockerfile', '/w/docker/prod.Dockerfile'].includes(p),
}
const env = { GITHUB_WORKSPACE: '/w', GITHUB_REF: 'refs/tags/v2.1.0', AWS_REGION: 'eu-west-1' }
const parse = (inputs: Record<string, string>, e: NodeJS.ProcessEnv = env) =>
  parseInputs(recordInputGetter(inputs), e, fs)

describe('ecr-push inputs', () => {
  test('defaults: build mode, tag from the version, context ., Dockerfile in it', () => {
    expect(parse({ repository: 'shop/api' })).toEqual({
      mode: 'build',
      repository: 'shop/api',
      tags: ['v2.1.0'],
      version: 'v2.1.0',
      context: '/w',
      dockerfile: '/w/Dockerfile',
      buildArgs: {},
      secretBuildArgs: {},
      labels: {},
      createRepository: false,
      scan: false,
      failOnSeverity: 'CRITICAL',
      region: 'eu-west-1',
    })
  })

  test('a branch build is tagged with the short SHA', () => {
    expect(
      parse({ repository: 'shop/api' }, { ...env, GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'abcdef0123456' }).tags,
    ).toEqual(['abcdef0'])
  })

  test('everything set', () => {
    const inputs = parse({
      repository: 'shop/api',
      tags: 'v2.1.0\nlatest, v2.1.0',
      context: 'app',
      dockerfile: 'docker/prod.Dockerfile',
      'build-args': 'A=1\nB = x=y',
      target: 'runtime',
      platform: 'linux/arm64/v8',
      labels: 'team=payments',
      'create-repository': 'true',
      scan: 'yes',
      'fail-on-severity': 'medium',
      registry: 'https://127.0.0.1:5000/',
      'aws-region': 'us-west-2',
    })
    expect(inputs).toMatchObject({
      tags: ['v2.1.0', 'latest'],
      context: '/w/app',
      dockerfile: '/w/docker/prod.Dockerfile',
      buildArgs: { A: '1', B: 'x=y' },
      target: 'runtime',
      platform: 'linux/arm64/v8',
      labels: { team: 'payments' },
      createRepository: true,
      scan: true,
      failOnSeverity: 'MEDIUM',
      registry: '127.0.0.1:5000',
      region: 'us-west-2',
    })
  })

  test('promotion and image modes need no build context', () => {
    const promote = parse({ repository: 'shop/api', 'promote-from': 'v2.1.0', tags: 'v2.1.0-prod', context: 'missing' })
    expect(promote).toMatchObject({ mode: 'promote', promoteFrom: 'v2.1.0', tags: ['v2.1.0-prod'] })
    expect(parse({ repository: 'shop/api', image: 'app:dev', context: 'missing' })).toMatchObject({
      mode: 'image',
      image: 'app:dev',
    })
  })

  const bad: Array<[string, Record<string, string>, string, RegExp]> = [
    ['no repository', {}, 'repository', /./],
    ['invalid repository', { repository: 'Shop/API' }, 'repository', /got "Shop\/API"/],
    ['invalid tag', { repository: 'shop/api', tags: 'v2.1.0 beta' }, 'tags', /got "v2.1.0 beta"/],
    ['missing context', { repository: 'shop/api', context: 'nope' }, 'context', /existing directory, got "nope"/],
    [
      'missing Dockerfile',
      { repository: 'shop/api', context: 'app', dockerfile: 'Dockerfile.x' },
      'dockerfile',
      /got "Dockerfile.x"/,
    ],
    [
      'missing default Dockerfile',
      { repository: 'shop/api', context: 'empty' },
      'dockerfile',
      /got "\/w\/empty\/Dockerfile"/,
    ],
    ['build-args without =', { repository: 'shop/api', 'build-args': 'A=1\nNOPE' }, 'build-args', /got "NOPE"/],
    ['labels without =', { repository: 'shop/api', labels: 'x' }, 'labels', /./],
    [
      'unknown severity',
      { repository: 'shop/api', 'fail-on-severity': 'SEVERE' },
      'fail-on-severity',
      /one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, NONE/,
    ],
    ['bad scan flag', { repository: 'shop/api', scan: 'maybe' }, 'scan', /./],
    ['bad platform', { repository: 'shop/api', platform: 'amd64' }, 'platform', /./],
    ['bad target', { repository: 'shop/api', target: 'a b' }, 'target', /./],
    ['bad registry', { repository: 'shop/api', registry: 'a b' }, 'registry', /./],
    ['bad promote-from', { repository: 'shop/api', 'promote-from': 'v1 x', tags: 'p' }, 'promote-from', /./],
    ['promote onto itself', { repository: 'shop/api', 'promote-from': 'v1', tags: 'v1' }, 'tags', /./],
    [
      'image and promote-from',
      { repository: 'shop/api', 'promote-from': 'v1', image: 'a:b', tags: 'p' },
      'promote-from',
      /./,
    ],
    ['bad image', { repository: 'shop/api', image: 'a b' }, 'image', /./],
    ['bad region', { repository: 'shop/api', 'aws-region': 'Europe' }, 'aws-region', /./],
  ]
  test.each(bad)('%s → names %s', (_n, inputs, input, message) => {
    const error = thrownBy(() => parse(inputs))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).input).toBe(input)
    expect((error as Error).message.startsWith(`${input}: `)).toBe(true)
    expect((error as Error).message).toMatch(message)
  })

  test('secret-build-args: ids checked, a malformed line reported by number without its text', () => {
    expect(
      parse({ repository: 'shop/api', 'secret-build-args': 'NPM_TOKEN=s3cr=t\n# note\nsentry.dsn=x' }).secretBuildArgs,
    ).toEqual({
      NPM_TOKEN: 's3cr=t',
      'sentry.dsn': 'x',
    })
    const error = () => parse({ repository: 'shop/api', 'secret-build-args': 'A=1\nhunter2-no-equals' })
    expect(error).toThrow('secret-build-args: KEY=VALUE lines (line 2 is not one; its text is not shown)')
    expect(() => parse({ repository: 'shop/api', 'secret-build-args': '1BAD=x' })).toThrow(
      'secret-build-args: expected',
    )
  })
})
