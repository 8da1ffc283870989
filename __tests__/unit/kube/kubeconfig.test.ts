import { ConfigurationError, DeployError } from '@deploy-actions/kit'
import {
  chooseKubeconfigSource,
  eksClusterInfo,
  eksKubeConfigOptions,
  eksKubeconfigYaml,
  IN_CLUSTER_TOKEN_PATH,
  kubeconfigContent,
  parseKubeAccess,
} from '@deploy-actions/kube'
import { parse } from 'yaml'

const YAML = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: 'http://127.0.0.1:6443' }
users:
- name: u
  user: { token: secret-token }
contexts:
- name: x
  context: { cluster: c, user: u }
current-context: x`

describe('chooseKubeconfigSource', () => {
  const files =
    (...present: string[]) =>
    (p: string) =>
      present.includes(p)
  test.each<[string, Parameters<typeof chooseKubeconfigSource>[0], unknown]>([
    [
      'input content first',
      { input: YAML, env: { KUBECONFIG: '/a' }, homeDir: '/h', exists: files('/a') },
      { kind: 'content', content: YAML },
    ],
    [
      'input as base64',
      { input: Buffer.from(YAML).toString('base64'), env: {}, homeDir: '/h', exists: files() },
      { kind: 'content', content: YAML },
    ],
    [
      'KUBECONFIG list, missing files ignored, order kept',
      {
        input: '',
        env: { KUBECONFIG: '/a::/missing:/b' },
        homeDir: '/h',
        exists: files('/a', '/b', '/h/.kube/config'),
      },
      { kind: 'files', paths: ['/a', '/b'], from: 'KUBECONFIG' },
    ],
    [
      '~/.kube/config',
      { input: '', env: {}, homeDir: '/h/', exists: files('/h/.kube/config') },
      { kind: 'files', paths: ['/h/.kube/config'], from: '~/.kube/config' },
    ],
    [
      'in-cluster service account',
      {
        input: '',
        env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
        homeDir: '/h',
        exists: files(IN_CLUSTER_TOKEN_PATH),
      },
      { kind: 'in-cluster' },
    ],
  ])('%s', (_n, ctx, expected) => {
    expect(chooseKubeconfigSource(ctx)).toEqual(expected)
  })

  test.each<[string, Parameters<typeof chooseKubeconfigSource>[0], string]>([
    ['nothing at all', { input: '', env: {}, homeDir: '/h', exists: () => false }, 'none found'],
    [
      'KUBECONFIG naming only missing files',
      { input: '', env: { KUBECONFIG: '/x:/y' }, homeDir: '/h', exists: () => false },
      'none of "/x:/y" exists',
    ],
    [
      'service env without the token file',
      {
        input: '',
        env: { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1' },
        homeDir: undefined,
        exists: () => false,
      },
      'none found',
    ],
  ])('%s → ConfigurationError', (_n, ctx, fragment) => {
    expect(() => chooseKubeconfigSource(ctx)).toThrow(ConfigurationError)
    expect(() => chooseKubeconfigSource(ctx)).toThrow(fragment)
  })
})

describe('kubeconfigContent', () => {
  test.each(['not: [a kubeconfig', 'just text', 'clusters: []\ncontexts: []', 'aGVsbG8gd29ybGQ='])(
    'rejects %p without echoing it',
    (bad) => {
      try {
        kubeconfigContent(bad)
        throw new Error('accepted')
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError)
        expect((error as Error).message).toContain('kubeconfig:')
        expect((error as Error).message).not.toContain(bad)
      }
    },
  )
})

describe('EKS kubeconfig', () => {
  const described = {
    name: 'prod',
    arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
    endpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
    status: 'ACTIVE',
    certificateAuthority: { data: 'LS0tLS1CRUdJTg==' },
  }
  test('from DescribeCluster', () => {
    const info = eksClusterInfo('prod', described)
    expect(info).toEqual({ name: 'prod', arn: described.arn, endpoint: described.endpoint, caData: 'LS0tLS1CRUdJTg==' })
    const options = eksKubeConfigOptions(info)
    expect(options.clusters[0]).toMatchObject({
      server: described.endpoint,
      caData: 'LS0tLS1CRUdJTg==',
      skipTLSVerify: false,
    })
    expect(options.users[0]?.authProvider.name).toBe('deploy-actions-eks')
    expect(options.currentContext).toBe(described.arn)
    const file = parse(eksKubeconfigYaml(info, 'k8s-aws-v1.abc'))
    expect(file.clusters[0].cluster).toEqual({
      server: described.endpoint,
      'certificate-authority-data': 'LS0tLS1CRUdJTg==',
    })
    expect(file.users[0].user).toEqual({ token: 'k8s-aws-v1.abc' })
    expect(file['current-context']).toBe(described.arn)
  })
  test.each<[string, object, string]>([
    ['creating', { ...described, status: 'CREATING' }, 'cluster prod is CREATING, not ACTIVE'],
    ['no endpoint', { ...described, endpoint: undefined }, 'cluster prod has no API endpoint yet'],
  ])('%s → DeployError', (_n, cluster, message) => {
    expect(() => eksClusterInfo('prod', cluster)).toThrow(DeployError)
    expect(() => eksClusterInfo('prod', cluster)).toThrow(message)
  })
})

describe('parseKubeAccess', () => {
  test.each<[string, string, unknown]>([
    ['', 'prod-cluster_1', { kind: 'eks', cluster: 'prod-cluster_1' }],
    [YAML, '', { kind: 'kubeconfig', content: YAML }],
    ['', '', { kind: 'kubeconfig', content: undefined }],
  ])('%#', (kubeconfig, eks, expected) => {
    expect(parseKubeAccess(kubeconfig, eks)).toEqual(expected)
  })
  test.each<[string, string, string]>([
    [YAML, 'prod', 'eks-cluster: either eks-cluster or kubeconfig, not both'],
    ['', 'bad name!', 'eks-cluster: expected an EKS cluster name'],
    ['', '-lead', 'eks-cluster: expected an EKS cluster name'],
    ['not yaml', '', 'kubeconfig: kubeconfig YAML content'],
  ])('%# → ConfigurationError', (kubeconfig, eks, message) => {
    expect(() => parseKubeAccess(kubeconfig, eks)).toThrow(message)
  })
})
