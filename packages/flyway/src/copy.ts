// `COPY … FROM STDIN` with the data lines that follow it in the script (pg_dump's default
// format), as Flyway's PostgreSQLCopyParsedStatement streams them through the driver's CopyManager.
// `pg` runs the copy sub-protocol for any "submittable" query object: on CopyInResponse we send
// the data and CopyDone; the result (or the error) arrives before ReadyForQuery.
import type pg from 'pg'

interface CopyConnection {
  query(text: string): void
  sendCopyFromChunk(chunk: Buffer): void
  endCopyFrom(): void
}

/** Runs `sql` (a COPY … FROM STDIN) feeding it `data`; resolves with the number of rows copied. */
export function copyFromStdin(client: pg.Client, sql: string, data: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0
    let failed = false
    const submittable = {
      submit(connection: CopyConnection) {
        connection.query(sql)
      },
      handleCopyInResponse(connection: CopyConnection) {
        if (data) connection.sendCopyFromChunk(Buffer.from(data, 'utf8'))
        connection.endCopyFrom()
      },
      handleCommandComplete(msg: { text?: string }) {
        rows = Number(/(\d+)\s*$/.exec(msg.text ?? '')?.[1] ?? 0)
      },
      handleError(error: Error) {
        failed = true
        reject(error)
      },
      handleReadyForQuery() {
        if (!failed) resolve(rows)
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleCopyData() {},
    }
    client.query(submittable as unknown as pg.QueryConfig)
  })
}
