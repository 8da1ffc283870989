// SPDY/3.1 port-forward (kubectl): not served yet. The upgrade is refused with a Status, so the
// client reports it instead of hanging.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { KObj } from './types.ts'
import type { WebSocketConnection } from './websocket.ts'

export const SPDY_SERVED = false

export function serveSpdyOverWebSocket(ws: WebSocketConnection, _pod: KObj): void {
  ws.close(1011, 'SPDY port-forward is not served by the simulator')
}

export function serveSpdyUpgrade(_req: IncomingMessage, socket: Duplex, _head: Buffer, _pod: KObj): void {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'SPDY port-forward is not served by the simulator',
    reason: 'BadRequest',
    code: 400,
  })
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}
