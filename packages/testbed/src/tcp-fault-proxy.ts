// A TCP proxy on 127.0.0.1 in front of any TCP service (PostgreSQL behind a tunnel), controlled
// from tests: it forwards bytes both ways until told to cut every open connection (as a network
// drop: both sides reset) or to refuse new ones. Counts connections and bytes, so a test can wait
// for traffic before it cuts.

import type { AddressInfo } from 'node:net'
import { connect, createServer, type Socket } from 'node:net'

export interface TcpFaultProxy {
  host: '127.0.0.1'
  port: number
  /** Connections accepted so far. */
  connections(): number
  /** Open connections now. */
  open(): number
  /** Resets every open connection (both sides); returns how many were cut. */
  cutAll(): number
  /** While true, new connections are reset at once. */
  refuse(on: boolean): void
  stop(): Promise<void>
}

export async function startTcpFaultProxy(target: { host: string; port: number }): Promise<TcpFaultProxy> {
  const pairs = new Set<[Socket, Socket]>()
  let accepted = 0
  let refusing = false
  const server = createServer((client) => {
    accepted++
    if (refusing) {
      client.resetAndDestroy()
      return
    }
    const upstream = connect(target)
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end)
    upstream.on('error', end)
    client.on('close', end)
    upstream.on('close', end)
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    host: '127.0.0.1',
    port,
    connections: () => accepted,
    open: () => pairs.size,
    cutAll() {
      const n = pairs.size
      for (const [a, b] of [...pairs]) {
        a.resetAndDestroy()
        b.resetAndDestroy()
      }
      pairs.clear()
      return n
    },
    refuse(on) {
      refusing = on
    },
    async stop() {
      for (const [a, b] of pairs) {
        a.destroy()
        b.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
