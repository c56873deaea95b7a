import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invitationId, signToken, type TokenPurpose, verifyToken } from '../../functions/domain/token.ts';

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
