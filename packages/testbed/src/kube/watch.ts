// Watches: newline-delimited {"type","object"} frames, replay from a resourceVersion
// (410 Expired as an ERROR event when compacted), selector transitions as ADDED/DELETED,
// bookmarks when allowWatchBookmarks is set, and the watch-list initial-events-end bookmark.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { convertTo } from './conversion.ts'
import type { HttpContext } from './http.ts'
import { apiVersionOf, type ResourceDef, storageOf } from './resources.ts'
import { ApiError, badRequest } from './status.ts'
import { type ListFilter, matchesFilter, type StoreEvent } from './store.ts'
import { toTable, wantsTable } from './table.ts'
import type { KObj } from './types.ts'

export interface WatchRegistry {
  active: Set<ServerResponse>
  bookmarkIntervalMs: number
}

function frame(type: string, object: KObj): string {
  return `${JSON.stringify({ type, object })}\n`
}

/** Frames a watch event; for `kubectl get -w` (as=Table) each object is a one-row Table, columns in the first only. */
function framer(r: ResourceDef, q: URLSearchParams, table: boolean): (type: string, object: KObj) => string {
  let first = true
  return (type, stored) => {
    if (type === 'ERROR' || type === 'BOOKMARK') return frame(type, stored)
    // Objects come from the store; a converted version (autoscaling/v1) sees them converted.
    const object = convertTo(r, stored)
    if (!table) return frame(type, object)
    const t = toTable(r, [object], q, object.metadata?.resourceVersion ?? '', true)
    if (!first) t.columnDefinitions = []
    first = false
    return frame(type, t)
  }
}

function bookmark(r: ResourceDef, rv: number, initialEventsEnd = false): string {
  const metadata: KObj = { resourceVersion: String(rv), creationTimestamp: null }
  if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' }
  return frame('BOOKMARK', { kind: r.kind, apiVersion: apiVersionOf(r), metadata })
}

/** The event a watcher with this filter sees for a store event, if any. */
export function translate(event: StoreEvent, filter: ListFilter): { type: string; object: KObj } | undefined {
  const now = matchesFilter(event.object, filter)
  const before = event.previous ? matchesFilter(event.previous, filter) : false
  switch (event.type) {
    case 'ADDED':
      return now ? { type: 'ADDED', object: event.object } : undefined
    case 'DELETED':
      return before || now ? { type: 'DELETED', object: event.object } : undefined
    case 'MODIFIED':
      if (now && before) return { type: 'MODIFIED', object: event.object }
      if (now) return { type: 'ADDED', object: event.object }
      if (before) return { type: 'DELETED', object: event.object }
      return undefined
  }
  return undefined
}

export function serveWatch(
  ctx: HttpContext,
  r: ResourceDef,
  filter: ListFilter,
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const { api, watches } = ctx
  const store = api.store
  const rvParam = q.get('resourceVersion') ?? ''
  const sendInitial = q.get('sendInitialEvents') === 'true'
  const bookmarks = q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1'
  if (rvParam !== '' && !/^\d+$/.test(rvParam))
    throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a valid resource version`)
  const encode = framer(r, q, wantsTable(req.headers.accept ?? ''))
  const timeoutSeconds = Number(q.get('timeoutSeconds') ?? 1800 + Math.floor(Math.random() * 1800))

  // Work out the opening frames synchronously: the store cannot change under us here.
  const opening: string[] = []
  let lastRv = store.resourceVersion
  if (sendInitial || rvParam === '' || rvParam === '0') {
    for (const obj of store.list(storageOf(r), filter)) opening.push(encode('ADDED', obj))
    if (sendInitial) {
      if (!bookmarks) throw badRequest('sendInitialEvents is forbidden for watch unless allowWatchBookmarks=true')
      opening.push(bookmark(r, lastRv, true))
    }
  } else {
    try {
      for (const e of store.eventsSince(storageOf(r), Number(rvParam))) {
        const t = translate(e, filter)
        if (t) opening.push(encode(t.type, t.object))
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      opening.push(frame('ERROR', error.toStatus()))
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' })
      res.end(opening.join(''))
      return
    }
  }
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  })
  res.flushHeaders()
  if (opening.length) res.write(opening.join(''))
  const unsubscribe = store.subscribe((event) => {
    if (event.resource !== storageOf(r)) return
    lastRv = event.rv
    const t = translate(event, filter)
    if (t) res.write(encode(t.type, t.object))
  })
  watches.active.add(res)
  const timers: NodeJS.Timeout[] = []
  if (bookmarks) {
    const timer = setInterval(
      () => res.write(bookmark(r, Math.max(lastRv, store.resourceVersion))),
      watches.bookmarkIntervalMs,
    )
    timer.unref()
    timers.push(timer)
  }
  const finish = () => {
    unsubscribe()
    for (const t of timers) clearInterval(t)
    watches.active.delete(res)
  }
  const deadline = setTimeout(() => {
    if (bookmarks) res.write(bookmark(r, Math.max(lastRv, store.resourceVersion)))
    finish()
    res.end()
  }, timeoutSeconds * 1000)
  deadline.unref()
  timers.push(deadline)
  req.on('close', finish)
  res.on('close', finish)
}
