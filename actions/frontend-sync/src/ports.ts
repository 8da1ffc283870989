// What `run` needs from S3 and CloudFront, and the SDK adapters behind them. The adapters turn
// AWS errors into this file's error types, so the orchestration never matches an AWS error name.
// The SDKs load on demand: S3's when a write (or a HeadObject) is coming, or as soon as the port
// is made when the plan's reads cannot go without it (s3-direct.ts says when they can: then a sync
// with nothing to upload never loads it); CloudFront's only when an invalidation is sent,
// lib-storage only for a multipart upload.
import { readFile } from 'node:fs/promises'
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront'
import type { S3Client } from '@aws-sdk/client-s3'
import { awsErrorName, clientConfig, s3ForcePathStyle } from '@deploy-actions/aws'
import { progressReporter } from '@deploy-actions/kit'
import { SHA256_METADATA } from './config.ts'
import type { RemoteHead, RemoteObject, Upload } from './diff.ts'
import { directReads } from './s3-direct.ts'

/** A call to AWS failed; `code` is AWS's error code, kept only to be shown. */
export class AwsCallError extends Error {
  override name = 'AwsCallError'
  readonly operation: string
  readonly code: string
  constructor(operation: string, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.operation = operation
    this.code = code
  }
}

/** The bucket does not exist. */
export class BucketNotFoundError extends AwsCallError {
  override name = 'BucketNotFoundError'
}

/** CloudFront refused a new invalidation because too many are in progress: worth a retry later. */
export class InvalidationThrottledError extends AwsCallError {
  override name = 'InvalidationThrottledError'
}

export interface S3Port {
  /** Every object under `prefix` (paginated). Throws BucketNotFoundError or AwsCallError. */
  list(bucket: string, prefix: string): Promise<RemoteObject[]>
  /** The stored SHA-256 and encryption of one object; `undefined` when it is gone. */
  head(bucket: string, key: string): Promise<RemoteHead | undefined>
  /**
   * Stores a file with its Content-Type, Cache-Control and SHA-256 metadata (no ACL); S3's ETag
   * back. `signal` aborts the request (S3 then keeps the object it had: a PutObject is atomic).
   */
  upload(bucket: string, upload: Upload, signal?: AbortSignal): Promise<{ etag?: string }>
  /** Deletes keys (batched); returns the keys S3 refused, with why. */
  deleteKeys(bucket: string, keys: readonly string[]): Promise<Array<{ key: string; error: string }>>
  /** A small object's text; `undefined` when there is none. */
  getText(bucket: string, key: string): Promise<string | undefined>
  /** Writes a small JSON object (never cached). */
  putJson(bucket: string, key: string, body: string): Promise<void>
  /** Sets this action's tags on an object, keeping its other tags; `undefined` removes ours. */
  setTags(bucket: string, key: string, tags: Record<string, string> | undefined): Promise<void>
  /** Writes are coming: start loading what they need (a no-op when loaded). */
  prepareWrites?(): void
}

/** The prefix of this action's object tags (`frontend-sync:retired-at`, `frontend-sync:last-release`). */
export const TAG_PREFIX = 'frontend-sync:'

