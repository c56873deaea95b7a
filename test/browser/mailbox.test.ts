import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMime } from '../../functions/adapters/mime.ts';
import { type RunningSes, startSes } from '../../local/ses-server.ts';
import { expectReadable } from '../support/axe.ts';
import { launchChromium } from '../support/chromium.ts';

/*
 * The local mailbox `npm start` prints (issue 14): From, To and Subject read as people wrote them, not as
 * RFC 2047 words, and a long email is shown whole, its frame as tall as its content.
 */
const SUBJECT = '季度客户满意度调查 — Quarterly survey';
const PARAGRAPHS = 120;

let browser: Browser;
let ses: RunningSes;
let mailDir: string;

beforeAll(async () => {
  mailDir = await mkdtemp(join(tmpdir(), 'csat-mailbox-'));
  ses = await startSes({ directory: mailDir });
  browser = await launchChromium();
  const body = Array.from({ length: PARAGRAPHS }, (_, i) => `<p>段落 ${i + 1}: 感谢您的支持。</p>`).join('');
  const raw = await buildMime({
    from: { name: '客户服务部', address: 'survey@example.com' },
    to: [{ name: '王小明', address: 'wang@example.com' }],
    subject: SUBJECT,
    text: 'Long text part',
    html: `<!doctype html><html lang="zh-CN"><head><title>${SUBJECT}</title></head><body><main><h1>${SUBJECT}</h1>${body}<p id="last">最后一段</p></main></body></html>`,
  });
  const client = new SESClient({
    endpoint: ses.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  await client.send(new SendRawEmailCommand({ RawMessage: { Data: raw } }));
});

afterAll(async () => {
  await browser?.close();
  await ses?.close();
  await rm(mailDir, { recursive: true, force: true });
});

describe('local mailbox in a real browser', () => {
  it('should list the message with its subject decoded, readable at 390 and 1280 px', async () => {
    // Arrange
    const page = await browser.newPage();

    // Act
    await expectReadable(page, 'mailbox-list', () => page.goto(`${ses.endpoint}/`));

    // Assert
    expect(await page.locator('tbody a').allInnerTexts()).toEqual([SUBJECT]);
    await page.close();
  });

  it('should show From, To and Subject decoded and the whole long email, nothing cropped', async () => {
    // Arrange
    const page = await browser.newPage();
    const [message] = ses.messages();

    // Act
    await expectReadable(page, 'mailbox-message', async () => {
      await page.goto(`${ses.endpoint}/messages/${message!.id}`);
      await page.waitForFunction(() => {
        const f = document.querySelector('iframe');
        return !!f && f.getBoundingClientRect().height > 600;
      });
    });

    // Assert: headers as written.
    const headers = Object.fromEntries(
      await page
        .locator('table tr')
        .evaluateAll((rows) =>
          rows.map((r) => [r.querySelector('th')?.textContent, r.querySelector('td')?.textContent]),
        ),
    );
    expect(headers).toMatchObject({
      From: '"客户服务部" <survey@example.com>',
      To: '"王小明" <wang@example.com>',
      Subject: SUBJECT,
    });
    expect(await page.content()).not.toContain('=?UTF-8?');
    // The frame holds the whole email: its last paragraph is inside the frame's box.
    const fit = await page.evaluate(() => {
      const frame = document.querySelector('iframe')!;
      const inner = frame.contentDocument!.documentElement;
      return { frame: frame.getBoundingClientRect().height, content: inner.scrollHeight };
    });
    expect(fit.frame).toBeGreaterThanOrEqual(fit.content);
    expect(await page.frameLocator('iframe').locator('#last').isVisible()).toBe(true);
    await page.close();
  });
});
