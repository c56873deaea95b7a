import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  invitationId,
  signOpenedAt,
  signReportLink,
  signToken,
  type TokenPurpose,
  verifyOpenedAt,
  verifyReportLink,
  verifyToken,
} from '../../functions/domain/token.ts';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const purposes: TokenPurpose[] = ['survey', 'unsubscribe'];
const secrets = fc.string({ minLength: 1, maxLength: 64 });
const ids = fc.tuple(fc.string(), fc.string()).map(([wave, customer]) => invitationId(wave, customer));

describe('link tokens', () => {
  it('should give the invitation id back for a token it signed', () => {
    const id = invitationId('demo-20250101T0100', 'c001');
    expect(verifyToken(SECRET, 'survey', signToken(SECRET, 'survey', id))).toBe(id);
    expect(verifyToken(SECRET, 'unsubscribe', signToken(SECRET, 'unsubscribe', id))).toBe(id);
  });

  it('should derive the same 22-character id for the same wave and customer, and different ones otherwise', () => {
    expect(invitationId('w1', 'c1')).toBe(invitationId('w1', 'c1'));
    expect(invitationId('w1', 'c1')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(invitationId('w1', 'c1')).not.toBe(invitationId('w1', 'c2'));
    // The separator keeps ("w1c", "1") and ("w1", "c1") apart.
    expect(invitationId('w1c', '1')).not.toBe(invitationId('w1', 'c1'));
  });

  it('should refuse a token for another purpose, under another secret, or with any character changed', () => {
    const id = invitationId('w', 'c');
    const token = signToken(SECRET, 'survey', id);
    expect(verifyToken(SECRET, 'unsubscribe', token)).toBeUndefined();
    expect(verifyToken(`${SECRET}x`, 'survey', token)).toBeUndefined();
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const swapped = token[i] === 'A' ? 'B' : 'A';
      const tampered = token.slice(0, i) + swapped + token.slice(i + 1);
      expect(verifyToken(SECRET, 'survey', tampered), `position ${i}`).toBeUndefined();
    }
  });

  it('should accept one spelling of a token only, though base64url leaves spare bits in its last character', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(ids, (id) => {
        const token = signToken(SECRET, 'survey', id);
        const accepted = [...alphabet].filter((c) => verifyToken(SECRET, 'survey', token.slice(0, -1) + c));
        expect(accepted).toEqual([token.at(-1)]);
      }),
      { numRuns: 50 },
    );
  });

  it('should refuse a token with something before, after or around it', () => {
    const token = signToken(SECRET, 'survey', invitationId('w', 'c'));
    for (const variant of [
      ` ${token}`,
      `${token} `,
      `${token}=`,
      `${token}.x`,
      token.replace('.', '..'),
      '',
    ]) {
      expect(verifyToken(SECRET, 'survey', variant), JSON.stringify(variant)).toBeUndefined();
    }
  });

  it('should never verify a random string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.constantFrom(...purposes), (s, purpose) => {
        expect(verifyToken(SECRET, purpose, s)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('should never verify a well-formed token whose mac is random', () => {
    const b64url = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);
    fc.assert(
      fc.property(ids, b64url, fc.constantFrom(...purposes), (id, mac, purpose) => {
        fc.pre(mac !== signToken(SECRET, purpose, id).split('.')[1]);
        expect(verifyToken(SECRET, purpose, `${id}.${mac}`)).toBeUndefined();
      }),
    );
  });

  it('should verify a signed token only with its own secret and purpose', () => {
    fc.assert(
      fc.property(
        ids,
        secrets,
        secrets,
        fc.constantFrom(...purposes),
        fc.constantFrom(...purposes),
        (id, secret, otherSecret, purpose, otherPurpose) => {
          const token = signToken(secret, purpose, id);
          expect(verifyToken(secret, purpose, token)).toBe(id);
          if (otherPurpose !== purpose) expect(verifyToken(secret, otherPurpose, token)).toBeUndefined();
          if (otherSecret !== secret) expect(verifyToken(otherSecret, purpose, token)).toBeUndefined();
        },
      ),
    );
  });
});

