// Name checks the actions share, as the API server and the image reference grammar define them
// (k8s.io/apimachinery validation IsDNS1123Label / IsDNS1123Subdomain; distribution/reference).

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
// registry[:port]/path/name[:tag][@sha256:digest]
const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/i

/** A namespace or container name: lowercase letters, digits and `-`, up to 63. */
export const isDnsLabel = (name: string): boolean => name.length <= 63 && DNS_LABEL.test(name)
/** An object name such as a Deployment's: DNS labels joined by dots, up to 253. */
export const isDnsSubdomain = (name: string): boolean => name.length <= 253 && DNS_SUBDOMAIN.test(name)
/** `registry/app:1.2.0`, `app@sha256:…`. */
export const isImageReference = (ref: string): boolean => IMAGE.test(ref)

/** `registry/web` of `registry/web:1.2` or `registry/web@sha256:…` (a registry port is kept). */
export function imageRepository(image: string): string {
  const noDigest = image.split('@')[0]!
  const slash = noDigest.lastIndexOf('/')
  const colon = noDigest.lastIndexOf(':')
  return colon > slash ? noDigest.slice(0, colon) : noDigest
}
