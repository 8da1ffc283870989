// The plan phase's two S3 reads (the ListObjectsV2 pages and the state object's GET) without the
// S3 client: signed by the SDK's own Signature V4 signer, sent over node:http(s). Loading and
// setting up the S3 client is most of what a sync with nothing to upload would otherwise spend
// before its first request, so such a sync never loads it. These reads answer only where they ask exactly what the SDK would:
// - static credentials in the environment and no AWS_PROFILE (the SDK's default chain then takes
//   them first: credential-provider-node's defaultProvider, fromEnv);
// - no shared config or credentials file (either could set a profile's endpoint, FIPS,
//   dual-stack or addressing style), no AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT;
// - a custom endpoint (AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL; path-style as our SDK client),
//   or a commercial-partition region and a bucket name that is a plain host label (virtual-hosted
//   `<bucket>.s3.<region>.amazonaws.com`, as the SDK's S3 endpoint rules give).
// Anything else is declined (`undefined`), and any answer but 200 (or the state object's 404
// NoSuchKey) throws, so the caller asks the SDK instead, which retries and names errors as always.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { RemoteObject } from './diff.ts'

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface DirectReads {
  /** Every object under `prefix`, `pageSize` a page (ListObjectsV2). */
  list(bucket: string, prefix: string, pageSize: number): Promise<RemoteObject[]>
  /** A small object's text; `undefined` for NoSuchKey. */
  getText(bucket: string, key: string): Promise<string | undefined>
}

/** A read the caller should hand to the SDK (an unexpected status or body). */
export class DirectReadError extends Error {
  override name = 'DirectReadError'
}

const EMPTY_SHA256 = createHash('sha256').digest('hex')
const COMMERCIAL_REGION = /^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d{1,2}$/
// A bucket name that is one DNS label; `--` marks directory buckets, Object Lambda and other
// special names, which the SDK's endpoint rules route elsewhere.
const HOST_LABEL_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/
const TIMEOUT_MS = 30_000

const truthy = (v: string | undefined) => v !== undefined && v !== '' && v.toLowerCase() !== 'false'

/** The static credentials the SDK's default chain would take first, if any. */
export function environmentCredentials(env: NodeJS.ProcessEnv): Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  if (!accessKeyId || !secretAccessKey || env.AWS_PROFILE) return undefined
  return env.AWS_SESSION_TOKEN
    ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN }
    : { accessKeyId, secretAccessKey }
}

/** Where a bucket's requests go: the origin and the path every key's path starts with. */
export function bucketEndpoint(
  region: string,
  bucket: string,
  env: NodeJS.ProcessEnv,
): { origin: URL; base: string } | undefined {
  if (truthy(env.AWS_USE_FIPS_ENDPOINT) || truthy(env.AWS_USE_DUALSTACK_ENDPOINT)) return undefined
  if (truthy(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)) return undefined
  const custom = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL
  if (custom) {
    let origin: URL
    try {
      origin = new URL(custom)
    } catch {
      return undefined
    }
    const plain = origin.pathname === '/' && !origin.search && !origin.username && !origin.password
    if (!plain || !/^https?:$/.test(origin.protocol) || bucket.includes('/') || !bucket) return undefined
    return { origin, base: `/${uriEncode(bucket)}/` }
  }
  if (!COMMERCIAL_REGION.test(region) || !HOST_LABEL_BUCKET.test(bucket) || bucket.includes('--')) return undefined
  if (bucket.endsWith('-s3alias')) return undefined
  return { origin: new URL(`https://${bucket}.s3.${region}.amazonaws.com`), base: '/' }
}

/** Direct reads for `region`, or `undefined` where only the SDK can be sure to ask the same. */
export function directReads(
  region: string,
  env: NodeJS.ProcessEnv = process.env,
  sharedFiles: () => boolean = () => sharedConfigExists(env),
): DirectReads | undefined {
  const credentials = environmentCredentials(env)
  if (!credentials || sharedFiles()) return undefined
  const endpointOf = (bucket: string) => {
    const e = bucketEndpoint(region, bucket, env)
    if (!e) throw new DirectReadError(`no direct endpoint for bucket "${bucket}"`)
    return e
  }
  const sign = v4Signer(credentials, region, 's3')
  const get = async (bucket: string, path: string, query: Array<[string, string]>) => {
    const { origin, base } = endpointOf(bucket)
    const headers = await sign({ method: 'GET', host: origin.host, path: base + path, query, now: new Date() })
    return httpGet(origin, base + path, query, headers)
  }
  return {
    async list(bucket, prefix, pageSize) {
      const out: RemoteObject[] = []
      let token: string | undefined
      do {
        const query: Array<[string, string]> = [
          ['list-type', '2'],
          ['max-keys', String(pageSize)],
        ]
        if (prefix) query.push(['prefix', prefix])
        if (token) query.push(['continuation-token', token])
        const r = await get(bucket, '', query)
        if (r.status !== 200) throw new DirectReadError(`ListObjectsV2 answered ${r.status}`)
        const page = parseListPage(r.body)
        if (!page) throw new DirectReadError('ListObjectsV2 answered an unexpected body')
        out.push(...page.objects)
        token = page.next
      } while (token)
      return out
    },
    async getText(bucket, key) {
      const r = await get(bucket, uriEncode(key, true), [])
      if (r.status === 200) return r.body
      if (r.status === 404 && /<Code>NoSuchKey<\/Code>/.test(r.body)) return undefined
      throw new DirectReadError(`GetObject answered ${r.status}`)
    },
  }
}

