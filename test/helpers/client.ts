import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { parse as parseSetCookie, splitCookiesString } from 'set-cookie-parser';

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

  constructor(readonly graphqlUrl: string) {}

  async request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables?: TVariables,
    options: RequestOptions = {},
  ): Promise<GraphQLResponse<TResult>> {
    return this.post(JSON.stringify({ query: print(document), variables }), options);
  }

  /** Sends a raw body (batches, malformed documents, oversized payloads). */
  async post<T = unknown>(body: string, options: RequestOptions = {}): Promise<GraphQLResponse<T>> {
    const response = await fetch(this.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.cookieHeader(), ...options.headers },
      body,
    });
    return this.read<T>(response);
  }

  cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async read<T>(response: Response): Promise<GraphQLResponse<T>> {
    const setCookies = response.headers.getSetCookie();
    this.store(setCookies);
    const text = await response.text();
    let json: { data?: T; errors?: GraphQLResponse<T>['errors'] } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      // not JSON (e.g. an HTML page); callers assert on status and text
    }
    return { status: response.status, data: json.data, errors: json.errors, headers: response.headers, setCookies, text };
  }

  private store(setCookies: string[]): void {
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
