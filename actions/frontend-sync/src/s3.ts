// S3 through the SDK: paginated listing, HeadObject, PutObject (lib-storage multipart for large
// files, loaded only then), DeleteObjects in batches of 1,000. No ACLs: access belongs to the bucket policy / OAC.
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3'
import { clientConfig, s3ForcePathStyle } from '@deploy-actions/aws'
// From config.ts, not plan.ts: the S3 chunk then does not pull in the rules (mime-db, minimatch).
import { SHA256_METADATA } from './config.ts'
import type { RemoteHead, RemoteObject, Upload } from './diff.ts'
import type { S3Port } from './ports.ts'

/** Files above this go up in parts (as the aws CLI does past 8 MiB), 8 MiB each, 4 at a time. */
export const MULTIPART_THRESHOLD = 8 * 1024 * 1024
const PART_SIZE = 8 * 1024 * 1024

export function createS3Client(region: string, env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({
    ...clientConfig(region),
    forcePathStyle: s3ForcePathStyle(env),
    // PutObject carries Content-MD5, which S3 verifies; no extra checksum pass over every body.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
}

export function createS3Port(client: S3Client, { pageSize = 1000 }: { pageSize?: number } = {}): S3Port {
  return {
    async list(bucket, prefix) {
      const out: RemoteObject[] = []
      const pages = paginateListObjectsV2({ client, pageSize }, { Bucket: bucket, Prefix: prefix || undefined })
      for await (const page of pages) {
        for (const o of page.Contents ?? []) {
          if (o.Key !== undefined) out.push({ key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? '' })
        }
      }
      return out
    },

    async head(bucket, key) {
      const r = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
      const head: RemoteHead = {}
      const sha256 = r.Metadata?.[SHA256_METADATA]
      if (sha256) head.sha256 = sha256
      if (r.ServerSideEncryption) head.serverSideEncryption = r.ServerSideEncryption
      return head
    },

    async upload(bucket, u: Upload) {
      const common = {
        Bucket: bucket,
        Key: u.key,
        ContentType: u.contentType,
        CacheControl: u.cacheControl,
        Metadata: { [SHA256_METADATA]: u.sha256 },
      }
      if (u.size <= MULTIPART_THRESHOLD) {
        const body = await readFile(u.file)
        await client.send(
          new PutObjectCommand({ ...common, Body: body, ContentMD5: Buffer.from(u.md5, 'hex').toString('base64') }),
        )
        return
      }
      // lib-storage is loaded only for a file that needs it (most syncs never do).
      const { Upload: MultipartUpload } = await import('@aws-sdk/lib-storage')
      await new MultipartUpload({
        client,
        params: { ...common, Body: createReadStream(u.file) },
        partSize: PART_SIZE,
        queueSize: 4,
        leavePartsOnError: false,
      }).done()
    },

    async deleteKeys(bucket, keys) {
      const failed: Array<{ key: string; error: string }> = []
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000)
        const r = await client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        )
        for (const e of r.Errors ?? [])
          failed.push({ key: e.Key ?? '?', error: `${e.Code ?? 'Error'}: ${e.Message ?? ''}` })
      }
      return failed
    },
  }
}
