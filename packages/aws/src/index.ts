// Settings every SDK v3 client of ours shares. The SDK itself honours AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE> (moto in tests, LocalStack for users) and the default credential chain.
import { ConfigurationError } from '@deploy-actions/kit'

export const USER_AGENT: [string, string] = ['deploy-actions', '1']

/** Region from the `aws-region` input, else AWS_REGION / AWS_DEFAULT_REGION. */
export function resolveRegion(input: string, env: NodeJS.ProcessEnv = process.env): string {
  const region = input.trim() || env.AWS_REGION || env.AWS_DEFAULT_REGION || ''
  if (!region) throw new ConfigurationError('aws-region', 'a region such as eu-west-1 (or set AWS_REGION)')
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new ConfigurationError('aws-region', 'a region such as eu-west-1', region)
  return region
}

export interface ClientConfig {
  region: string
  maxAttempts: number
  customUserAgent: [string, string][]
}

/** Base client config: adaptive retries (SDK-built, with backoff) bounded to a few attempts. */
export function clientConfig(region: string, maxAttempts = 6): ClientConfig & { retryMode: 'adaptive' } {
  return { region, maxAttempts, retryMode: 'adaptive', customUserAgent: [USER_AGENT] }
}

/** S3 against a custom endpoint (moto, LocalStack, MinIO) needs path-style addressing. */
export function s3ForcePathStyle(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL)
}

/** The AWS error name (`ThrottlingException`, `DBInstanceNotFound` …) of an SDK error. */
export function awsErrorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | undefined)?.name
  return typeof name === 'string' ? name : undefined
}
