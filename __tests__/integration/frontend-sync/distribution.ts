// For the frontend-sync integration tests: moto behind a recording fault proxy with S3 and
// CloudFront clients on it, and a CloudFront distribution in front of a bucket.
import { CloudFrontClient, CreateDistributionCommand } from '@aws-sdk/client-cloudfront'
import { S3Client } from '@aws-sdk/client-s3'
import { type FaultProxy, type Moto, startFaultProxy, startMoto } from '@deploy-actions/testbed'

export interface FrontendAws {
  moto: Moto
  /** In front of moto: the bundle is pointed here, so every request it makes is seen in order. */
  proxy: FaultProxy
  s3: S3Client
  cloudfront: CloudFrontClient
  stop(): Promise<void>
}

/** moto and the proxy in front of it, with S3 (path style) and CloudFront clients straight on moto. */
export async function startFrontendAws(): Promise<FrontendAws> {
  const moto = await startMoto()
  const proxy = await startFaultProxy(moto.endpoint).catch(async (e) => {
    await moto.stop()
    throw e
  })
  const config = {
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  }
  const s3 = new S3Client({ ...config, forcePathStyle: true })
  const cloudfront = new CloudFrontClient(config)
  return {
    moto,
    proxy,
    s3,
    cloudfront,
    async stop() {
      s3.destroy()
      cloudfront.destroy()
      await proxy.stop()
      await moto.stop()
    },
  }
}

export async function createDistribution(
  cloudfront: CloudFrontClient,
  bucket: string,
  reference: string,
): Promise<string> {
  const d = await cloudfront.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: reference,
        Comment: '',
        Enabled: true,
        Origins: {
          Quantity: 1,
          Items: [{ Id: 's3', DomainName: `${bucket}.s3.amazonaws.com`, S3OriginConfig: { OriginAccessIdentity: '' } }],
        },
        DefaultCacheBehavior: {
          TargetOriginId: 's3',
          ViewerProtocolPolicy: 'redirect-to-https',
          MinTTL: 0,
          ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } },
        },
      },
    }),
  )
  return d.Distribution!.Id!
}
