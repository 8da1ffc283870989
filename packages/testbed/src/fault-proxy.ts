// A small fault-injecting HTTP proxy in front of an AWS endpoint (moto), controlled from tests.
// It forwards every request and response byte for byte, except where a test asked for a fault:
//  - rewriteStatus: the status of DB instances, clusters and snapshots in the responses of one
//    Action is rewritten (e.g. to `modifying`) for a while or for a number of responses;
//  - throttle: the first N calls of one Action are answered as AWS does when it throttles
//    (HTTP 400, error code `Throttling`, in the Query protocol's XML or the JSON protocol's body);
//  - resetOnce: the connection of one call of an Action is reset (TCP RST) without an answer;
//  - failWith: the next N matching calls are answered with an HTTP status (a registry's 500).
// Every request is logged with its Action, so a test can also assert that none was made.
import { randomUUID } from 'node:crypto'
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface ProxiedRequest {
  /** The API operation (`DescribeDBInstances`), from the Query body/URL or `X-Amz-Target`; '' if none. */
  action: string
  method: string
  path: string
  fault?: 'throttle' | 'reset' | 'rewrite' | 'status'
}

export interface RewriteOptions {
  /** Rewrite for this long from now (default: until cleared). */
  forMs?: number
  /** Rewrite only the next N responses of the action that have a status to rewrite. */
  times?: number
  /** Only requests whose body or URL contains this text (`DBSnapshotIdentifier=`). */
  match?: string
  /** Also set PercentProgress (snapshots) to this value. */
  percentProgress?: number
}

export interface FaultProxy {
  endpoint: string
  port: number
  /** Every request seen, in order (faulted ones included). */
  requests: ProxiedRequest[]
  /** How many requests (of one action) were seen. */
  count(action?: string): number
  rewriteStatus(action: string, status: string, options?: RewriteOptions): void
  throttle(action: string, times: number): void
  /**
   * Resets the connection of the call of `action` that comes after `after` more calls (default:
   * the next), counting only calls whose body or URL contains `match` when given.
   */
  resetOnce(action: string, options?: { after?: number; match?: string }): void
  /**
   * Answers the next `times` (default 1) calls of `action` ('' for non-AWS requests such as a
   * registry's) whose URL or body contains `match` and whose method is `method`, with `status`.
   */
  failWith(action: string, status: number, options?: { times?: number; match?: string; method?: string }): void
  /** Drops every fault and the request log. */
  clear(): void
  stop(): Promise<void>
}

/** The element holding the status, by the element that describes the resource. */
const STATUS_ELEMENT: Record<string, string> = {
  DBInstance: 'DBInstanceStatus',
  DBCluster: 'Status',
  DBSnapshot: 'Status',
  DBClusterSnapshot: 'Status',
}

/**
 * Sets the status of every DB instance, cluster and snapshot in a Query-protocol XML response
 * (only the resource's own status element, not nested ones such as a security group's), and
 * optionally its PercentProgress.
 */
export function rewriteXmlStatus(xml: string, status: string, percentProgress?: number): string {
  const tag = /<(\/?)([A-Za-z0-9_]+)(?:\s[^>]*)?(\/?)>/g
  const stack: Array<{ name: string; hasProgress: boolean }> = []
  const edits: Array<{ at: number; end: number; text: string }> = []
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const [whole, closing, name = '', selfClosing] = m
    if (selfClosing) continue
    if (closing) {
      const depth = stack.map((e) => e.name).lastIndexOf(name)
      if (depth < 0) continue
      const closed = stack[depth]!
      stack.length = depth
      // A snapshot without PercentProgress (moto's DB snapshots): add one before it closes.
      if (percentProgress !== undefined && name.endsWith('Snapshot') && name in STATUS_ELEMENT && !closed.hasProgress) {
        edits.push({ at: m.index, end: m.index, text: `<PercentProgress>${percentProgress}</PercentProgress>` })
      }
      continue
    }
    const parent = stack[stack.length - 1]
    const isStatus = parent !== undefined && STATUS_ELEMENT[parent.name] === name
    const isProgress = percentProgress !== undefined && name === 'PercentProgress' && parent?.name.endsWith('Snapshot')
    const textEnd = isStatus || isProgress ? xml.indexOf(`</${name}>`, m.index + whole.length) : -1
    if (textEnd < 0) {
      stack.push({ name, hasProgress: false })
      continue
    }
    if (isProgress && parent) parent.hasProgress = true
    edits.push({ at: m.index + whole.length, end: textEnd, text: isStatus ? status : String(percentProgress) })
    tag.lastIndex = textEnd + name.length + 3
  }
  let out = ''
  let at = 0
  for (const e of edits.sort((a, b) => a.at - b.at)) {
    out += xml.slice(at, e.at) + e.text
    at = e.end
  }
  return out + xml.slice(at)
}

