// The plan's direct S3 reads: Signature Version 4 checked against the SDK's own signer
// (@smithy/signature-v4, as the S3 client configures it), the ListObjectsV2 page parser, and
// where the direct reads decline (so the SDK asks instead).
import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import {
  bucketEndpoint,
  decodeXml,
  directReads,
  environmentCredentials,
  parseListPage,
  uriEncode,
  v4Signer,
} from '../../../actions/frontend-sync/src/s3-direct.ts'

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const now = new Date('2026-03-04T05:06:07.890Z')

async function sdkAuthorization(
  host: string,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = credentials,
): Promise<string> {
  // The S3 client signs paths as sent (no second encoding) and keeps them unnormalized.
  const signer = new SignatureV4({
    credentials: creds,
    region: 'eu-west-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  })
  const signed = await signer.sign(
    { method: 'GET', protocol: 'https:', hostname: host, path, query, headers: { ...headers } },
    { signingDate: now },
  )
  return signed.headers.authorization!
}

test.each([
  [
    'a listing with a prefix and a continuation token',
    '/',
    {
      'list-type': '2',
      'max-keys': '1000',
      prefix: 'site/v 1/',
      'continuation-token': '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
    },
  ],
  ['a key with characters that need encoding', `/${uriEncode("site/a b+c&d=é(1)*!'~.json", true)}`, {}],
  ['a path-style request', '/www-example/', { 'list-type': '2', 'max-keys': '10' }],
])('v4Signer signs %s as the SDK does', async (_, path, query) => {
  const host = 'www-example.s3.eu-west-1.amazonaws.com'
  const ours = await v4Signer(
    credentials,
    'eu-west-1',
    's3',
  )({ method: 'GET', host, path, query: Object.entries(query), now })
  const { authorization, ...headers } = ours
  expect(authorization).toBe(await sdkAuthorization(host, path, query, headers))
  expect(headers['x-amz-date']).toBe('20260304T050607Z')
})

test('v4Signer signs the session token of temporary credentials', async () => {
  const temporary = { ...credentials, sessionToken: 'FwoGZXIvYXdzE//token+with/slashes=' }
  const host = '127.0.0.1:4566'
  const ours = await v4Signer(temporary, 'eu-west-1', 's3')({ method: 'GET', host, path: '/b/k', query: [], now })
  const { authorization, ...headers } = ours
  expect(headers['x-amz-security-token']).toBe(temporary.sessionToken)
  expect(authorization).toContain('SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,')
  expect(authorization).toBe(await sdkAuthorization(host, '/b/k', {}, headers, temporary))
})

test('parseListPage reads keys (entities decoded), sizes, ETags and the continuation', () => {
  const page = parseListPage(
    '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Name>b</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>' +
      '<Contents><Key>a &amp; b &lt;c&gt; &#13;&#x1F600;.html</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>' +
      '<ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>' +
      '<Contents><ETag>"abc-2"</ETag><Size>16777216</Size><Key>big.bin</Key></Contents>' +
      '<NextContinuationToken>tok/en+=</NextContinuationToken></ListBucketResult>',
  )
  expect(page).toEqual({
    objects: [
      { key: 'a & b <c> \r😀.html', size: 1, etag: '"0cc175b9c0f1b6a831c399e269772661"' },
      { key: 'big.bin', size: 16777216, etag: '"abc-2"' },
    ],
    next: 'tok/en+=',
  })
  expect(parseListPage('<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>')).toEqual({
    objects: [],
  })
})

test('parseListPage refuses what it cannot be sure of (the SDK then asks)', () => {
  expect(parseListPage('<Error><Code>AccessDenied</Code></Error>')).toBeUndefined()
  // Truncated without a token, an object without a size: not a page to trust.
  expect(parseListPage('<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>')).toBeUndefined()
  expect(parseListPage('<ListBucketResult><Contents><Key>a</Key></Contents></ListBucketResult>')).toBeUndefined()
})

test('decodeXml and uriEncode', () => {
  expect(decodeXml('&amp;lt; &apos;&quot; &#65;&#x42;')).toBe(`&lt; '" AB`)
  expect(uriEncode("a/b c!*'()~._-")).toBe('a%2Fb%20c%21%2A%27%28%29~._-')
  expect(uriEncode('a/b c', true)).toBe('a/b%20c')
})

const env = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' }
const noFiles = () => false

test('static credentials from the environment, unless AWS_PROFILE picks a profile first', () => {
  expect(environmentCredentials(env)).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'secret' })
  expect(environmentCredentials({ ...env, AWS_SESSION_TOKEN: 't' })?.sessionToken).toBe('t')
  expect(environmentCredentials({ ...env, AWS_PROFILE: 'ci' })).toBeUndefined()
  expect(environmentCredentials({ AWS_ACCESS_KEY_ID: 'AKID' })).toBeUndefined()
})

test('bucketEndpoint: custom endpoints path-style, AWS virtual-hosted, the rest declined', () => {
  const at = (region: string, bucket: string, e: NodeJS.ProcessEnv = {}) => {
    const r = bucketEndpoint(region, bucket, e)
    return r && `${r.origin.origin}${r.base}`
  }
  expect(at('eu-west-1', 'www-example')).toBe('https://www-example.s3.eu-west-1.amazonaws.com/')
  expect(at('us-east-1', 'site', { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })).toBe('http://127.0.0.1:5000/site/')
  expect(at('us-east-1', 'site', { AWS_ENDPOINT_URL: 'http://a:1', AWS_ENDPOINT_URL_S3: 'http://s3:2' })).toBe(
    'http://s3:2/site/',
  )
  // Dots, directory buckets, other partitions, FIPS, dual-stack, endpoints with a path: the SDK's rules.
  expect(at('eu-west-1', 'www.example.com')).toBeUndefined()
  expect(at('eu-west-1', 'site--euw1-az1--x-s3')).toBeUndefined()
  expect(at('cn-north-1', 'site')).toBeUndefined()
  expect(at('us-gov-west-1', 'site')).toBeUndefined()
  expect(at('eu-west-1', 'site', { AWS_USE_FIPS_ENDPOINT: 'true' })).toBeUndefined()
  expect(at('eu-west-1', 'site', { AWS_USE_DUALSTACK_ENDPOINT: 'true' })).toBeUndefined()
  expect(at('eu-west-1', 'site', { AWS_ENDPOINT_URL: 'http://proxy/s3' })).toBeUndefined()
  expect(
    at('eu-west-1', 'site', { AWS_ENDPOINT_URL: 'http://a:1', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
  ).toBeUndefined()
})

test('directReads declines without environment credentials or with a shared config file', () => {
  expect(directReads('eu-west-1', env, noFiles)).toBeDefined()
  expect(directReads('eu-west-1', {}, noFiles)).toBeUndefined()
  expect(directReads('eu-west-1', env, () => true)).toBeUndefined()
  expect(directReads('eu-west-1', { ...env, HOME: '/nonexistent-home' })).toBeDefined()
})
