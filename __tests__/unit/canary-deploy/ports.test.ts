import { isTransient, retryingReads } from '../../../actions/canary-deploy/src/ports.ts'

const reset = () =>
  Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
  })

describe('retryingReads', () => {
  it.each<[string, unknown, boolean]>([
    ['a reset socket', reset(), true],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    ['an HTTP answer (404)', Object.assign(new Error('not found'), { code: 404 }), false],
    ['anything else', new Error('boom'), false],
  ])('%s is transient: %s', (_, error, transient) => expect(isTransient(error)).toBe(transient))

  it('retries a read whose connection broke, not a write', async () => {
    let reads = 0
    let writes = 0
    const api = {
      async read() {
        if (++reads < 3) throw reset()
        return 'ok'
      },
      async write() {
        writes++
        throw reset()
      },
    }
    const wrapped = retryingReads(api, ['read'])
    await expect(wrapped.read()).resolves.toBe('ok')
    expect(reads).toBe(3)
    await expect(wrapped.write()).rejects.toThrow('fetch failed')
    expect(writes).toBe(1)
  })
})