describe('report links', () => {
  const KEY = 'reports/demo/demo-20250401T0100/report.html';
  const NOW = new Date('2025-04-10T10:00:00Z');
  const WEEK_LATER = new Date(NOW.getTime() + 7 * 86_400_000);
  const segment = fc.stringMatching(/^[\w.-]{1,20}$/).filter((s) => s !== '.' && s !== '..');
  const reportKeys = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `reports/${s.join('/')}`);
  const times = fc.integer({ min: 0, max: 4_102_444_800 }).map((s) => new Date(s * 1000));

  /** A link signed like signReportLink but for any payload text, as someone holding the secret could. */
  const forge = (secret: string, text: string) => {
    const payload = Buffer.from(text, 'utf8').toString('base64url');
    const mac = createHmac('sha256', secret)
      .update(`report-link:${payload}`)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    return `${payload}.${mac}`;
  };

  it('should give the key and expiry back for a link it signed, until it expires', () => {
    const token = signReportLink(SECRET, KEY, WEEK_LATER);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(verifyReportLink(SECRET, token, NOW)).toEqual({ ok: true, key: KEY, expiresAt: WEEK_LATER });
    expect(verifyReportLink(SECRET, token, new Date(WEEK_LATER.getTime() - 1))).toMatchObject({ ok: true });
    expect(verifyReportLink(SECRET, token, WEEK_LATER)).toEqual({ ok: false, reason: 'expired' });
  });

  it('should verify any report key and expiry it signed, only with its own secret, and refuse it once expired', () => {
    fc.assert(
      fc.property(reportKeys, times, secrets, secrets, (key, expiresAt, secret, other) => {
        const token = signReportLink(secret, key, expiresAt);
        const before = new Date(expiresAt.getTime() - 1000);
        expect(verifyReportLink(secret, token, before)).toEqual({ ok: true, key, expiresAt });
        expect(verifyReportLink(secret, token, expiresAt)).toEqual({ ok: false, reason: 'expired' });
        if (other !== secret) expect(verifyReportLink(other, token, before).ok).toBe(false);
      }),
    );
  });

  it('should never verify a random string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        expect(verifyReportLink(SECRET, s, NOW).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{22}$/), (s) => {
        expect(verifyReportLink(SECRET, s, NOW)).toEqual({ ok: false, reason: 'forged' });
      }),
      { numRuns: 2000 },
    );
  });

  it('should never verify a link whose key or expiry was changed', () => {
    fc.assert(
      fc.property(reportKeys, reportKeys, times, times, (key, otherKey, expiresAt, otherTime) => {
        const [payload, mac] = signReportLink(SECRET, key, expiresAt).split('.') as [string, string];
        const seconds = Math.floor(expiresAt.getTime() / 1000);
        const swap = (text: string) => `${Buffer.from(text, 'utf8').toString('base64url')}.${mac}`;
        const otherSeconds = Math.floor(otherTime.getTime() / 1000);
        const tampered = [
          ...(otherKey !== key ? [swap(`${seconds}:${otherKey}`)] : []),
          ...(otherSeconds !== seconds ? [swap(`${otherSeconds}:${key}`)] : []),
          swap(`${seconds + 1}:${key}`),
          swap(`0${seconds}:${key}`),
          `${payload}A.${mac}`,
        ];
        for (const t of tampered) expect(verifyReportLink(SECRET, t, new Date(0)).ok, t).toBe(false);
      }),
    );
  });

  it('should refuse every single-character change of a link', () => {
    const token = signReportLink(SECRET, KEY, WEEK_LATER);
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const swapped = token[i] === 'A' ? 'B' : 'A';
      const tampered = token.slice(0, i) + swapped + token.slice(i + 1);
      expect(verifyReportLink(SECRET, tampered, NOW).ok, `position ${i}`).toBe(false);
    }
  });

  it('should not take a survey or unsubscribe token for a report link, nor the other way round', () => {
    const id = invitationId('w', 'c');
    for (const purpose of purposes) {
      expect(verifyReportLink(SECRET, signToken(SECRET, purpose, id), NOW)).toEqual({
        ok: false,
        reason: 'forged',
      });
    }
    const report = signReportLink(SECRET, KEY, WEEK_LATER);
    for (const purpose of purposes) expect(verifyToken(SECRET, purpose, report)).toBeUndefined();
  });

  it('should refuse to sign, or to follow, a key outside reports/', () => {
    for (const key of [
      'customers/demo.json',
      'reports',
      'reports/',
      'reports//x',
      'reports/../secrets.txt',
      'reports/demo/./x',
      'reports/demo/x y',
      'reports/demo/x\n',
      '/reports/demo/x',
      `reports/${'x'.repeat(1024)}`,
    ]) {
      expect(() => signReportLink(SECRET, key, WEEK_LATER), JSON.stringify(key)).toThrow(RangeError);
      expect(verifyReportLink(SECRET, forge(SECRET, `${WEEK_LATER.getTime() / 1000}:${key}`), NOW)).toEqual({
        ok: false,
        reason: 'not-a-report',
      });
    }
  });

  it('should refuse to sign a link without a valid expiry', () => {
    for (const when of [new Date(Number.NaN), new Date(-1000), new Date(8.64e15)]) {
      expect(() => signReportLink(SECRET, KEY, when), String(when)).toThrow(RangeError);
    }
  });

  it('should refuse signed payloads that are not `{seconds}:{key}`, and overlong links', () => {
    for (const text of ['', KEY, `:${KEY}`, `x:${KEY}`, `${'9'.repeat(13)}:${KEY}`]) {
      expect(verifyReportLink(SECRET, forge(SECRET, text), NOW), text).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
    const long = `reports/${'x/'.repeat(1100)}x`;
    expect(verifyReportLink(SECRET, forge(SECRET, `9999999999:${long}`), NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('opening times (the survey form’s hidden `opened` field)', () => {
  const id = invitationId('demo-20250401T0100', 'c001');
  const at = new Date('2025-04-02T08:00:00.123Z');
  const opened = signOpenedAt(SECRET, id, at);

  it('should give the opening time back, to the millisecond, for the invitation it was signed for', () => {
    expect(opened).toMatch(/^1743580800123\.[A-Za-z0-9_-]{22}$/);
    expect(verifyOpenedAt(SECRET, id, opened)).toEqual(at);
  });

  it('should refuse an earlier time under the same mac (made to look slow), another invitation’s, another key’s', () => {
    const [, mac] = opened.split('.');
    expect(verifyOpenedAt(SECRET, id, `${at.getTime() - 60_000}.${mac}`)).toBeUndefined();
    expect(verifyOpenedAt(SECRET, id, `0${opened}`)).toBeUndefined();
    expect(verifyOpenedAt(SECRET, invitationId('demo-20250401T0100', 'c002'), opened)).toBeUndefined();
    expect(verifyOpenedAt(`${SECRET}x`, id, opened)).toBeUndefined();
    // A survey token's mac over the same text is not an opening time's.
    expect(verifyOpenedAt(SECRET, id, signToken(SECRET, 'survey', id))).toBeUndefined();
  });

  it.each([
    undefined,
    null,
    42,
    '',
    '1743580800123',
    '.abc',
    'abc.def',
    `${'9'.repeat(16)}.${'A'.repeat(22)}`,
  ])('should refuse %j', (value) => {
    expect(verifyOpenedAt(SECRET, id, value)).toBeUndefined();
  });

  it('should refuse any change to a genuine value and never throw on any text', () => {
    fc.assert(
      fc.property(fc.nat({ max: opened.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
        const changed = opened.slice(0, i) + c + opened.slice(i + 1);
        if (changed !== opened) expect(verifyOpenedAt(SECRET, id, changed)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.string(), secrets, (text, secret) => {
        expect(verifyOpenedAt(secret, id, text)).toBeUndefined();
      }),
    );
  });

  it('should refuse to sign an invalid date', () => {
    expect(() => signOpenedAt(SECRET, id, new Date(Number.NaN))).toThrow(RangeError);
  });
});
