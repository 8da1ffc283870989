// CloudFront through the SDK: CreateInvalidation and the SDK's own completion waiter.

import { CloudFrontClient, CreateInvalidationCommand, waitUntilInvalidationCompleted } from '@aws-sdk/client-cloudfront'
import { clientConfig } from '@deploy-actions/aws'
import { progressReporter } from '@deploy-actions/kit'
import type { CloudFrontPort } from './ports.ts'

export function createCloudFrontClient(region: string): CloudFrontClient {
  return new CloudFrontClient(clientConfig(region))
}

export function createCloudFrontPort(client: CloudFrontClient): CloudFrontPort {
  return {
    async createInvalidation(distributionId, paths, callerReference) {
      const r = await client.send(
        new CreateInvalidationCommand({
          DistributionId: distributionId,
          InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: [...paths] } },
        }),
      )
      const id = r.Invalidation?.Id
      if (!id) throw new Error(`CloudFront returned no invalidation ID for distribution ${distributionId}`)
      return id
    },

    async waitCompleted(distributionId, id, timeoutMs, log) {
      const progress = progressReporter(`invalidation ${id} on ${distributionId} to complete`, log)
      const ticker = setInterval(() => progress.tick('InProgress'), 5000)
      try {
        await waitUntilInvalidationCompleted(
          { client, maxWaitTime: Math.ceil(timeoutMs / 1000), minDelay: 5, maxDelay: 30 },
          { DistributionId: distributionId, Id: id },
        )
      } finally {
        clearInterval(ticker)
      }
    },
  }
}
