import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestClient } from './client';

export interface Subscriber {
  client: Client;
  /** Resolves with the close code once the server closes the socket. */
  closed: Promise<number>;
  /** Resolves once connection_ack arrived (the credential was accepted). */
  connected: Promise<void>;
  /** The next `count` results of a subscription. */
  take(query: string, count: number): Promise<unknown[]>;
  dispose(): Promise<void>;
}

export interface SubscriberOptions {
  /** Send the client's cookies on the upgrade request (a browser), with this Origin. */
  cookiesWithOrigin?: string;
  /** Send the client's Authorization in connection_init's payload (an app); true unless cookies are used. */
  tokenInPayload?: boolean;
}

/**
 * A real graphql-ws client over a real WebSocket (the `ws` package), holding `from`'s credential
 * the way a browser (cookie on the upgrade, with its Origin) or an app (token in the payload) would.
 */
export function subscriber(graphqlUrl: string, from: TestClient | null, options: SubscriberOptions = {}): Subscriber {
  const headers: Record<string, string> = {};
  if (options.cookiesWithOrigin !== undefined) {
    headers.origin = options.cookiesWithOrigin;
    if (from && from.cookies.size > 0) headers.cookie = [...from.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  const payloadToken = (options.tokenInPayload ?? options.cookiesWithOrigin === undefined) && from?.authorization;
  class HeaderedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  let onClosed!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  let onConnected!: () => void;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: HeaderedWebSocket,
    connectionParams: payloadToken ? { authorization: payloadToken } : {},
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: { connected: () => onConnected(), closed: (event) => onClosed((event as { code: number }).code) },
  });
  return {
    client,
    closed,
    connected,
    async take(query, count) {
      const results: unknown[] = [];
      const iterator = client.iterate({ query });
      for await (const result of iterator) {
        results.push(result);
        if (results.length >= count) break;
      }
      return results;
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

/** Whichever comes first: the promise, or a timeout (which rejects naming what was awaited). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const late = new Promise<T>((_resolve, reject) => {
    setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms).unref();
  });
  return Promise.race([promise, late]);
}
