// The ECR port over the AWS SDK v3 (loaded only after the inputs are valid).
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  type ImageIdentifier,
  ListImagesCommand,
  PutImageCommand,
  type Repository,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr'
import { awsErrorName, clientConfig } from '@deploy-actions/aws'
import { DeployError } from '@deploy-actions/kit'
import type { EcrImage, EcrPort, EcrRepository } from './main.ts'
import { MANIFEST_MEDIA_TYPES } from './plan.ts'

function toRepository(r: Repository | undefined, name: string): EcrRepository {
  if (!r?.repositoryUri) throw new DeployError(`ECR returned no URI for repository ${name}`)
  return {
    name: r.repositoryName ?? name,
    uri: r.repositoryUri,
    immutable: (r.imageTagMutability ?? 'MUTABLE').startsWith('IMMUTABLE'),
    scanOnPush: r.imageScanningConfiguration?.scanOnPush ?? false,
  }
}

export function createEcrPort(region: string, client = new ECRClient(clientConfig(region))): EcrPort {
  const getImage = async (repositoryName: string, imageId: ImageIdentifier): Promise<EcrImage | undefined> => {
    const out = await client.send(
      new BatchGetImageCommand({ repositoryName, imageIds: [imageId], acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES] }),
    )
    const image = out.images?.[0]
    if (!image?.imageManifest || !image.imageId?.imageDigest) {
      const failure = out.failures?.[0]
      if (!failure || failure.failureCode === 'ImageNotFound' || failure.failureCode === 'ImageTagDoesNotMatchDigest')
        return undefined
      throw new DeployError(`BatchGetImage ${repositoryName}: ${failure.failureCode}: ${failure.failureReason}`)
    }
    return { manifest: image.imageManifest, mediaType: image.imageManifestMediaType, digest: image.imageId.imageDigest }
  }

  return {
    async describeRepository(name) {
      try {
        const out = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))
        return toRepository(out.repositories?.[0], name)
      } catch (error) {
        if (awsErrorName(error) === 'RepositoryNotFoundException') return undefined
        throw error
      }
    },
    async createRepository(name) {
      try {
        const out = await client.send(
          new CreateRepositoryCommand({ repositoryName: name, imageScanningConfiguration: { scanOnPush: true } }),
        )
        return toRepository(out.repository, name)
      } catch (error) {
        // Another job created it between our look and our create: use it.
        if (awsErrorName(error) !== 'RepositoryAlreadyExistsException') throw error
        const out = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))
        return toRepository(out.repositories?.[0], name)
      }
    },
    async authorizationToken() {
      const out = await client.send(new GetAuthorizationTokenCommand({}))
      const data = out.authorizationData?.[0]
      if (!data?.authorizationToken || !data.proxyEndpoint)
        throw new DeployError('ECR GetAuthorizationToken returned no token')
      return { token: data.authorizationToken, proxyEndpoint: data.proxyEndpoint }
    },
    getImage: (repository, tag) => getImage(repository, { imageTag: tag }),
    async listTags(repositoryName) {
      const tags: string[] = []
      let nextToken: string | undefined
      do {
        const out = await client.send(
          new ListImagesCommand({ repositoryName, nextToken, filter: { tagStatus: 'TAGGED' } }),
        )
        for (const id of out.imageIds ?? []) if (id.imageTag) tags.push(id.imageTag)
        nextToken = out.nextToken
      } while (nextToken && tags.length < 5000)
      return tags
    },
    async putImage(repositoryName, imageTag, image) {
      try {
        await client.send(
          new PutImageCommand({
            repositoryName,
            imageTag,
            imageManifest: image.manifest,
            imageManifestMediaType: image.mediaType,
            imageDigest: image.digest,
          }),
        )
        return 'created'
      } catch (error) {
        if (awsErrorName(error) === 'ImageAlreadyExistsException') {
          const current = await getImage(repositoryName, { imageTag })
          if (current?.digest === image.digest) return 'exists'
        }
        throw error
      }
    },
    async imageSize(repositoryName, digest) {
      const out = await client.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageDigest: digest }] }))
      return out.imageDetails?.[0]?.imageSizeInBytes
    },
    async startScan(repositoryName, digest) {
      try {
        await client.send(new StartImageScanCommand({ repositoryName, imageId: { imageDigest: digest } }))
      } catch (error) {
        // Scan on push already started one, or today's scan exists: the findings will tell.
        if (awsErrorName(error) !== 'LimitExceededException') throw error
      }
    },
    async scanFindings(repositoryName, digest) {
      try {
        const out = await client.send(
          new DescribeImageScanFindingsCommand({ repositoryName, imageId: { imageDigest: digest } }),
        )
        const counts: Record<string, number> = {}
        for (const [k, v] of Object.entries(out.imageScanFindings?.findingSeverityCounts ?? {}))
          if (v !== undefined) counts[k] = v
        return {
          status: out.imageScanStatus?.status ?? 'UNKNOWN',
          ...(out.imageScanStatus?.description ? { description: out.imageScanStatus.description } : {}),
          counts,
        }
      } catch (error) {
        if (awsErrorName(error) === 'ScanNotFoundException') return undefined
        throw error
      }
    },
  }
}
