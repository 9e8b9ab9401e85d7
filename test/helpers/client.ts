import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { parse as parseSetCookie, splitCookiesString } from 'set-cookie-parser';
import { noteSecrets, noteSecretValues } from './secrets';

export interface GraphQLResponse<T> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; path?: string[]; extensions?: Record<string, unknown> }[] | undefined;
  headers: Headers;
  /** Raw Set-Cookie header values of this response. */
  setCookies: string[];
  /** The raw body, for asserting that nothing internal leaked. */
  text: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
}

/**
 * A GraphQL client over real HTTP with a cookie jar, as a browser would behave: it stores cookies
 * the server sets, drops expired ones, and sends them back.
 */
export class TestClient {
  readonly cookies = new Map<string, string>();
  /** Sent as the Authorization header when set (session tokens, JWTs, API tokens). */
  authorization: string | undefined;
  /** The JWT client's current refresh token. */
  refreshToken: string | undefined;
  /**
   * Whether the passwords this client sends count as secrets for the suite's log check. Off for
   * the fuzzer: its arbitrary strings ("constructor", "null") are not secrets anyone issued.
   */
  notesSentSecrets = true;

  constructor(readonly graphqlUrl: string) {}

  /** Another client holding the same credential (a copy an attacker kept, or a second tab). */
  clone(graphqlUrl = this.graphqlUrl): TestClient {
    const copy = new TestClient(graphqlUrl);
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    copy.authorization = this.authorization;
    copy.refreshToken = this.refreshToken;
    return copy;
  }

  async request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables?: TVariables,
    options: RequestOptions = {},
  ): Promise<GraphQLResponse<TResult>> {
    return this.post(JSON.stringify({ query: print(document), variables }), options);
  }

  /** Sends a raw body (batches, malformed documents, oversized payloads). */
  async post<T = unknown>(body: string, options: RequestOptions = {}): Promise<GraphQLResponse<T>> {
    try {
      if (this.notesSentSecrets) noteSecrets(JSON.parse(body));
    } catch {
      // not JSON: nothing to note
    }
    const response = await fetch(this.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.credentialHeaders(), ...options.headers },
      body,
    });
    return this.read<T>(response);
  }

  cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  credentialHeaders(): Record<string, string> {
    return { ...this.cookieHeader(), ...(this.authorization ? { authorization: this.authorization } : {}) };
  }

  async read<T>(response: Response): Promise<GraphQLResponse<T>> {
    const setCookies = response.headers.getSetCookie();
    this.store(setCookies);
    const text = await response.text();
    let json: { data?: T; errors?: GraphQLResponse<T>['errors'] } = {};
    try {
      json = JSON.parse(text) as typeof json;
      noteSecrets(json.data);
    } catch {
      // not JSON (e.g. an HTML page); callers assert on status and text
    }
    return { status: response.status, data: json.data, errors: json.errors, headers: response.headers, setCookies, text };
  }

  private store(setCookies: string[]): void {
    const issued = parseSetCookie(splitCookiesString(setCookies), { decodeValues: true }).map((c) => c.value).filter((v) => v.length > 8);
    noteSecretValues([...issued, ...issued.map((v) => /^s:(gths_[\w-]+)/.exec(v)?.[1] ?? '').filter(Boolean)]);
    for (const cookie of parseSetCookie(splitCookiesString(setCookies), { decodeValues: false })) {
      const expired = (cookie.expires && cookie.expires.getTime() <= Date.now()) || cookie.maxAge === 0;
      if (expired || cookie.value === '') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }
}

/** The error code of the first error, or undefined. */
export function errorCode(response: GraphQLResponse<unknown>): unknown {
  return response.errors?.[0]?.extensions?.code;
}
