import { doIUseEmail } from '@jsx-email/doiuse-email';
import { describe, expect, it } from 'vitest';
import { buttonHtml } from '../../functions/domain/email/button.ts';
import { EMAIL_KINDS, renderEmail } from '../support/email-kinds.ts';

/*
 * Every kind of email against caniemail's data for Gmail (all of its apps) and Outlook for Windows
 * (issue 14): no feature either does not support, but for the few listed here with why they do no harm.
 * caniemail's warnings (partial support: margin, padding, display, line-height…) were read: their notes
 * name uses these emails do not make (negative margins, padding on links for Outlook, rem sizes…).
 */
const CLIENTS = ['gmail.*', 'outlook.windows'];

/** caniemail's errors that are accepted, each with the reason it is harmless where it is not supported. */
const GMAIL_OPENS_NEW_TABS =
  'target="_blank" on links: Gmail ignores it because it opens every link in a new tab anyway; the ' +
  'clients that read it (webmails, the local mailbox) keep the message open behind the survey';
const ALLOWED: ReadonlyMap<string, string> = new Map([
  ...['gmail.desktop-webmail', 'gmail.ios', 'gmail.android', 'gmail.mobile-webmail'].map(
    (gmail): [string, string] => [
      `\`target attribute\` is not supported by \`${gmail}\``,
      GMAIL_OPENS_NEW_TABS,
    ],
  ),
  [
    '`border-radius` is not supported by `outlook.windows`',
    'rounded corners of the card and the buttons: Outlook for Windows draws them square, with the same ' +
      'size, colour and clickable area (the buttons are table cells, button.ts)',
  ],
]);

const errorsOf = (html: string): string[] => {
  const result = doIUseEmail(html, { emailClients: CLIENTS });
  return result.success ? [] : result.errors;
};

describe('Emails against caniemail (Gmail, Outlook for Windows)', () => {
  for (const kind of EMAIL_KINDS) {
    it.each(['en', 'zh-CN'] as const)(`should use nothing unsupported in the ${kind} (%s)`, (language) => {
      // Arrange
      const { html } = renderEmail(kind, language);

      // Act
      const errors = errorsOf(html);

      // Assert
      expect(errors.filter((error) => !ALLOWED.has(error))).toEqual([]);
    });
  }

  it('should find what the emails must not use, so that the check above can fail', () => {
    // Arrange: flex and pre-wrap, as the emails had before (issue 14), and a target attribute.
    const html =
      '<!doctype html><html lang="en"><head><title>t</title></head><body>' +
      '<div style="display:flex;white-space:pre-wrap;"><a href="https://example.test/" target="_blank">x</a></div>' +
      '</body></html>';

    // Act
    const errors = errorsOf(html);

    // Assert
    expect(errors).toEqual(
      expect.arrayContaining([
        '`display:flex` is not supported by `outlook.windows`',
        '`white-space` is not supported by `outlook.windows`',
        '`target attribute` is not supported by `gmail.desktop-webmail`',
      ]),
    );
    expect(errors.filter((error) => !ALLOWED.has(error)).length).toBeGreaterThan(0);
  });
});

describe('Email buttons (button.ts)', () => {
  it('should put the colour on a table cell and make the whole link the button', () => {
    // Act
    const html = buttonHtml({ label: 'Start <now>', url: 'https://survey.example.test/s/a?b=1&c=2' });

    // Assert: the cell paints the colour for every client, the link is padded for all but Outlook,
    // and Outlook gets the same room from its own spacers.
    expect(html).toMatch(
      /^<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>\n<td align="center" bgcolor="#1a56db" style="background-color:#1a56db;[^"]*">\n<a href="https:\/\/survey\.example\.test\/s\/a\?b=1&amp;c=2" target="_blank" style="display:inline-block;padding:12px 24px;mso-padding-alt:0;/,
    );
    expect(html).toContain('<!--[if mso]><i style="mso-font-width:150%;mso-text-raise:24px;" hidden>');
    expect(html).toContain('<span style="mso-text-raise:12px;">Start &lt;now&gt;</span>');
    expect(html).toContain(' target="_blank" ');
  });

  it.each(['invitation', 'reminder', 'action-alert', 'action-owner', 'action-verify'] as const)(
    'should draw every button of the %s with it, and no link elsewhere padded',
    (kind) => {
      // Arrange
      const { html } = renderEmail(kind, 'en');

      // Act
      const padded = html.match(/<a [^>]*style="[^"]*padding[^"]*"/g) ?? [];
      const inCells =
        html.match(
          /<td align="center" bgcolor="#[0-9a-f]{6}"[^>]*>\n<a [^>]*padding:12px 24px;mso-padding-alt:0;/g,
        ) ?? [];

      // Assert: the invitation and reminder have five one-click answers and the survey button.
      expect(padded.length).toBeGreaterThan(0);
      expect(inCells).toHaveLength(padded.length);
      if (kind === 'invitation' || kind === 'reminder') expect(padded).toHaveLength(6);
      if (kind === 'action-verify') expect(padded).toHaveLength(2);
    },
  );
});
