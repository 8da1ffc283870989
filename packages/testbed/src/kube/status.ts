// Errors as the API server writes them: a metav1.Status body with reason, details and code.
import type { KObj } from './types.ts'

export interface StatusCause {
  reason: string
  message: string
  field: string
}

export class ApiError extends Error {
  readonly code: number
  readonly reason: string
  readonly details: KObj | undefined
  constructor(code: number, reason: string, message: string, details?: KObj) {
    super(message)
    this.code = code
    this.reason = reason
    this.details = details
  }
  toStatus(): KObj {
    const status: KObj = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
    }
    // Errors that are not API errors reach clients as a bare 500 with no reason.
    if (this.reason) status.reason = this.reason
    if (this.details) status.details = this.details
    status.code = this.code
    return status
  }
}

/** A resource's qualified name as errors print it: `deployments.apps`, or `pods` for the core group. */
export interface QualifiedResource {
  plural: string
  group: string
}

function qualified(r: QualifiedResource): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural
}

function details(r: QualifiedResource, name: string): KObj {
  const d: KObj = { name }
  if (r.group) d.group = r.group
  d.kind = r.plural
  return d
}

export function notFound(r: QualifiedResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, details(r, name))
}

export function alreadyExists(r: QualifiedResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, details(r, name))
}

export function conflict(r: QualifiedResource, name: string, why?: string): ApiError {
  const reason = why ?? 'the object has been modified; please apply your changes to the latest version and try again'
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${reason}`,
    details(r, name),
  )
}

/** 422: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0` */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind
  const text = causes.map((c) => `${c.field}: ${c.message}`)
  const message =
    text.length === 1
      ? `${qualifiedKind} "${name}" is invalid: ${text[0]}`
      : `${qualifiedKind} "${name}" is invalid: [${text.join(', ')}]`
  const d: KObj = { name }
  if (group) d.group = group
  d.kind = kind
  d.causes = causes
  return new ApiError(422, 'Invalid', message, d)
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message)
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource')
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType})`,
  )
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message)
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {})
}

export function successStatus(r: QualifiedResource, name: string, uidValue: string): KObj {
  const d = details(r, name)
  d.uid = uidValue
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: d }
}
