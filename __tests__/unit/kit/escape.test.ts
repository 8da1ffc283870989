// escapeCommandText: text from users and files can never start a workflow command, whatever
// line it lands on; and commandSafeStream applies it to a subprocess's output.
import { Writable } from 'node:stream'
import { escapeCommandText } from '@deploy-actions/kit'
import { commandSafeStream } from '@deploy-actions/kit/runtime'

/** What the runner would take for a command: a line starting with `::` after whitespace, or `##[` anywhere. */
const commandLines = (text: string) => text.split(/\r\n|\r|\n|\u2028|\u2029/).filter((l) => /^\s*::|##\[/.test(l))

describe('escapeCommandText', () => {
  test.each([
    ['::add-mask::hunter2'],
    ['check\n::error::injected'],
    ['name\r::warning file=a.sql::x'],
    ['a\r\n  \t::stop-commands::tok'],
    ['x\u2028::group::g'],
    ['##[error]old form'],
    ['text then ##[add-mask]secret mid-line'],
    ['::::'],
  ])('%j starts no command', (text) => {
    expect(commandLines(text)).not.toEqual([])
    const escaped = escapeCommandText(text)
    expect(commandLines(escaped)).toEqual([])
    // Only zero-width spaces were added: the text reads the same.
    expect(escaped.replace(/\u200b/g, '')).toBe(text)
  })

  test.each([['plain text'], ['a :: b in the middle'], ['https://x/a::b'], ['']])('%j is unchanged', (text) => {
    expect(escapeCommandText(text)).toBe(text)
  })
})

describe('commandSafeStream', () => {
  test('escapes lines split across chunks and flushes the last partial line', async () => {
    let out = ''
    const sink = new Writable({
      write(chunk, _e, done) {
        out += chunk.toString()
        done()
      },
    })
    const s = commandSafeStream(sink)
    for (const chunk of ['[command]docker build --label a=b', '\n:', ':error::x\nok\n', '::add-mask::tail'])
      s.write(chunk)
    await new Promise<void>((resolve) => s.end(resolve))
    expect(commandLines(out)).toEqual([])
    expect(out.replace(/\u200b/g, '')).toBe('[command]docker build --label a=b\n::error::x\nok\n::add-mask::tail')
  })
})
