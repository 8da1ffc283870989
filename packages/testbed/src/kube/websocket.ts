// The server side of RFC 6455, as much as the API server's streaming endpoints need: the opening
// handshake with a chosen subprotocol, frames in (masked, fragmented, ping/close handled) and
// binary frames out, with the close handshake. No dependency: the framing is small and the
// simulator must not lean on a client library's server half.
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

export interface WebSocketConnection {
  protocol: string
  /** Sends one binary message. */
  send(data: Buffer): void
  /** Close handshake (code 1000 unless told), then the socket ends. */
  close(code?: number, reason?: string): void
  onMessage(fn: (data: Buffer, binary: boolean) => void): void
  /** Once, when the socket is gone (closed by either side, or broken). */
  onClose(fn: () => void): void
}

/** The subprotocols the client offers, in its order of preference. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol']
  const text = Array.isArray(header) ? header.join(',') : (header ?? '')
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === 'websocket'
}

/** Completes the handshake with `protocol` and returns the connection. */
export function acceptWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocol: string,
): WebSocketConnection {
  const key = String(req.headers['sec-websocket-key'] ?? '')
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64')
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`,
      ...(protocol ? [`Sec-WebSocket-Protocol: ${protocol}`] : []),
      '',
      '',
    ].join('\r\n'),
  )
  let onMessage: (data: Buffer, binary: boolean) => void = () => {}
  const closeHandlers: Array<() => void> = []
  let closed = false
  let closeSent = false
  const finish = () => {
    if (closed) return
    closed = true
    for (const fn of closeHandlers) fn()
  }
  socket.on('close', finish)
  socket.on('error', () => socket.destroy())

  const frame = (opcode: number, payload: Buffer): Buffer => {
    const n = payload.length
    const head = n < 126 ? Buffer.alloc(2) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10)
    head[0] = 0x80 | opcode
    if (n < 126) head[1] = n
    else if (n < 65536) {
      head[1] = 126
      head.writeUInt16BE(n, 2)
    } else {
      head[1] = 127
      head.writeBigUInt64BE(BigInt(n), 2)
    }
    return Buffer.concat([head, payload])
  }
  const write = (opcode: number, payload: Buffer) => {
    if (!socket.destroyed && socket.writable) socket.write(frame(opcode, payload))
  }
  const close = (code = 1000, reason = '') => {
    if (closeSent) return
    closeSent = true
    const body = Buffer.alloc(2 + Buffer.byteLength(reason))
    body.writeUInt16BE(code, 0)
    body.write(reason, 2)
    write(0x8, body)
    socket.end()
    // A client that never answers the close does not hold the socket open.
    setTimeout(() => socket.destroy(), 1000).unref()
  }

  let buffer: Buffer = head.length ? Buffer.from(head) : Buffer.alloc(0)
  let fragments: Buffer[] = []
  let fragmentBinary = true
  const parse = () => {
    for (;;) {
      if (buffer.length < 2) return
      const fin = (buffer[0]! & 0x80) !== 0
      const opcode = buffer[0]! & 0x0f
      const masked = (buffer[1]! & 0x80) !== 0
      let length = buffer[1]! & 0x7f
      let offset = 2
      if (length === 126) {
        if (buffer.length < 4) return
        length = buffer.readUInt16BE(2)
        offset = 4
      } else if (length === 127) {
        if (buffer.length < 10) return
        length = Number(buffer.readBigUInt64BE(2))
        offset = 10
      }
      const maskAt = offset
      if (masked) offset += 4
      if (buffer.length < offset + length) return
      const payload = Buffer.from(buffer.subarray(offset, offset + length))
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buffer[maskAt + (i % 4)]!
      buffer = buffer.subarray(offset + length)
      if (opcode === 0x8) {
        // The peer's close: answer it and end (RFC 6455 5.5.1).
        close(payload.length >= 2 ? payload.readUInt16BE(0) : 1000)
        return
      }
      if (opcode === 0x9) {
        write(0xa, payload)
        continue
      }
      if (opcode === 0xa) continue
      if (opcode === 0x1 || opcode === 0x2) {
        fragmentBinary = opcode === 0x2
        fragments = [payload]
      } else if (opcode === 0x0) fragments.push(payload)
      else {
        close(1002, 'unknown opcode')
        return
      }
      if (fin) {
        const data = fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments)
        fragments = []
        onMessage(data, fragmentBinary)
      }
    }
  }
  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk
    parse()
  })
  if (buffer.length) queueMicrotask(parse)
  return {
    protocol,
    send: (data) => write(0x2, data),
    close,
    onMessage(fn) {
      onMessage = fn
    },
    onClose(fn) {
      if (closed) fn()
      else closeHandlers.push(fn)
    },
  }
}
