import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../functions/domain/html.ts';

/** Decodes the entities escapeHtml writes, to check nothing is lost. */
const unescapeHtml = (s: string): string =>
  s.replace(
    /&(amp|lt|gt|quot|#39|#96);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' })[e]!,
  );

describe('escapeHtml', () => {
  it('should escape the characters that can open a tag, an entity or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;',
    );
  });

  it('should leave no markup character in any string and lose nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const escaped = escapeHtml(s);
        expect(escaped).not.toMatch(/[<>"'`]/);
        expect(escaped.replace(/&(amp|lt|gt|quot|#39|#96);/g, '')).not.toContain('&');
        expect(unescapeHtml(escaped)).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });
});
