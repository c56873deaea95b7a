import type { ParsedMail } from 'mailparser';
import { escapeHtml as esc } from '../functions/domain/html.ts';

/*
 * The local mailbox's pages (local/ses-server.ts serves them): the list, newest first, and one message
 * with its headers decoded for people (mailparser undoes `=?UTF-8?B?…?=`), its HTML part in a sandboxed
 * frame as tall as the email — nothing cropped, no second scrollbar — and its text part.
 */

/** What the list shows of a message. */
export interface MailboxEntry {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
}

const STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1a1a1a}' +
  'table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}' +
  'iframe{display:block;width:100%;height:70vh;border:1px solid #ccc}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.5rem}' +
  'a{color:#0b57b0}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}';

/*
 * Sizes the frame to its email once loaded. The frame allows same-origin (so this page may measure it) but
 * not scripts: nothing in an email runs. The mailbox serves on 127.0.0.1 only, with no CSP of its own.
 */
const FIT_SCRIPT =
  "for(const f of document.querySelectorAll('iframe[data-fit]'))f.addEventListener('load',()=>{const d=f.contentDocument;if(d)f.style.height=Math.max(d.documentElement.scrollHeight,d.body?d.body.scrollHeight:0)+2+'px'});";

function page(title: string, body: string, script = ''): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}</main>` +
    (script ? `<script>${script}</script>` : '') +
    '</body></html>'
  );
}

/** The list of messages, newest first. */
export function mailboxPage(entries: readonly MailboxEntry[]): string {
  const rows = [...entries]
    .reverse()
    .map(
      (m) =>
        `<tr><td>${esc(m.receivedAt.slice(0, 19).replace('T', ' '))}</td><td>${esc(m.to.join(', '))}</td>` +
        `<td><a href="/messages/${encodeURIComponent(m.id)}">${esc(m.subject || '(no subject)')}</a></td></tr>`,
    )
    .join('');
  return page(
    'csat local mailbox',
    `<h1>Local mailbox</h1><p>${entries.length} message(s) sent through the local SES endpoint.</p>` +
      '<table><caption class="sr">Messages, newest first</caption><thead><tr><th scope="col">Received (UTC)</th>' +
      `<th scope="col">To</th><th scope="col">Subject</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

/** `Name <address>, …` as mailparser decodes an address header. */
const addresses = (value: ParsedMail['to']): string =>
  (Array.isArray(value) ? value : value ? [value] : []).map((v) => v.text).join(', ');

/** One message: decoded headers, the HTML part at its full height, the text part. */
export function messagePage(id: string, parsed: ParsedMail): string {
  const line = (name: string) =>
    parsed.headerLines.find((l) => l.key === name)?.line.replace(/^[^:]*:\s*/, '') ?? '';
  const rows: Array<[string, string]> = [
    ['From', addresses(parsed.from)],
    ['To', addresses(parsed.to)],
    ['Reply-To', addresses(parsed.replyTo)],
    ['Subject', parsed.subject ?? ''],
    ['Date', parsed.date ? parsed.date.toISOString() : ''],
    // ASCII by RFC 8058: shown as sent.
    ['List-Unsubscribe', line('list-unsubscribe')],
    ['List-Unsubscribe-Post', line('list-unsubscribe-post')],
  ];
  const headers = rows
    .filter(([, v]) => v)
    .map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('');
  // Links in the message open in the whole tab, as they would from a mail client.
  const html = parsed.html ? `<base target="_top">${parsed.html}` : '';
  const frame = html
    ? `<h2>HTML</h2><iframe data-fit title="The email as HTML" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" srcdoc="${esc(html)}"></iframe>`
    : '';
  return page(
    parsed.subject || '(no subject)',
    `<p><a href="/">← Mailbox</a> · <a href="/api/messages/${encodeURIComponent(id)}/raw">Raw message</a></p>` +
      `<h1>${esc(parsed.subject || '(no subject)')}</h1><table>${headers}</table>${frame}` +
      `<h2>Text</h2><pre>${esc(parsed.text ?? '')}</pre>`,
    html ? FIT_SCRIPT : '',
  );
}
