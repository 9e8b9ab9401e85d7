import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { RenderedMail } from './templates/layout';

export interface OutgoingMail extends RenderedMail {
  to: string;
  /** The message kind, for logs (never the body: it holds one-time links). */
  kind: string;
}

export interface OutboxOptions {
  /** Delays before each retry; the message is dropped (and logged) after the last. */
  retryDelaysMs?: number[];
}

const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000];

/**
 * Sends mail off the request path. `enqueue` returns at once, so neither a slow nor a failing SMTP
 * server changes a mutation's answer or its timing; failures are retried with backoff.
 * Messages live in memory only: they carry one-time links whose tokens are stored nowhere in
 * plaintext, so a message lost in a crash is re-requested by the user rather than persisted.
 */
export class MailOutbox {
  private readonly transporter: ReturnType<typeof nodemailer.createTransport>;
  private readonly retryDelaysMs: number[];
  private readonly pending = new Set<Promise<void>>();

  /** Mails not yet sent (waiting for their next try included). */
  get depth(): number {
    return this.pending.size;
  }
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    options: OutboxOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.transporter = config.mail.smtpUrl
      ? nodemailer.createTransport({ url: config.mail.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 })
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  enqueue(mail: OutgoingMail): void {
    if (this.closed) return;
    this.attempt(mail, 0);
  }

  /** Resolves once no send is in flight (scheduled retries are not waited for). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Waits for sends in flight (bounded), then drops scheduled retries. */
  async close(timeoutMs = 5_000): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    this.transporter.close();
  }

  private attempt(mail: OutgoingMail, attempt: number): void {
    const send = this.send(mail).then(
      () => this.logger.info({ mail: mail.kind, attempt }, 'mail sent'),
      (error: unknown) => this.failed(mail, attempt, error),
    );
    this.pending.add(send);
    void send.finally(() => this.pending.delete(send));
  }

  private failed(mail: OutgoingMail, attempt: number, error: unknown): void {
    const delay = this.retryDelaysMs[attempt];
    if (delay === undefined || this.closed) {
      this.logger.error({ err: error, mail: mail.kind, attempts: attempt + 1 }, 'mail could not be sent; giving up');
      return;
    }
    this.logger.warn({ err: error, mail: mail.kind, attempt, retryInMs: delay }, 'mail not sent; will retry');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.attempt(mail, attempt + 1);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private async send(mail: OutgoingMail): Promise<void> {
    const info = (await this.transporter.sendMail({
      from: this.config.mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    })) as { message?: Buffer; messageId: string };
    if (!this.config.mail.smtpUrl && info.message) this.writeDevelopmentCopy(mail, info);
  }

  /**
   * Development without SMTP, like Django's console backend: the message is written as an .eml
   * file under the data dir and, in development only, its text is logged, so a developer can
   * follow the links. Anywhere else the log gets the file's name, never a one-time link.
   */
  private writeDevelopmentCopy(mail: OutgoingMail, info: { message?: Buffer; messageId: string }): void {
    const dir = join(this.config.dataDir, 'mail');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.kind}.eml`);
    writeFileSync(file, info.message!, { mode: 0o600 });
    const text = this.config.env === 'development' ? { text: mail.text } : {};
    this.logger.info({ to: mail.to, subject: mail.subject, file, ...text }, 'development mail (no SMTP_URL): written to file');
  }
}