/** The API operation of a request: Query protocol (`Action=` in the body or URL) or JSON (`X-Amz-Target`). */
export function actionOf(req: Pick<IncomingMessage, 'headers' | 'url'>, body: Buffer): string {
  const target = req.headers['x-amz-target']
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1)
  const fromUrl = new URL(req.url ?? '/', 'http://x').searchParams.get('Action')
  if (fromUrl) return fromUrl
  const type = req.headers['content-type'] ?? ''
  if (type.includes('x-www-form-urlencoded')) return new URLSearchParams(body.toString('utf8')).get('Action') ?? ''
  return ''
}

function throttled(req: IncomingMessage, res: ServerResponse): void {
  const requestId = randomUUID()
  if (req.headers['x-amz-target']) {
    const body = JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' })
    res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': requestId })
    res.end(body)
    return
  }
  const body =
    '<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">' +
    '<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>' +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  res.writeHead(400, {
    'Content-Type': 'text/xml',
    'x-amzn-RequestId': requestId,
    'Content-Length': Buffer.byteLength(body),
  })
  res.end(body)
}

interface Rewrite extends RewriteOptions {
  status: string
  until: number
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target)
  const agent = new Agent({ keepAlive: true })
  const requests: ProxiedRequest[] = []
  const rewrites = new Map<string, Rewrite>()
  const throttles = new Map<string, number>()
  const resets = new Map<string, { after: number; match?: string }>()
  const failures = new Map<string, { status: number; times: number; match?: string; method?: string }>()
  const sockets = new Set<Socket>()

  const matches = (match: string | undefined, url: string, body: string) =>
    match === undefined || url.includes(match) || body.includes(match)

  function activeRewrite(action: string, url: string, body: string): Rewrite | undefined {
    const rule = rewrites.get(action)
    if (!rule) return undefined
    if (Date.now() > rule.until || (rule.times !== undefined && rule.times <= 0)) {
      rewrites.delete(action)
      return undefined
    }
    return matches(rule.match, url, body) ? rule : undefined
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const action = actionOf(req, body)
      const entry: ProxiedRequest = { action, method: req.method ?? 'GET', path: req.url ?? '/' }
      requests.push(entry)

      const bodyText = body.toString('utf8')
      const reset = resets.get(action)
      if (reset && matches(reset.match, entry.path, bodyText)) {
        if (reset.after <= 0) {
          resets.delete(action)
          entry.fault = 'reset'
          req.socket.resetAndDestroy()
          return
        }
        reset.after--
      }
      const failure = failures.get(action)
      if (
        failure &&
        failure.times > 0 &&
        matches(failure.match, entry.path, bodyText) &&
        (failure.method === undefined || failure.method === entry.method)
      ) {
        failure.times--
        entry.fault = 'status'
        const text = JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'injected by the fault proxy' }] })
        res.writeHead(failure.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
        res.end(text)
        return
      }
      const throttlesLeft = throttles.get(action) ?? 0
      if (throttlesLeft > 0) {
        throttles.set(action, throttlesLeft - 1)
        entry.fault = 'throttle'
        throttled(req, res)
        return
      }
      const rewrite = activeRewrite(action, entry.path, bodyText)

      // Headers as received, Host included (it is part of the SigV4 signature).
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.rawHeaders,
          agent,
        },
        (up) => {
          res.sendDate = false
          if (!rewrite) {
            res.writeHead(up.statusCode ?? 502, up.statusMessage, up.rawHeaders)
            up.pipe(res)
            return
          }
          const parts: Buffer[] = []
          up.on('data', (c: Buffer) => parts.push(c))
          up.on('end', () => {
            const original = Buffer.concat(parts).toString('utf8')
            const text = rewriteXmlStatus(original, rewrite.status, rewrite.percentProgress)
            if (text !== original) {
              entry.fault = 'rewrite'
              if (rewrite.times !== undefined) rewrite.times--
            }
            const raw: string[] = []
            for (let i = 0; i < up.rawHeaders.length; i += 2) {
              const name = up.rawHeaders[i]!.toLowerCase()
              if (name !== 'content-length' && name !== 'transfer-encoding')
                raw.push(up.rawHeaders[i]!, up.rawHeaders[i + 1]!)
            }
            raw.push('Content-Length', String(Buffer.byteLength(text)))
            res.writeHead(up.statusCode ?? 502, up.statusMessage, raw)
            res.end(text)
          })
        },
      )
      out.on('error', () => req.socket.destroy())
      out.end(body)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    count: (action) => (action === undefined ? requests.length : requests.filter((r) => r.action === action).length),
    rewriteStatus(action, status, options = {}) {
      rewrites.set(action, {
        ...options,
        status,
        until: options.forMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.forMs,
      })
    },
    throttle(action, times) {
      throttles.set(action, times)
    },
    resetOnce(action, options = {}) {
      resets.set(action, {
        after: options.after ?? 0,
        ...(options.match === undefined ? {} : { match: options.match }),
      })
    },
    failWith(action, status, options = {}) {
      failures.set(action, { ...options, status, times: options.times ?? 1 })
    },
    clear() {
      failures.clear()
      rewrites.clear()
      throttles.clear()
      resets.clear()
      requests.length = 0
    },
    async stop() {
      for (const s of sockets) s.destroy()
      agent.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