export interface CloudFrontPort {
  /** Returns the invalidation ID. Throws InvalidationThrottledError or AwsCallError. */
  createInvalidation(distributionId: string, paths: readonly string[], callerReference: string): Promise<string>
  /** Resolves once the invalidation is `Completed`; progress lines through `log`; `signal` stops the wait. */
  waitCompleted(
    distributionId: string,
    id: string,
    timeoutMs: number,
    log: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<void>
}

function translate(operation: string, error: unknown, what: string): AwsCallError {
  if (error instanceof AwsCallError) return error
  const code = awsErrorName(error) ?? 'Error'
  const message = error instanceof Error ? error.message : String(error)
  return new AwsCallError(operation, code, `${what}: ${code}: ${message}`, { cause: error })
}

/** Files above this go up in parts (as the aws CLI does past 8 MiB), 8 MiB each, 4 at a time. */
export const MULTIPART_THRESHOLD = 8 * 1024 * 1024
const PART_SIZE = 8 * 1024 * 1024

/**
 * S3 through the SDK: paginated listing, HeadObject, PutObject (lib-storage multipart for large
 * files), DeleteObjects in batches of 1,000. No ACLs: access belongs to the bucket policy / OAC.
 */
export function createS3Port(
  region: string,
  options: { env?: NodeJS.ProcessEnv; pageSize?: number; direct?: boolean } = {},
): S3Port & { destroy(): Promise<void> } {
  const env = options.env ?? process.env
  const pageSize = options.pageSize ?? 1000
  const direct = options.direct === false ? undefined : directReads(region, env)
  let loading: Promise<{ sdk: typeof import('@aws-sdk/client-s3'); client: S3Client }> | undefined
  const load = () => {
    loading ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        ...clientConfig(region),
        forcePathStyle: s3ForcePathStyle(env),
        // PutObject carries Content-MD5, which S3 verifies; no extra checksum pass over every body.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }) as S3Client,
    }))
    loading.catch(() => {}) // a failed load surfaces on first use
    return loading
  }
  // Without direct reads the listing needs the SDK: its code is read and compiled while `source`
  // is walked and hashed.
  if (!direct) load()
  return {
    prepareWrites: () => void load(),

    async list(bucket, prefix) {
      // Any failure of the direct read (a status, a network error) is asked again through the SDK,
      // which retries and turns the error into ours.
      if (direct) {
        const listed = await direct.list(bucket, prefix, pageSize).catch(() => undefined)
        if (listed) return listed
      }
      const { sdk, client } = await load()
      const out: RemoteObject[] = []
      try {
        const pages = sdk.paginateListObjectsV2({ client, pageSize }, { Bucket: bucket, Prefix: prefix || undefined })
        for await (const page of pages) {
          for (const o of page.Contents ?? []) {
            if (o.Key !== undefined) out.push({ key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? '' })
          }
        }
      } catch (error) {
        if (awsErrorName(error) === 'NoSuchBucket') {
          throw new BucketNotFoundError('ListObjectsV2', 'NoSuchBucket', `bucket "${bucket}" does not exist`)
        }
        throw translate('ListObjectsV2', error, `cannot list bucket "${bucket}" under "${prefix}"`)
      }
      return out
    },

    async head(bucket, key) {
      const { sdk, client } = await load()
      try {
        const r = await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }))
        const head: RemoteHead = {}
        const sha256 = r.Metadata?.[SHA256_METADATA]
        if (sha256) head.sha256 = sha256
        if (r.ServerSideEncryption) head.serverSideEncryption = r.ServerSideEncryption
        return head
      } catch (error) {
        // Gone since the listing: nothing to compare with.
        if (['NotFound', 'NoSuchKey'].includes(awsErrorName(error) ?? '')) return undefined
        throw translate('HeadObject', error, `cannot read s3://${bucket}/${key} (HeadObject)`)
      }
    },

    async upload(bucket, u: Upload, signal) {
      const { sdk, client } = await load()
      const common = {
        Bucket: bucket,
        Key: u.key,
        ContentType: u.contentType,
        CacheControl: u.cacheControl,
        Metadata: { [SHA256_METADATA]: u.sha256 },
      }
      try {
        if (u.size <= MULTIPART_THRESHOLD) {
          const body = await readFile(u.file)
          const md5 = Buffer.from(u.md5, 'hex').toString('base64')
          const put = new sdk.PutObjectCommand({ ...common, Body: body, ContentMD5: md5 })
          const r = await client.send(put, { abortSignal: signal })
          return { etag: r.ETag }
        }
        const [{ Upload: MultipartUpload }, { createReadStream }] = await Promise.all([
          import('@aws-sdk/lib-storage'),
          import('node:fs'),
        ])
        const multipart = new MultipartUpload({
          client,
          params: { ...common, Body: createReadStream(u.file) },
          partSize: PART_SIZE,
          queueSize: 4,
          leavePartsOnError: false, // an aborted upload's parts are removed (AbortMultipartUpload)
        })
        const abort = () => void multipart.abort().catch(() => {})
        signal?.addEventListener('abort', abort, { once: true })
        try {
          await multipart.done()
        } finally {
          signal?.removeEventListener('abort', abort)
        }
        return {}
      } catch (error) {
        throw translate('PutObject', error, `s3://${bucket}/${u.key}`)
      }
    },

    async deleteKeys(bucket, keys) {
      const { sdk, client } = await load()
      const failed: Array<{ key: string; error: string }> = []
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000)
        try {
          const r = await client.send(
            new sdk.DeleteObjectsCommand({
              Bucket: bucket,
              Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
            }),
          )
          for (const e of r.Errors ?? []) {
            failed.push({ key: e.Key ?? '?', error: `${e.Code ?? 'Error'}: ${e.Message ?? ''}` })
          }
        } catch (error) {
          const e = translate('DeleteObjects', error, 'DeleteObjects failed')
          for (const key of batch) failed.push({ key, error: e.message })
        }
      }
      return failed
    },

    async getText(bucket, key) {
      if (direct) {
        const read = await direct.getText(bucket, key).then(
          (text) => ({ text }),
          () => undefined,
        )
        if (read) return read.text
      }
      const { sdk, client } = await load()
      try {
        const r = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }))
        return await r.Body?.transformToString('utf8')
      } catch (error) {
        if (['NoSuchKey', 'NotFound'].includes(awsErrorName(error) ?? '')) return undefined
        if (awsErrorName(error) === 'NoSuchBucket') {
          throw new BucketNotFoundError('GetObject', 'NoSuchBucket', `bucket "${bucket}" does not exist`)
        }
        throw translate('GetObject', error, `cannot read s3://${bucket}/${key}`)
      }
    },

    async putJson(bucket, key, body) {
      const { sdk, client } = await load()
      try {
        await client.send(
          new sdk.PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: 'application/json',
            CacheControl: 'no-store',
          }),
        )
      } catch (error) {
        throw translate('PutObject', error, `cannot write s3://${bucket}/${key}`)
      }
    },

    async setTags(bucket, key, tags) {
      const { sdk, client } = await load()
      try {
        const current = await client.send(new sdk.GetObjectTaggingCommand({ Bucket: bucket, Key: key }))
        const others = (current.TagSet ?? []).filter((t) => !t.Key?.startsWith(TAG_PREFIX))
        const ours = Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }))
        const TagSet = [...others, ...ours]
        if (TagSet.length === 0) {
          if ((current.TagSet ?? []).length > 0) {
            await client.send(new sdk.DeleteObjectTaggingCommand({ Bucket: bucket, Key: key }))
          }
          return
        }
        await client.send(new sdk.PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet } }))
      } catch (error) {
        throw translate('PutObjectTagging', error, `cannot tag s3://${bucket}/${key}`)
      }
    },

    async destroy() {
      ;(await loading?.catch(() => undefined))?.client.destroy()
    },
  }
}

