// Reads manifests straight from the registry (Docker Registry HTTP API v2), so the digest is the
// registry's own Docker-Content-Digest, never text scraped from docker's log.
import { createHash } from 'node:crypto'
import { DeployError } from '@deploy-actions/kit'
import type { Credentials, RegistryPort } from './main.ts'
import { MANIFEST_MEDIA_TYPES, registryBaseUrl } from './plan.ts'

export function httpRegistry(fetchImpl: typeof fetch = fetch): RegistryPort {
  return {
    async manifest(host, repository, reference, credentials?: Credentials) {
      const url = `${registryBaseUrl(host)}/v2/${repository}/manifests/${reference}`
      const headers: Record<string, string> = { Accept: MANIFEST_MEDIA_TYPES.join(', ') }
      if (credentials) {
        headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
      }
      const res = await fetchImpl(url, { headers, signal: AbortSignal.timeout(30_000) })
      const body = Buffer.from(await res.arrayBuffer())
      if (res.status === 404) return undefined
      if (!res.ok) throw new DeployError(`registry answered ${res.status} for GET ${url}`)
      const computed = `sha256:${createHash('sha256').update(body).digest('hex')}`
      const reported = res.headers.get('docker-content-digest') ?? computed
      if (reported !== computed) {
        throw new DeployError(
          `registry reported digest ${reported} for ${url} but the manifest bytes hash to ${computed}`,
        )
      }
      const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim() || undefined
      return { digest: reported, mediaType, body: body.toString('utf8') }
    },
  }
}
