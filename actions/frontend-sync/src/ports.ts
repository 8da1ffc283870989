// What `run` needs from S3 and CloudFront; the SDK-backed versions live in s3.ts and
// cloudfront.ts, tests may pass their own.
import type { RemoteHead, RemoteObject, Upload } from './diff.ts'

export interface S3Port {
  /** Every object under `prefix` (paginated). */
  list(bucket: string, prefix: string): Promise<RemoteObject[]>
  /** The stored SHA-256 and encryption of one object. */
  head(bucket: string, key: string): Promise<RemoteHead>
  /** Stores a file with its Content-Type, Cache-Control and SHA-256 metadata (no ACL). */
  upload(bucket: string, upload: Upload): Promise<void>
  /** Deletes keys (batched); returns the keys S3 refused, with why. */
  deleteKeys(bucket: string, keys: readonly string[]): Promise<Array<{ key: string; error: string }>>
}

export interface CloudFrontPort {
  /** Returns the invalidation ID. */
  createInvalidation(distributionId: string, paths: readonly string[], callerReference: string): Promise<string>
  /** Resolves once the invalidation is `Completed`; progress lines through `log`. */
  waitCompleted(distributionId: string, id: string, timeoutMs: number, log: (line: string) => void): Promise<void>
}

/**
 * A port whose SDK module is still loading: calls wait for it. Lets the action hash files while
 * the (large) SDK code is read and compiled, instead of before.
 */
export function lazyS3Port(loading: Promise<S3Port>): S3Port {
  return {
    list: async (...a) => (await loading).list(...a),
    head: async (...a) => (await loading).head(...a),
    upload: async (...a) => (await loading).upload(...a),
    deleteKeys: async (...a) => (await loading).deleteKeys(...a),
  }
}

export function lazyCloudFrontPort(load: () => Promise<CloudFrontPort>): CloudFrontPort {
  let loading: Promise<CloudFrontPort> | undefined
  const port = () => {
    loading ??= load()
    return loading
  }
  return {
    createInvalidation: async (...a) => (await port()).createInvalidation(...a),
    waitCompleted: async (...a) => (await port()).waitCompleted(...a),
  }
}
