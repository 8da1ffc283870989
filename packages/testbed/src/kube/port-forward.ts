// `pods/<name>/portforward`: the simulator's kubelet end of a port-forward. Nothing runs in a
// simulated pod, so a forwarded port reaches a local target the pod names:
//  - the annotation `testbed.deploy-actions.dev/port-forward: "5432=127.0.0.1:15432,8080=127.0.0.1:9000"`
//    (tests), else
//  - a TCP proxy's own arguments, as socat takes them: `TCP-LISTEN:<port>,…` and
//    `TCP:<host>:<port>` (or TCP4:, TCP-CONNECT:) — the proxy pod of a database tunnel;
//  - otherwise nothing listens, and the client gets the kubelet's "connection refused" on the
//    port's error stream.
// Protocols, as the kubelet serves them (pkg/kubelet/cri/streaming/portforward): WebSocket with
// `v4.channel.k8s.io` (client-node, and kubectl's `channel.k8s.io` base), where each port has a
// data channel 2i and an error channel 2i+1, each opened by a frame holding the port as a
// little-endian uint16 (websocket.go), and SPDY/3.1 (`portforward.k8s.io`), plain or tunnelled
// through a WebSocket as kubectl 1.31+ first tries (`SPDY/3.1+portforward.k8s.io`), in spdy.ts.
import type { IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Api } from './api.ts'
import { resourceByKind } from './resources.ts'
import { ApiError } from './status.ts'
import type { KObj } from './types.ts'
import { acceptWebSocket, isWebSocketUpgrade, offeredProtocols } from './websocket.ts'

export const PORT_FORWARD_ANNOTATION = 'testbed.deploy-actions.dev/port-forward'
const PODS = resourceByKind('Pod')
const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward\/?$/

/** WebSocket subprotocols of the channel protocol the kubelet's port-forward accepts. */
const CHANNEL_PROTOCOLS = ['v4.channel.k8s.io', 'channel.k8s.io']
/** kubectl's SPDY-over-WebSocket tunnel (client-go tools/portforward tunneling dialer). */
export const SPDY_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io'

export interface Target {
  host: string
  port: number
}

/** Where `port` of `pod` leads, or undefined when nothing listens on it. */
export function forwardTarget(pod: KObj, port: number): Target | undefined {
  const annotation = pod.metadata?.annotations?.[PORT_FORWARD_ANNOTATION]
  if (typeof annotation === 'string') {
    for (const entry of annotation.split(',')) {
      const m = /^\s*(\d+)\s*=\s*(.+):(\d+)\s*$/.exec(entry)
      if (m && Number(m[1]) === port) return { host: m[2]!.replace(/^\[|\]$/g, ''), port: Number(m[3]) }
    }
  }
  for (const c of pod.spec?.containers ?? []) {
    const args: string[] = [...(c.command ?? []), ...(c.args ?? [])].map(String)
    const listens = args.some((a) => {
      const m = /^TCP[46]?-LISTEN:(\d+)/i.exec(a)
      return m !== null && Number(m[1]) === port
    })
    if (!listens) continue
    for (const a of args) {
      const m = /^TCP[46]?(?:-CONNECT)?:(\[[^\]]+\]|[^:,]+):(\d+)/i.exec(a)
      if (m) return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) }
    }
  }
  return undefined
}

/** The kubelet's words when nothing listens on the port (kuberuntime PortForward, dial refused). */
export function refusedMessage(pod: KObj, port: number, detail?: string): string {
  const uid = pod.metadata?.uid ?? ''
  return `error forwarding port ${port} to pod ${uid}, uid : failed to connect to localhost:${port} inside namespace "${uid}", IPv4: ${detail ?? `dial tcp4 127.0.0.1:${port}: connect: connection refused`} IPv6 dial tcp6 [::1]:${port}: connect: connection refused `
}

/** Opens a connection to what the pod's port leads to; `onError` gets the kubelet's message. */
export function dialPodPort(pod: KObj, port: number, onError: (message: string) => void): Socket | undefined {
  const target = forwardTarget(pod, port)
  if (!target) {
    onError(refusedMessage(pod, port))
    return undefined
  }
  const socket = connect({ host: target.host, port: target.port })
  socket.once('error', (error: NodeJS.ErrnoException) => {
    if (socket.connecting || socket.bytesRead === 0)
      onError(
        refusedMessage(
          pod,
          port,
          `dial tcp4 ${target.host}:${target.port}: connect: ${error.code === 'ECONNREFUSED' ? 'connection refused' : error.message}`,
        ),
      )
  })
  return socket
}

