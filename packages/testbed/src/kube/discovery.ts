// Discovery documents: /version, /api, /apis, /apis/<group>, resource lists.
import { groupVersions, resourceList } from './resources.ts'
import type { KObj } from './types.ts'

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-testbed',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
}

function apiGroup(name: string): KObj {
  const versions = groupVersions()
    .filter((g) => g.group === name)
    .map((g) => ({ groupVersion: `${g.group}/${g.version}`, version: g.version }))
  return { name, versions, preferredVersion: versions[0] }
}

const AUTHORIZATION = 'authorization.k8s.io'
const NO_AUTHORIZATION = 'the testbed simulator does no authorization: every request is allowed'

/** authorization.k8s.io/v1: the self reviews `kubectl auth can-i` creates (create only, nothing stored). */
function authorizationResources(): KObj {
  const review = (name: string, kind: string) => ({
    name,
    singularName: '',
    namespaced: false,
    kind,
    verbs: ['create'],
  })
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${AUTHORIZATION}/v1`,
    resources: [
      review('selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
      review('selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
    ],
  }
}

/**
 * The answer to a self review: allowed, and saying why. The body is not read (kubectl sends it as
 * protobuf), so the review comes back without its spec.
 */
export function accessReview(path: string): KObj | undefined {
  const base = { apiVersion: `${AUTHORIZATION}/v1`, metadata: { creationTimestamp: null }, spec: {} }
  if (path === `/apis/${AUTHORIZATION}/v1/selfsubjectaccessreviews`) {
    return { kind: 'SelfSubjectAccessReview', ...base, status: { allowed: true, reason: NO_AUTHORIZATION } }
  }
  if (path === `/apis/${AUTHORIZATION}/v1/selfsubjectrulesreviews`) {
    return {
      kind: 'SelfSubjectRulesReview',
      ...base,
      status: {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
        evaluationError: NO_AUTHORIZATION,
      },
    }
  }
  return undefined
}

/** Answers a discovery path, or undefined when the path is not a discovery document. */
export function discovery(path: string, serverAddress: string): KObj | undefined {
  if (path === '/version') return SERVER_VERSION
  if (path === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    }
  }
  if (path === '/api/v1') return resourceList('', 'v1')
  const groups = [...new Set(groupVersions().map((g) => g.group))].filter((g) => g !== '')
  const authorization = {
    name: AUTHORIZATION,
    versions: [{ groupVersion: `${AUTHORIZATION}/v1`, version: 'v1' }],
    preferredVersion: { groupVersion: `${AUTHORIZATION}/v1`, version: 'v1' },
  }
  if (path === '/apis') {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups.map(apiGroup), authorization] }
  }
  if (path === `/apis/${AUTHORIZATION}`) return { kind: 'APIGroup', apiVersion: 'v1', ...authorization }
  if (path === `/apis/${AUTHORIZATION}/v1`) return authorizationResources()
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path)
  if (m && groups.includes(m[1]!)) {
    if (!m[2]) return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(m[1]!) }
    if (groupVersions().some((g) => g.group === m[1] && g.version === m[2])) return resourceList(m[1]!, m[2])
  }
  return undefined
}
