// secretParts, redactUrl, urlSecrets: every form in which a credential could be echoed or quoted.
import { redact, redactUrl, secretParts, urlSecrets } from '@deploy-actions/kit'

describe('secretParts', () => {
  test.each([
    ['Authorization', 'Bearer tok-0123456789', ['Bearer tok-0123456789', 'tok-0123456789']],
    ['X-Api-Key', 'key-abcdef', ['key-abcdef']],
    ['Cookie', 'session=s3ss10n; theme=dark', ['session=s3ss10n; theme=dark', 's3ss10n', 'dark']],
    [
      'Authorization',
      `Basic ${Buffer.from('app:hunter22').toString('base64')}`,
      [
        `Basic ${Buffer.from('app:hunter22').toString('base64')}`,
        Buffer.from('app:hunter22').toString('base64'),
        'app:hunter22',
        'hunter22',
      ],
    ],
    [
      'Authorization',
      'Digest username="u", response="r3sp0nse"',
      ['Digest username="u", response="r3sp0nse"', 'username="u", response="r3sp0nse"', 'u', 'r3sp0nse'],
    ],
  ])('%s: %s', (name, value, parts) => expect(secretParts(name, value)).toEqual(parts))
})

describe('redactUrl never quotes a credential', () => {
  test.each([
    ['https://user:pa55word@svc/echo', 'https://user:***@svc/echo'],
    ['https://ghp_token123@github.com/x', 'https://***@github.com/x'],
    ['https://svc/ok', 'https://svc/ok'],
    // Passwords that stop the URL from parsing: everything up to the last @ goes.
    ['http://app:pa/ss#w?rd@db.internal:5432/x', 'http://***@db.internal:5432/x'],
    ['postgres://app:s3cret@@host/db', 'postgres://app:***@host/db'],
    ['http//user:s3cret@host/health', '***@host/health'],
    ['not a url', 'not a url'],
  ])('%s → %s', (raw, shown) => {
    expect(redactUrl(raw)).toBe(shown)
    for (const secret of ['pa55word', 'pa/ss#w?rd', 's3cret', 'ghp_token123'])
      expect(redactUrl(raw)).not.toContain(secret)
  })

  test('urlSecrets gives the password raw and decoded, or a lone user', () => {
    expect(urlSecrets('https://u:p%40ss%2Fword@h/')).toEqual(['p%40ss%2Fword', 'p@ss/word'])
    expect(urlSecrets('https://tok_abcdef@h/')).toEqual(['tok_abcdef'])
    expect(urlSecrets('https://h/')).toEqual([])
  })

  test('redact replaces the longest secret first', () => {
    expect(redact('Bearer tok-0123456789 and tok-0123456789', ['tok-0123456789', 'Bearer tok-0123456789'])).toBe(
      '*** and ***',
    )
  })
})
