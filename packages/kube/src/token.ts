// The EKS bearer token, as `aws eks get-token` and aws-iam-authenticator make it: a presigned STS
// GetCallerIdentity GET URL, with the `x-k8s-aws-id: <cluster>` header signed and
// X-Amz-Expires=60, encoded as `k8s-aws-v1.` + base64url without padding. The pure parts live
// here (no SDK): the request to sign, the endpoint, the encoding.

export const TOKEN_PREFIX = 'k8s-aws-v1.'
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id'
/** The presigned URL's own validity (the API server accepts the token for 15 minutes after signing). */
export const PRESIGN_EXPIRES_SECONDS = 60
/** How long a token is used before a fresh one is made (`aws eks get-token` reports 14 minutes). */
export const TOKEN_LIFETIME_MS = 14 * 60_000

/** The request a signer presigns (the shape of @smithy/types' HttpRequest). */
export interface StsPresignRequest {
  method: 'GET'
  protocol: string
  hostname: string
  port: number | undefined
  path: string
  query: Record<string, string>
  headers: Record<string, string>
}

/**
 * STS endpoint for the token: `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL` (moto, LocalStack),
 * else the regional endpoint (China regions on amazonaws.com.cn).
 */
export function stsEndpoint(region: string, env: NodeJS.ProcessEnv = {}): string {
  const override = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL
  if (override) return override
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `https://sts.${region}.${domain}`
}

export function stsPresignRequest(clusterName: string, endpoint: string): StsPresignRequest {
  const url = new URL(endpoint)
  return {
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname || '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: url.host, [CLUSTER_ID_HEADER]: clusterName },
  }
}

/** The URL of a (presigned) request, query parameters in the order given. */
export function requestUrl(request: {
  protocol: string
  hostname: string
  port?: number | undefined
  path: string
  query?: Record<string, string | string[] | null | undefined>
}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(request.query ?? {})) {
    if (v === null || v === undefined) continue
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, item)
  }
  const port = request.port ? `:${request.port}` : ''
  const query = params.toString().replace(/\+/g, '%20')
  return `${request.protocol}//${request.hostname}${port}${request.path}${query ? `?${query}` : ''}`
}

export function encodeEksToken(presignedUrl: string): string {
  // Node's base64url alphabet has no padding, as the token format requires.
  return TOKEN_PREFIX + Buffer.from(presignedUrl, 'utf8').toString('base64url')
}

/** The presigned URL inside a token; throws on a token of another kind. */
export function decodeEksToken(token: string): string {
  if (!token.startsWith(TOKEN_PREFIX)) throw new Error(`not an EKS token: expected the prefix ${TOKEN_PREFIX}`)
  const body = token.slice(TOKEN_PREFIX.length)
  if (!/^[A-Za-z0-9_-]*$/.test(body)) throw new Error('not an EKS token: the body is not base64url without padding')
  return Buffer.from(body, 'base64url').toString('utf8')
}
