import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DirectoryCustomer } from '../../functions/domain/audience.ts';
import { sortedReasons, withSuppressions } from '../../functions/domain/suppression.ts';
import { addressHash, normaliseAddress, signToken } from '../../functions/domain/token.ts';

const SECRET = 'a-test-secret-of-at-least-32-characters!';

/** The same address as people type it: any letters upper-cased, blanks around it. */
const variantOf = fc
  .tuple(
    fc.emailAddress(),
    fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
    fc.constantFrom('', ' ', '\t', '  ', '\n', ' \u00a0'),
    fc.constantFrom('', ' ', '\t', '\r\n'),
  )
  .map(([address, upper, before, after]) => ({
    address,
    variant: `${before}${[...address].map((ch, i) => (upper[i % 64] ? ch.toUpperCase() : ch)).join('')}${after}`,
  }));

describe('addressHash', () => {
  it('should hash addresses differing only in case and surrounding blanks the same', () => {
    fc.assert(
      fc.property(variantOf, ({ address, variant }) => {
        expect(addressHash(SECRET, variant)).toBe(addressHash(SECRET, address));
      }),
    );
    expect(addressHash(SECRET, ' Ann.Lee@Example.TEST\t')).toBe(addressHash(SECRET, 'ann.lee@example.test'));
  });

  it('should hash composed and decomposed accents the same (NFC)', () => {
    expect(addressHash(SECRET, 'jos\u00e9@example.test')).toBe(
      addressHash(SECRET, 'jose\u0301@example.test'),
    );
  });

  it('should give other addresses, or the same address under another key, another hash', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.emailAddress(), (a, b) => {
        fc.pre(normaliseAddress(a) !== normaliseAddress(b));
        expect(addressHash(SECRET, a)).not.toBe(addressHash(SECRET, b));
      }),
    );
    expect(addressHash(SECRET, 'a@example.test')).not.toBe(addressHash(`${SECRET}x`, 'a@example.test'));
  });

  it('should be 256 bits of base64url, not a mac of another purpose', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (a) => {
        expect(addressHash(SECRET, a)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      }),
    );
    // The purpose is signed too: the same text under the link key gives another value than a token's mac.
    const mac = signToken(SECRET, 'unsubscribe', 'AAAAAAAAAAAAAAAAAAAAAA').split('.')[1]!;
    expect(addressHash(SECRET, 'AAAAAAAAAAAAAAAAAAAAAA').slice(0, 22)).not.toBe(mac);
  });
});

describe('withSuppressions', () => {
  const customer = (id: string, extra: Partial<DirectoryCustomer> = {}): DirectoryCustomer => ({
    id,
    name: id,
    email: `${id}@example.test`,
    language: 'en',
    department: 'east-region',
    ...extra,
  });

  it('should mark a customer of an unsubscribed address unsubscribed, of any other reason suppressed', () => {
    const records = new Map([
      ['u@example.test', { reasons: sortedReasons(['unsubscribed', 'complained']), since: '2025-01-01' }],
      ['s@example.test', { reasons: sortedReasons(['erased']), since: '2025-02-01' }],
    ]);
    const out = withSuppressions(
      [customer('u'), customer('s'), customer('n'), customer('s', { suppressedAt: '2024-01-01' })],
      (c) => records.get(c.email),
    );
    expect(out.map((c) => [c.unsubscribedAt, c.suppressedAt])).toEqual([
      ['2025-01-01', undefined],
      [undefined, '2025-02-01'],
      [undefined, undefined],
      // The item's own date stays.
      [undefined, '2024-01-01'],
    ]);
  });

  it('should order reasons and drop unknown ones read back from storage', () => {
    expect(sortedReasons(['erased', 'bogus', 'bounced', 'erased'])).toEqual(['bounced', 'erased']);
  });
});
