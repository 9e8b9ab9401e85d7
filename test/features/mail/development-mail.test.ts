import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiateLocale } from '../../../src/mail/templates';
import { registerUser } from '../../helpers/accounts';
import { eventually } from '../../helpers/eventually';
import { startTestServer, type TestServer } from '../../helpers/test-server';

const lines: string[] = [];
let server: TestServer;
beforeAll(async () => {
  // No SMTP_URL: mail is written under the data dir and its text logged, for a developer to follow.
  server = await startTestServer({ env: { LOG_LEVEL: 'info' }, logDestination: { write: (line: string) => lines.push(line) } });
});
afterAll(() => server?.close());

describe('mail without SMTP_URL (development)', () => {
  it('is written as an .eml file in the data dir, with a text and an HTML part, and logged', async () => {
    const { email } = await registerUser(server);
    const dir = join(server.config.dataDir, 'mail');
    let file = '';
    await eventually(async () => {
      file = readdirSync(dir).find((f) => f.endsWith('-verify-email.eml')) ?? '';
      expect(file).not.toBe('');
    }, 3000);
    const mail = await simpleParser(readFileSync(join(dir, file)));
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(email);
    expect(mail.subject).toBe('Confirm your email address for Gatehouse');
    expect(mail.text).toMatch(/http:\/\/localhost:3000\/verify-email\?token=gthe_/);
    expect(mail.html).toMatch(/<a href="http:\/\/localhost:3000\/verify-email\?token=gthe_/);
    expect(lines.join('\n')).toContain(file);
    // Under NODE_ENV=test (or production) the log never carries the one-time link.
    expect(lines.join('\n')).not.toContain(new URL(mail.text!.match(/http:\/\/\S+/)![0]).searchParams.get('token')!);
  });

  it('in development the log also carries the text, links included, for a developer to follow', async () => {
    const devLines: string[] = [];
    const dev = await startTestServer({
      env: { NODE_ENV: 'development', PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_ITERATIONS: '2', LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => void devLines.push(line) },
    });
    try {
      await registerUser(dev);
      await eventually(async () => expect(devLines.join('\n')).toMatch(/"text":"[^"]*verify-email\?token=gthe_/), 3000);
    } finally {
      await dev.close();
    }
  });
});

describe('mail locale', () => {
  it.each([
    [undefined, 'en'],
    ['en-GB,en;q=0.9', 'en'],
    ['fr-CH, fr;q=0.9, en;q=0.8', 'en'],
    ['de', 'de'],
    ['de-CH', 'de'],
    ['fr-CH, fr;q=0.9, de;q=0.5, en;q=0.3', 'de'],
    ['en;q=0.5, de;q=0.9', 'de'],
    ['de;q=0.4, en;q=0.8', 'en'],
    ['de;q=0, fr', 'en'],
    ['fr', 'en'],
    ['garbage;;q=x', 'en'],
  ])('Accept-Language %s selects %s (English and German ship; others fall back to English)', (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale);
  });
});
