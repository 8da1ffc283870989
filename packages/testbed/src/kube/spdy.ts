// SPDY/3.1 port-forward, the kubelet end as kubectl speaks to it: plain (an `Upgrade: SPDY/3.1`
// request with `X-Stream-Protocol-Version: portforward.k8s.io`, kubectl's fallback) or tunnelled
// through a WebSocket (`SPDY/3.1+portforward.k8s.io`, what kubectl 1.31+ tries first: the SPDY
// bytes travel as binary messages). Per forwarded connection the client opens an error stream and
// a data stream (headers `streamtype`, `port`, `requestid`: client-go tools/portforward
// handleConnection); every stream is answered with SYN_REPLY (apimachinery httpstream/spdy), data
// goes to the pod port's target (port-forward.ts), a failure is written on the error stream, and
// both streams are closed (FIN) when the connection ends so the client's wait for the error
// stream returns. Only what the protocol needs here: no flow control is enforced (kubectl's
// spdystream does not wait for window updates on streams this small) and no server push.
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { constants, createDeflate, type Deflate, inflateSync } from 'node:zlib'
import { dialPodPort } from './port-forward.ts'
import type { KObj } from './types.ts'
import type { WebSocketConnection } from './websocket.ts'

export const SPDY_SERVED = true

const SYN_STREAM = 1
const SYN_REPLY = 2
const RST_STREAM = 3
const PING = 6
const GOAWAY = 7
const FLAG_FIN = 0x01

/**
 * The SPDY/3 header compression dictionary (draft-mbelshe-httpbis-spdy-00, 2.6.10.1): these words,
 * each with a 4-byte big-endian length, then the status lines, dates and types as plain text.
 */
const DICTIONARY_WORDS =
  'options head post put delete trace accept accept-charset accept-encoding accept-language accept-ranges age allow authorization cache-control connection content-base content-encoding content-language content-length content-location content-md5 content-range content-type date etag expect expires from host if-match if-modified-since if-none-match if-range if-unmodified-since last-modified location max-forwards pragma proxy-authenticate proxy-authorization range referer retry-after server te trailer transfer-encoding upgrade user-agent vary via warning www-authenticate method get status |200 OK| version HTTP/1.1 url public set-cookie keep-alive origin'
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.'

export const SPDY3_DICTIONARY: Buffer = (() => {
  const words = DICTIONARY_WORDS.match(/\|[^|]+\||\S+/g)!.map((w) => w.replace(/\|/g, ''))
  const parts: Buffer[] = []
  for (const w of words) {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(w.length, 0)
    parts.push(len, Buffer.from(w, 'latin1'))
  }
  parts.push(Buffer.from(DICTIONARY_TAIL, 'latin1'))
  return Buffer.concat(parts)
})()

/** Where SPDY bytes go and come from: the raw socket, or WebSocket binary messages. */
interface Transport {
  write(data: Buffer): void
  onData(fn: (data: Buffer) => void): void
  onClose(fn: () => void): void
  close(): void
}

export function serveSpdyOverWebSocket(ws: WebSocketConnection, pod: KObj): void {
  serve(
    {
      write: (d) => ws.send(d),
      onData: (fn) => ws.onMessage((d) => fn(d)),
      onClose: (fn) => ws.onClose(fn),
      close: () => ws.close(),
    },
    pod,
  )
}

export function serveSpdyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, pod: KObj): void {
  const protocols = String(req.headers['x-stream-protocol-version'] ?? '')
    .split(',')
    .map((p) => p.trim())
  if (!protocols.includes('portforward.k8s.io')) {
    const body = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'unable to upgrade: no common protocol (portforward.k8s.io)',
      reason: 'BadRequest',
      code: 400,
    })
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
    return
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n',
  )
  const closeFns: Array<() => void> = []
  socket.on('close', () => {
    for (const fn of closeFns) fn()
  })
  const transport: Transport = {
    write: (d) => {
      if (!socket.destroyed) socket.write(d)
    },
    onData: (fn) => {
      socket.on('data', (d: Buffer) => fn(d))
      if (head.length) queueMicrotask(() => fn(head))
    },
    onClose: (fn) => closeFns.push(fn),
    close: () => socket.end(),
  }
  serve(transport, pod)
}

interface Stream {
  id: number
  type: string
  port: number
  requestId: string
  conn?: Socket
  finSent: boolean
}

