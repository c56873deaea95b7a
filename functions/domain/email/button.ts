import { escapeHtml as e } from '../html.ts';
import { FONT } from './layout.ts';

/** A link drawn as a button: its text (plain) and where it goes. */
export interface EmailButton {
  label: string;
  url: string;
}

/** `primary`: white on blue, for the one thing to do; `choice`: blue on white, outlined, one of several. */
export type ButtonKind = 'primary' | 'choice';

const LOOK: Record<ButtonKind, { background: string; colour: string; border: string }> = {
  primary: { background: '#1a56db', colour: '#ffffff', border: '' },
  choice: { background: '#ffffff', colour: '#1a56db', border: 'border:2px solid #1a56db;' },
};

/*
 * Outlook for Windows (Word's engine) ignores padding on a link, which made text-high buttons of which only
 * the words could be clicked. Hence the "bulletproof" button: the colour sits on a table cell (bgcolor,
 * which every client paints), and the link inside it is the whole button — padded for every other client;
 * for Outlook, which sets the padding to 0 (mso-padding-alt), two invisible em-spaces widened to 150 %
 * and raised text make the same room inside the link (the `<i>` in conditional comments only Outlook
 * reads), so the whole button is clickable there too. 16 px text: 150 % of an em-space is the 24 px
 * side padding; the raise is twice the 12 px vertical padding.
 */
const OUTLOOK_BEFORE =
  '<!--[if mso]><i style="mso-font-width:150%;mso-text-raise:24px;" hidden>&#8195;</i><![endif]-->';
const OUTLOOK_AFTER = '<!--[if mso]><i style="mso-font-width:150%;" hidden>&#8195;&#8203;</i><![endif]-->';

/**
 * One button as a one-cell table. `wide` fills the width it is given (the invitation's one-click answers,
 * one per row); otherwise it is as wide as its text and centred by the caller's cell.
 */
export function buttonHtml(button: EmailButton, kind: ButtonKind = 'primary', wide = false): string {
  const { background, colour, border } = LOOK[kind];
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0"${wide ? ' width="100%"' : ''}><tr>
<td align="center" bgcolor="${background}" style="background-color:${background};border-radius:4px;${border}">
<a href="${e(button.url)}" target="_blank" style="display:${wide ? 'block' : 'inline-block'};padding:12px 24px;mso-padding-alt:0;font-family:${FONT};font-size:16px;font-weight:bold;line-height:24px;color:${colour};text-decoration:none;border-radius:4px;">${OUTLOOK_BEFORE}<span style="mso-text-raise:12px;">${e(button.label)}</span>${OUTLOOK_AFTER}</a>
</td></tr></table>`;
}
