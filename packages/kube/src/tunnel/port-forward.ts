// A local loopback port that reaches a pod's port through the API server: each TCP connection
// accepted on 127.0.0.1 opens one port-forward WebSocket (client-node's PortForward, the
// `v4.channel.k8s.io` protocol: channel 0 data, channel 1 errors, each opened by the port number)
// and is bridged to it. A connection the server ends or an error on the error channel ends the
// local one at once, so a client (the database driver) sees the tunnel drop instead of hanging.
import { createServer, type Server, type Socket } from 'node:net'
import { Writable } from 'node:stream'
import type { KubeConfig } from '@kubernetes/client-node'
import type { PodPort } from './spec.ts'

export interface LocalForward {
  host: '127.0.0.1'
  port: number
  /** What went wrong on any forwarded connection so far (the API server's or the pod's words). */
  errors: string[]
  /** Connections opened through the tunnel so far. */
  connections(): number
  /** Stops accepting and ends every forwarded connection (idempotent). */
  close(): Promise<void>
}

interface Closeable {
  close(): void
  terminate?: () => void
  on?(event: string, fn: (...args: unknown[]) => void): void
  readyState?: number
}

/** Opens 127.0.0.1:<free port> forwarding to `target` through the cluster's API server. */
export async function openLocalForward(
  kc: KubeConfig,
  target: PodPort,
  options: { onError?: (message: string) => void } = {},
): Promise<LocalForward> {
  const k8s = await import('@kubernetes/client-node')
  const forwarder = new k8s.PortForward(kc, true)
  const sockets = new Set<Socket>()
  const sockets2ws = new Map<Socket, Closeable>()
  const errors: string[] = []
  let opened = 0
  let closing = false
  const fail = (socket: Socket, message: string) => {
    const line = message.trim()
    if (line && !errors.includes(line)) {
      errors.push(line)
      options.onError?.(line)
    }
    socket.destroy()
  }

  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    if (closing) return socket.destroy()
    sockets.add(socket)
    opened++
    socket.on('close', () => {
      sockets.delete(socket)
      const ws = sockets2ws.get(socket)
      sockets2ws.delete(socket)
      ws?.close()
    })
    socket.on('error', () => socket.destroy())
    const errStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        // The first frame of the error channel is only the port number (client-node strips it).
        if (chunk.length > 0)
          fail(socket, `port-forward to ${target.namespace}/${target.pod}:${target.port}: ${chunk.toString('utf8')}`)
        done()
      },
    })
    forwarder
      .portForward(target.namespace, target.pod, [target.port], socket, errStream, socket)
      .then((opened) => {
        const ws = (typeof opened === 'function' ? opened() : opened) as unknown as Closeable | null
        if (!ws) return fail(socket, 'port-forward: no connection')
        if (socket.destroyed) return ws.close()
        sockets2ws.set(socket, ws)
        // The stream ended by the server (pod gone, API server restarted, connection cut): end ours.
        ws.on?.('close', () => socket.destroy())
        ws.on?.('error', (error) => fail(socket, `port-forward: ${(error as Error)?.message ?? String(error)}`))
        socket.resume()
      })
      .catch((error: unknown) =>
        fail(socket, `port-forward to ${target.namespace}/${target.pod}:${target.port} refused: ${describe(error)}`),
      )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    host: '127.0.0.1',
    port,
    errors,
    connections: () => opened,
    async close() {
      if (closing) return
      closing = true
      for (const ws of sockets2ws.values()) ws.terminate?.() ?? ws.close()
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The handshake's refusal: the API server's Status message where it sent one. */
function describe(error: unknown): string {
  const e = error as { message?: string; target?: unknown; error?: Error } | undefined
  // ws's ErrorEvent wraps the real error (`Unexpected server response: 403`).
  const message = e?.error?.message ?? e?.message ?? String(error)
  return message.split('\n')[0] ?? message
}
