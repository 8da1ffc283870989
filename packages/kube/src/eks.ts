// EKS access without the aws CLI: DescribeCluster for the endpoint and CA, and a native
// `k8s-aws-v1.` token signed with the SDK's default credential chain. The EKS client is loaded
// on first use, so importing this package stays cheap.
import { DeployError } from '@deploy-actions/kit'
import type { AwsCredentialIdentity, Provider } from '@smithy/types'
import { type EksClusterInfo, eksClusterInfo } from './kubeconfig.ts'
import {
  encodeEksToken,
  PRESIGN_EXPIRES_SECONDS,
  requestUrl,
  stsEndpoint,
  stsPresignRequest,
  TOKEN_LIFETIME_MS,
} from './token.ts'

export type Credentials = AwsCredentialIdentity | Provider<AwsCredentialIdentity>

export interface EksTokenOptions {
  clusterName: string
  region: string
  credentials: Credentials
  /** Environment for endpoint overrides (AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL). */
  env?: NodeJS.ProcessEnv
  /** Signing time (default now). */
  now?: Date
}

export interface EksToken {
  token: string
  /** When to stop using it (signing time + 14 minutes, as `aws eks get-token`). */
  expiresAt: Date
}

/** A bearer token for an EKS cluster's API server. */
export async function eksToken(options: EksTokenOptions): Promise<EksToken> {
  const now = options.now ?? new Date()
  // Loaded on first use, like the clients: importing the package stays cheap.
  const [{ Sha256 }, { SignatureV4 }] = await Promise.all([
    import('@aws-crypto/sha256-js'),
    import('@smithy/signature-v4'),
  ])
  const signer = new SignatureV4({
    service: 'sts',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  })
  const request = stsPresignRequest(options.clusterName, stsEndpoint(options.region, options.env ?? process.env))
  const signed = await signer.presign(request, { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: now })
  return { token: encodeEksToken(requestUrl(signed)), expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS) }
}

/** The subset of the EKS client this module calls, so tests can pass a real client or a fake. */
export interface EksPort {
  describeCluster(name: string): Promise<{
    name?: string
    arn?: string
    endpoint?: string
    status?: string
    certificateAuthority?: { data?: string }
  }>
  credentials(): Promise<AwsCredentialIdentity>
}

/** An EksPort over @aws-sdk/client-eks (default credential chain, endpoint env honoured). */
export async function createEksPort(region: string): Promise<EksPort> {
  const { EKSClient, DescribeClusterCommand } = await import('@aws-sdk/client-eks')
  const { clientConfig } = await import('@deploy-actions/aws')
  const client = new EKSClient(clientConfig(region))
  return {
    async describeCluster(name) {
      const out = await client.send(new DescribeClusterCommand({ name }))
      return out.cluster ?? {}
    },
    credentials: () => client.config.credentials(),
  }
}

/** Endpoint, CA and identity of an EKS cluster, ready to build a kubeconfig from. */
export async function describeEksCluster(eks: EksPort, clusterName: string): Promise<EksClusterInfo> {
  let cluster: Awaited<ReturnType<EksPort['describeCluster']>>
  try {
    cluster = await eks.describeCluster(clusterName)
  } catch (error) {
    throw new DeployError(`eks-cluster: DescribeCluster ${clusterName} failed: ${(error as Error).message}`, {
      cause: error,
      leftState: 'nothing changed',
    })
  }
  return eksClusterInfo(clusterName, cluster)
}