function serve(t: Transport, pod: KObj): void {
  const streams = new Map<number, Stream>()
  /** Error streams by request id, to say what failed on the right one. */
  const errorStreams = new Map<string, Stream>()
  let inflated: Buffer[] = []
  // One zlib stream per direction and connection, as SPDY keeps the header compression context.
  const inflater = { chunks: [] as Buffer[] }
  const deflater: Deflate = createDeflate({ dictionary: SPDY3_DICTIONARY })
  let out = Promise.resolve()
  const queue = (fn: () => Promise<void> | void) => {
    out = out.then(fn).catch(() => {})
  }
  const control = (type: number, flags: number, data: Buffer) => {
    const head = Buffer.alloc(8)
    head.writeUInt16BE(0x8003, 0)
    head.writeUInt16BE(type, 2)
    head.writeUInt32BE(data.length, 4)
    head[4] = flags
    t.write(Buffer.concat([head, data]))
  }
  const dataFrame = (id: number, flags: number, data: Buffer) => {
    const head = Buffer.alloc(8)
    head.writeUInt32BE(id & 0x7fffffff, 0)
    head.writeUInt32BE(data.length, 4)
    head[4] = flags
    t.write(Buffer.concat([head, data]))
  }
  const compress = (headers: Buffer) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = []
      const onData = (c: Buffer) => chunks.push(c)
      deflater.on('data', onData)
      deflater.write(headers)
      deflater.flush(constants.Z_SYNC_FLUSH, () => {
        deflater.off('data', onData)
        resolve(Buffer.concat(chunks))
      })
    })
  const reply = (id: number) =>
    queue(async () => {
      const block = await compress(Buffer.alloc(4)) // no headers
      const body = Buffer.alloc(4)
      body.writeUInt32BE(id, 0)
      control(SYN_REPLY, 0, Buffer.concat([body, block]))
    })
  const send = (s: Stream, data: Buffer, fin = false) => queue(() => dataFrame(s.id, fin ? FLAG_FIN : 0, data))
  const finish = (s: Stream | undefined) => {
    if (!s || s.finSent) return
    s.finSent = true
    send(s, Buffer.alloc(0), true)
  }

  const headersOf = (block: Buffer): Map<string, string> => {
    inflater.chunks.push(block)
    // The client's header blocks form one zlib stream: inflate all of it so far, keep the new part.
    const all = inflateSync(Buffer.concat(inflater.chunks), {
      dictionary: SPDY3_DICTIONARY,
      finishFlush: constants.Z_SYNC_FLUSH,
    })
    const seen = inflated.reduce((n, b) => n + b.length, 0)
    const fresh = all.subarray(seen)
    inflated = [all]
    const headers = new Map<string, string>()
    let at = 4
    const count = fresh.readUInt32BE(0)
    for (let i = 0; i < count; i++) {
      const klen = fresh.readUInt32BE(at)
      const key = fresh.subarray(at + 4, at + 4 + klen).toString('latin1')
      at += 4 + klen
      const vlen = fresh.readUInt32BE(at)
      headers.set(
        key.toLowerCase(),
        fresh
          .subarray(at + 4, at + 4 + vlen)
          .toString('latin1')
          .split('\0')[0]!,
      )
      at += 4 + vlen
    }
    return headers
  }

  const open = (s: Stream) => {
    if (s.type === 'error') {
      errorStreams.set(s.requestId, s)
      return
    }
    if (s.type !== 'data') return
    const conn = dialPodPort(pod, s.port, (message) => {
      const err = errorStreams.get(s.requestId)
      if (err) {
        send(err, Buffer.from(message))
        finish(err)
      }
      finish(s)
    })
    if (!conn) return
    s.conn = conn
    conn.on('data', (chunk: Buffer) => send(s, chunk))
    conn.on('close', () => {
      finish(s)
      finish(errorStreams.get(s.requestId))
      errorStreams.delete(s.requestId)
    })
  }

  let buffer: Buffer = Buffer.alloc(0)
  t.onData((chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk
    while (buffer.length >= 8) {
      const length = buffer.readUInt32BE(4) & 0xffffff
      if (buffer.length < 8 + length) break
      const flags = buffer[4]!
      const body = buffer.subarray(8, 8 + length)
      const isControl = (buffer[0]! & 0x80) !== 0
      const type = buffer.readUInt16BE(2)
      const streamWord = buffer.readUInt32BE(0) & 0x7fffffff
      buffer = buffer.subarray(8 + length)
      if (!isControl) {
        const s = streams.get(streamWord)
        if (s?.conn && body.length) s.conn.write(body)
        if (s && flags & FLAG_FIN) s.conn?.end()
        continue
      }
      if (type === SYN_STREAM) {
        const id = body.readUInt32BE(0) & 0x7fffffff
        let headers: Map<string, string>
        try {
          headers = headersOf(Buffer.from(body.subarray(10)))
        } catch {
          control(GOAWAY, 0, Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]))
          t.close()
          return
        }
        const s: Stream = {
          id,
          type: headers.get('streamtype') ?? '',
          port: Number(headers.get('port') ?? 0),
          requestId: headers.get('requestid') ?? String(id),
          finSent: false,
        }
        streams.set(id, s)
        reply(id)
        queue(() => open(s))
      } else if (type === PING) {
        queue(() => control(PING, 0, Buffer.from(body)))
      } else if (type === RST_STREAM) {
        const s = streams.get(body.readUInt32BE(0) & 0x7fffffff)
        s?.conn?.destroy()
      } else if (type === GOAWAY) {
        t.close()
      }
      // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do for port-forward.
    }
  })
  t.onClose(() => {
    for (const s of streams.values()) s.conn?.destroy()
    deflater.close()
  })
}
