import { type ParsedMail, simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { noteSecretValues } from './secrets';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The first link in the text part carrying `?token=`, if any. */
  link: URL | undefined;
  /** The token of that link. */
  token: string | undefined;
  /** A 6-digit code in the text, if any. */
  code: string | undefined;
}

/**
 * A real SMTP server on a free port, collecting what it receives, parsed with mailparser. Can be
 * told to refuse mail, as a failing relay would.
 */
export class Mailbox {
  readonly messages: ReceivedMail[] = [];
  private server!: SMTPServer;
  private refusing = false;
  private hanging = false;
  port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onMailFrom: (_address, _session, callback) => {
        if (this.hanging) return; // never answers, like a relay that has stopped responding
        if (this.refusing) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 451 }));
        callback();
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            const received = toReceived(mail);
            noteSecretValues([received.token, received.code, received.link?.toString()].filter((v): v is string => Boolean(v)));
            this.messages.push(received);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** Makes the server answer every message with a temporary failure (451) until `accept()`. */
  refuse(): void {
    this.refusing = true;
  }

  /** Makes the server stop answering after the greeting, until `accept()`. */
  hang(): void {
    this.hanging = true;
  }

  accept(): void {
    this.refusing = false;
    this.hanging = false;
  }

  /** The messages received for `to` so far. */
  for(to: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(to.toLowerCase()));
  }

  /** Waits for the `n`th message (1-based) to `to` that matches `subject`. */
  async waitFor(to: string, subject: RegExp, n = 1, withinMs = 5000): Promise<ReceivedMail> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const found = this.for(to).filter((m) => subject.test(m.subject));
      if (found.length >= n) return found[n - 1]!;
      if (Date.now() > deadline) {
        throw new Error(`no mail ${subject} #${n} to ${to}; got: ${JSON.stringify(this.messages.map((m) => [m.to, m.subject]))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): Promise<void> {
    // Hung conversations would keep close() waiting; end them.
    for (const connection of (this.server as unknown as { connections: Set<{ close(): void }> }).connections ?? []) connection.close();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function toReceived(mail: ParsedMail): ReceivedMail {
  const addresses = [mail.to].flat().flatMap((a) => a?.value ?? []).map((v) => (v.address ?? '').toLowerCase());
  const text = mail.text ?? '';
  const linkText = /https?:\/\/\S+[?&]token=[A-Za-z0-9_-]+/.exec(text)?.[0];
  const link = linkText ? new URL(linkText) : undefined;
  return {
    to: addresses,
    subject: mail.subject ?? '',
    text,
    html: typeof mail.html === 'string' ? mail.html : '',
    link,
    token: link?.searchParams.get('token') ?? undefined,
    code: /Code: (\d{6})/.exec(text)?.[1],
  };
}
