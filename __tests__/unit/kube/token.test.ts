import {
  CLUSTER_ID_HEADER,
  decodeEksToken,
  eksToken,
  encodeEksToken,
  requestUrl,
  stsEndpoint,
  stsPresignRequest,
  TOKEN_PREFIX,
} from '@deploy-actions/kube'

describe('token encoding', () => {
  test.each([
    'https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15',
    'a', // one byte: base64 would pad with ==
    'ab', // two bytes: base64 would pad with =
    'https://x/?q=>>>???', // base64 would contain + and /
  ])('round-trips %p as base64url without padding', (url) => {
    const token = encodeEksToken(url)
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true)
    expect(token.slice(TOKEN_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]*$/)
    expect(decodeEksToken(token)).toBe(url)
  })
  test.each(['k8s-aws-v2.abc', 'k8s-aws-v1.ab+c', 'k8s-aws-v1.abc='])('rejects %p', (bad) => {
    expect(() => decodeEksToken(bad)).toThrow('not an EKS token')
  })
})

describe('STS endpoint and request', () => {
  test.each<[string, Record<string, string>, string]>([
    ['eu-west-1', {}, 'https://sts.eu-west-1.amazonaws.com'],
    ['cn-north-1', {}, 'https://sts.cn-north-1.amazonaws.com.cn'],
    ['us-east-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }, 'http://127.0.0.1:5000'],
    ['us-east-1', { AWS_ENDPOINT_URL: 'http://a:1', AWS_ENDPOINT_URL_STS: 'http://b:2' }, 'http://b:2'],
  ])('%s %j → %s', (region, env, expected) => {
    expect(stsEndpoint(region, env)).toBe(expected)
  })
  test('the request carries the cluster header and GetCallerIdentity', () => {
    expect(stsPresignRequest('prod', 'http://127.0.0.1:5000')).toEqual({
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 5000,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: '127.0.0.1:5000', [CLUSTER_ID_HEADER]: 'prod' },
    })
  })
  test('requestUrl encodes like a presigned URL', () => {
    expect(requestUrl({ protocol: 'https:', hostname: 'h', path: '/', query: { a: 'x y/z', b: ['1', '2'] } })).toBe(
      'https://h/?a=x%20y%2Fz&b=1&b=2',
    )
  })
})

describe('eksToken', () => {
  const credentials = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: 'session',
  }
  const now = new Date('2026-03-01T12:00:00Z')
  test('a presigned GetCallerIdentity URL with the cluster header signed, valid 60 s, deterministic', async () => {
    const a = await eksToken({ clusterName: 'prod', region: 'eu-west-1', credentials, env: {}, now })
    const b = await eksToken({ clusterName: 'prod', region: 'eu-west-1', credentials, env: {}, now })
    expect(a.token).toBe(b.token)
    expect(a.expiresAt.toISOString()).toBe('2026-03-01T12:14:00.000Z')
    const url = new URL(decodeEksToken(a.token))
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com')
    const q = url.searchParams
    expect(q.get('Action')).toBe('GetCallerIdentity')
    expect(q.get('Version')).toBe('2011-06-15')
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256')
    expect(q.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20260301/eu-west-1/sts/aws4_request')
    expect(q.get('X-Amz-Date')).toBe('20260301T120000Z')
    expect(q.get('X-Amz-Expires')).toBe('60')
    expect(q.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id')
    expect(q.get('X-Amz-Security-Token')).toBe('session')
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
  })
  test('the signature is the one botocore (aws eks get-token) computes for the same inputs', async () => {
    // Computed once with botocore's RequestSigner.generate_presigned_url at the same time and keys.
    const a = await eksToken({ clusterName: 'prod', region: 'eu-west-1', credentials, env: {}, now })
    expect(new URL(decodeEksToken(a.token)).searchParams.get('X-Amz-Signature')).toBe(
      'c6d8fd757b815ab9e72cfb916f89fc4084ca487db93b15d64093ec4d635a9bc7',
    )
  })
  test('another cluster name gives another signature', async () => {
    const a = await eksToken({ clusterName: 'prod', region: 'eu-west-1', credentials, env: {}, now })
    const b = await eksToken({ clusterName: 'staging', region: 'eu-west-1', credentials, env: {}, now })
    const sig = (t: string) => new URL(decodeEksToken(t)).searchParams.get('X-Amz-Signature')
    expect(sig(a.token)).not.toBe(sig(b.token))
  })
})
