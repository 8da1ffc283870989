// The emulator's metrics in the Prometheus text exposition format 0.0.4: a request counter by
// version, image tag and status code, and a latency histogram by version and image tag.
// Names and the bucket bounds are the client libraries' defaults (client_golang DefBuckets).

export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

interface Histogram {
  labels: Record<string, string>
  counts: number[]
  sum: number
  count: number
}

/** A label value escaped as the text format wants it (backslash, quote, newline). */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64) for the values we write (bounds, sums). */
function num(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf'
  return String(v)
}

export class RequestMetrics {
  private readonly counters = new Map<string, { labels: Record<string, string>; value: number }>()
  private readonly histograms = new Map<string, Histogram>()

  observe(version: string, image: string, code: number, seconds: number): void {
    const counterLabels = { version, image, code: String(code) }
    const ck = labelText(counterLabels)
    const c = this.counters.get(ck) ?? { labels: counterLabels, value: 0 }
    c.value++
    this.counters.set(ck, c)
    const histLabels = { version, image }
    const hk = labelText(histLabels)
    let h = this.histograms.get(hk)
    if (!h) {
      h = { labels: histLabels, counts: BUCKETS.map(() => 0), sum: 0, count: 0 }
      this.histograms.set(hk, h)
    }
    for (const [i, le] of BUCKETS.entries()) if (seconds <= le) h.counts[i]!++
    h.sum += seconds
    h.count++
  }

  render(): string {
    const lines = [
      '# HELP http_requests_total Requests the emulated load balancer completed, by serving version, image tag and status code.',
      '# TYPE http_requests_total counter',
    ]
    const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v)
    for (const c of sorted(this.counters)) lines.push(`http_requests_total{${labelText(c.labels)}} ${c.value}`)
    lines.push(
      '# HELP http_request_duration_seconds Request latency seen by the emulated clients.',
      '# TYPE http_request_duration_seconds histogram',
    )
    for (const h of sorted(this.histograms)) {
      const base = labelText(h.labels)
      for (const [i, le] of BUCKETS.entries()) {
        lines.push(`http_request_duration_seconds_bucket{${base},le="${num(le)}"} ${h.counts[i]}`)
      }
      lines.push(`http_request_duration_seconds_bucket{${base},le="+Inf"} ${h.count}`)
      lines.push(`http_request_duration_seconds_sum{${base}} ${num(h.sum)}`)
      lines.push(`http_request_duration_seconds_count{${base}} ${h.count}`)
    }
    return `${lines.join('\n')}\n`
  }
}
