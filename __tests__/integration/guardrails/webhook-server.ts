// A local HTTP server standing in for a Slack incoming webhook or a Teams Workflows webhook: it
// records each JSON body and answers with the status the test sets (Slack answers "ok", Teams 202).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface WebhookServer {
  url: string
  bodies: Array<Record<string, unknown>>
  answer: { status: number; body: string }
  stop(): Promise<void>
}

export async function startWebhook(answer: { status: number; body: string }): Promise<WebhookServer> {
  const hook: WebhookServer = { url: '', bodies: [], answer, stop: async () => {} }
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    hook.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
    res.writeHead(hook.answer.status, { 'content-type': 'text/plain' })
    res.end(hook.answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secretpart`
  hook.stop = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return hook
}