/** The SDK reads ~/.aws/config and ~/.aws/credentials (or the files the environment names). */
function sharedConfigExists(env: NodeJS.ProcessEnv): boolean {
  const home = env.HOME || homedir()
  return [
    env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  ].some((f) => existsSync(f))
}

/** RFC 3986 percent-encoding as SigV4 wants it: all but A-Z a-z 0-9 - _ . ~ (and `/` in paths). */
export function uriEncode(text: string, keepSlash = false): string {
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return keepSlash ? encoded.replaceAll('%2F', '/') : encoded
}

/** One bodyless request to sign (the signer holds the credentials, region and service). */
export interface SignedRequest {
  method: string
  /** The Host header: `host[:port]`. */
  host: string
  /** Already encoded (S3 paths are signed as sent, not encoded twice). */
  path: string
  query: ReadonlyArray<[string, string]>
  now: Date
}

/**
 * Signs bodyless requests with Signature Version 4 by the signer the SDK itself uses
 * (@smithy/signature-v4, as the S3 client configures it: paths signed as sent, no second
 * encoding, the payload hash header sent). The signer is built once, on the first request (its
 * modules load then), and reused for every page and object after it.
 */
export function v4Signer(
  credentials: Credentials,
  region: string,
  service: string,
): (r: SignedRequest) => Promise<Record<string, string>> {
  let signer: Promise<import('@smithy/signature-v4').SignatureV4> | undefined
  return async (r) => {
    signer ??= Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')]).then(
      ([{ SignatureV4 }, { Sha256 }]) =>
        new SignatureV4({ credentials, region, service, sha256: Sha256, uriEscapePath: false, applyChecksum: true }),
    )
    const query: Record<string, string> = {}
    for (const [k, v] of r.query) query[k] = v
    const signed = await (await signer).sign(
      {
        method: r.method,
        protocol: 'https:',
        hostname: r.host,
        path: r.path,
        query,
        headers: { host: r.host, 'x-amz-content-sha256': EMPTY_SHA256 },
      },
      { signingDate: r.now },
    )
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v
    return headers
  }
}

function httpGet(
  origin: URL,
  path: string,
  query: ReadonlyArray<[string, string]>,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  // Both modules are imported with this file (loaded after validation): the request starts now.
  const { request } = origin.protocol === 'https:' ? https : http
  const search = query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&')
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: origin.hostname,
        port: origin.port || undefined,
        path: search ? `${path}?${search}` : path,
        method: 'GET',
        headers: { ...headers, 'user-agent': 'deploy-actions/1 frontend-sync' },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new DirectReadError(`no answer within ${TIMEOUT_MS / 1000}s`)))
    req.on('error', reject)
    req.end()
  })
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** XML character data: the five named entities and numeric references. */
export function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(Number.parseInt(e.slice(e[1] === 'x' ? 2 : 1), e[1] === 'x' ? 16 : 10))
      : ENTITIES[e]!,
  )
}

const ELEMENTS = Object.fromEntries(
  ['Key', 'Size', 'ETag', 'IsTruncated', 'NextContinuationToken'].map((n) => [n, new RegExp(`<${n}>([^<]*)</${n}>`)]),
)

function element(xml: string, name: string): string | undefined {
  const m = ELEMENTS[name]!.exec(xml)
  return m ? decodeXml(m[1]!) : undefined
}

/** One ListObjectsV2 page (ListBucketResult); `undefined` when the body is not one. */
export function parseListPage(xml: string): { objects: RemoteObject[]; next?: string } | undefined {
  if (!/<ListBucketResult[\s>]/.test(xml)) return undefined
  const objects: RemoteObject[] = []
  for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const key = element(m[1]!, 'Key')
    const size = Number(element(m[1]!, 'Size') ?? Number.NaN)
    if (key === undefined || !Number.isSafeInteger(size)) return undefined
    objects.push({ key, size, etag: element(m[1]!, 'ETag') ?? '' })
  }
  // Top-level elements: a key cannot hold a raw `<`, so nothing inside Contents matches these.
  const outside = xml.replace(/<Contents>[\s\S]*?<\/Contents>/g, '')
  if (element(outside, 'IsTruncated') !== 'true') return { objects }
  const next = element(outside, 'NextContinuationToken')
  return next ? { objects, next } : undefined
}