/** CloudFront through the SDK (loaded on the first call): CreateInvalidation and the SDK's waiter. */
export function createCloudFrontPort(region: string): CloudFrontPort {
  let loading: Promise<{ sdk: typeof import('@aws-sdk/client-cloudfront'); client: CloudFrontClient }> | undefined
  const load = () =>
    (loading ??= import('@aws-sdk/client-cloudfront').then((sdk) => ({
      sdk,
      client: new sdk.CloudFrontClient(clientConfig(region)),
    })))
  return {
    async createInvalidation(distributionId, paths, callerReference) {
      const { sdk, client } = await load()
      let id: string | undefined
      try {
        const r = await client.send(
          new sdk.CreateInvalidationCommand({
            DistributionId: distributionId,
            InvalidationBatch: {
              CallerReference: callerReference,
              Paths: { Quantity: paths.length, Items: [...paths] },
            },
          }),
        )
        id = r.Invalidation?.Id
      } catch (error) {
        const code = awsErrorName(error) ?? 'Error'
        const message = error instanceof Error ? error.message : String(error)
        if (code === 'TooManyInvalidationsInProgress') {
          throw new InvalidationThrottledError('CreateInvalidation', code, message, { cause: error })
        }
        throw new AwsCallError('CreateInvalidation', code, `${code}: ${message}`, { cause: error })
      }
      if (!id) {
        throw new AwsCallError(
          'CreateInvalidation',
          'NoId',
          `CloudFront returned no invalidation ID for ${distributionId}`,
        )
      }
      return id
    },

    async waitCompleted(distributionId, id, timeoutMs, log, signal) {
      const { sdk, client } = await load()
      const progress = progressReporter(`invalidation ${id} on ${distributionId} to complete`, log)
      const ticker = setInterval(() => progress.tick('InProgress'), 5000)
      try {
        await sdk.waitUntilInvalidationCompleted(
          { client, maxWaitTime: Math.ceil(timeoutMs / 1000), minDelay: 5, maxDelay: 30, abortSignal: signal },
          { DistributionId: distributionId, Id: id },
        )
      } catch (error) {
        throw translate('GetInvalidation', error, `invalidation ${id} did not complete`)
      } finally {
        clearInterval(ticker)
      }
    },
  }
}

/** Both ports for a region (the S3 SDK starts loading now, CloudFront's on first use). */
export function awsPorts(region: string): { s3: S3Port; cloudfront: CloudFrontPort } {
  return { s3: createS3Port(region), cloudfront: createCloudFrontPort(region) }
}
