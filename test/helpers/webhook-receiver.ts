import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
  payload: { type: string; timestamp: string; data: { user?: { id: string; email?: string } } & Record<string, unknown> };
  /** The status the receiver answered with; null: it never answered (hanging). */
  status: number | null;
}

/** What the receiver answers a request with: a status, or 'hang' to keep it open until close(). */
export type Answer = number | 'hang';

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function webhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * A real HTTP endpoint on 127.0.0.1 that receives Gatehouse's webhooks the way a team's service
 * would: it verifies each signature with the standardwebhooks library (a request whose signature
 * does not verify is answered 401 and counted as such), and answers as `answer` says.
 */
export class WebhookReceiver {
  /** The secret it verifies with (a new one unless given). */
  constructor(readonly secret = webhookSecret()) {}

  readonly requests: WebhookRequest[] = [];

  /** Requests whose signature did not verify. */
  rejected = 0;
  answer: (request: WebhookRequest) => Answer = () => 204;
  private server: Server | undefined;
  private readonly hanging: ServerResponse[] = [];

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks`;
  }

  /** The WEBHOOK_ENDPOINTS setting for this receiver. */
  endpoints(id = 'test', extra: Record<string, unknown> = {}): string {
    return JSON.stringify([{ id, url: this.url, secret: this.secret, ...extra }]);
  }

  /** What it accepted (answered 2xx) for a user, in the order it arrived. */
  acceptedFor(userId: string): WebhookRequest[] {
    return this.requests.filter((r) => r.status !== null && r.status < 300 && r.payload.data.user?.id === userId);
  }

  /** Every request about a user, whatever the answer. */
  requestsFor(userId: string): WebhookRequest[] {
    return this.requests.filter((r) => r.payload.data.user?.id === userId);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    let payload: WebhookRequest['payload'];
    try {
      payload = new Webhook(this.secret).verify(body, headers) as WebhookRequest['payload'];
    } catch {
      this.rejected++;
      res.writeHead(401).end();
      return;
    }
    const request: WebhookRequest = { headers, body, payload, status: null };
    this.requests.push(request);
    const answer = this.answer(request);
    if (answer === 'hang') {
      this.hanging.push(res);
      return;
    }
    request.status = answer;
    res.writeHead(answer).end();
  }
}
