// A CloudFront distribution on moto in front of a bucket, for the frontend-sync integration tests.
import { type CloudFrontClient, CreateDistributionCommand } from '@aws-sdk/client-cloudfront'

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