function refuse(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(error.toStatus())
  socket.end(
    `HTTP/1.1 ${error.code} ${error.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

function portsOf(url: URL): number[] {
  const ports = url.searchParams
    .getAll('ports')
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean)
  if (ports.length === 0) throw new ApiError(400, 'BadRequest', 'at least one port must be specified')
  return ports.map((p) => {
    const n = Number(p)
    if (!/^\d+$/.test(p) || n < 1 || n > 65535)
      throw new ApiError(400, 'BadRequest', `invalid port ${JSON.stringify(p)}`)
    return n
  })
}

/** The running pod a port-forward request names (ApiError otherwise, as the API server answers). */
function runningPod(api: Api, namespace: string, name: string): KObj {
  const pod = api.store.tryGet(PODS, namespace, name)
  if (!pod) throw new ApiError(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' })
  if (pod.status?.phase !== 'Running')
    throw new ApiError(400, 'BadRequest', `pod ${name} is not running (phase ${pod.status?.phase ?? 'Pending'})`)
  return pod
}

/**
 * The HTTP server's `upgrade` handler. Answers port-forward requests; any other upgrade (exec,
 * attach) gets a Status saying it is not served here.
 */
export function handleUpgrade(api: Api, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => socket.destroy())
  const url = new URL(req.url ?? '/', 'http://simulator')
  const m = PATH.exec(url.pathname)
  try {
    if (!m)
      throw new ApiError(
        400,
        'BadRequest',
        `upgrade requests are served only for pods/portforward, not ${url.pathname}`,
      )
    const pod = runningPod(api, decodeURIComponent(m[1]!), decodeURIComponent(m[2]!))
    // SPDY names each stream's port in its headers; the channel protocol takes them from the query.
    if (isWebSocketUpgrade(req)) {
      const offered = offeredProtocols(req)
      if (offered.includes(SPDY_TUNNEL_PROTOCOL)) {
        const ws = acceptWebSocket(req, socket, head, SPDY_TUNNEL_PROTOCOL)
        void import('./spdy.ts').then(({ serveSpdyOverWebSocket }) => serveSpdyOverWebSocket(ws, pod))
        return
      }
      const protocol = offered.find((p) => CHANNEL_PROTOCOLS.includes(p)) ?? (offered.length === 0 ? '' : undefined)
      if (protocol === undefined)
        throw new ApiError(
          400,
          'BadRequest',
          `none of the offered subprotocols ${offered.join(', ')} is served (${[SPDY_TUNNEL_PROTOCOL, ...CHANNEL_PROTOCOLS].join(', ')})`,
        )
      const ports = portsOf(url)
      serveChannels(acceptWebSocket(req, socket, head, protocol), pod, ports)
      return
    }
    if (/^SPDY\/3\.1$/i.test(String(req.headers.upgrade ?? ''))) {
      void import('./spdy.ts').then(({ serveSpdyUpgrade }) => serveSpdyUpgrade(req, socket, head, pod))
      return
    }
    throw new ApiError(400, 'BadRequest', `unsupported upgrade ${JSON.stringify(req.headers.upgrade ?? '')}`)
  } catch (error) {
    refuse(socket, error instanceof ApiError ? error : new ApiError(500, 'InternalError', String(error)))
  }
}

/** The channel protocol (websocket.go): data 2i and error 2i+1 per port, the port first on each. */
function serveChannels(ws: ReturnType<typeof acceptWebSocket>, pod: KObj, ports: number[]): void {
  const conns: Array<Socket | undefined> = []
  let open = ports.length
  const done = () => {
    if (--open <= 0) ws.close()
  }
  ports.forEach((port, i) => {
    const portBytes = Buffer.alloc(2)
    portBytes.writeUInt16LE(port, 0)
    ws.send(Buffer.concat([Buffer.from([2 * i]), portBytes]))
    ws.send(Buffer.concat([Buffer.from([2 * i + 1]), portBytes]))
    let failed = false
    const conn = dialPodPort(pod, port, (message) => {
      failed = true
      ws.send(Buffer.concat([Buffer.from([2 * i + 1]), Buffer.from(message)]))
      done()
    })
    conns[i] = conn
    if (!conn) return
    conn.on('data', (chunk: Buffer) => ws.send(Buffer.concat([Buffer.from([2 * i]), chunk])))
    conn.on('close', () => {
      if (!failed) done()
    })
  })
  ws.onMessage((data) => {
    if (data.length === 0) return
    const channel = data[0]!
    // Client data frames carry raw bytes after the channel byte (the port prefix is the server's only).
    if (channel % 2 === 0) conns[channel / 2]?.write(data.subarray(1))
  })
  ws.onClose(() => {
    for (const c of conns) c?.destroy()
  })
}

/**
 * Serves port-forward on `server` (its `upgrade` event). Upgraded sockets leave the server's
 * connection tracking, so `closeAllConnections()` is extended to end them too: stopping the
 * simulator never waits on an open tunnel.
 */
export function attachPortForward(server: import('node:http').Server, api: Api): void {
  const upgraded = new Set<Duplex>()
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket)
    socket.once('close', () => upgraded.delete(socket))
    handleUpgrade(api, req, socket, head)
  })
  const closeAll = server.closeAllConnections.bind(server)
  server.closeAllConnections = () => {
    for (const s of upgraded) s.destroy()
    upgraded.clear()
    closeAll()
  }
}
