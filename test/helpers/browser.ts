import { parse as parseSetCookie, splitCookiesString } from 'set-cookie-parser';

export interface Navigation {
  /** Where the browser ended up (the first URL `stopAt` accepted, or the last page). */
  url: URL;
  response: Response | undefined;
  /** Every URL visited, in order. */
  visited: URL[];
}

/**
 * Just enough of a browser for redirect flows: follows redirects by hand across hosts, keeps
 * cookies per host (ports ignored, as browsers do), and can stop before loading a URL, as when
 * the provider sends the browser back to a frontend that is not running.
 */
export class Browser {
  readonly cookies = new Map<string, Map<string, string>>();

  async navigate(start: string | URL, stopAt: (url: URL) => boolean = () => false, maxHops = 20): Promise<Navigation> {
    let url = new URL(start);
    const visited: URL[] = [];
    for (let hop = 0; hop < maxHops; hop++) {
      visited.push(url);
      if (stopAt(url)) return { url, response: undefined, visited };
      const response = await fetch(url, { redirect: 'manual', headers: this.cookieHeader(url) });
      this.store(url, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url, response, visited };
      await response.body?.cancel();
      url = new URL(location, url);
    }
    throw new Error(`too many redirects: ${visited.join(' -> ')}`);
  }

  /** The cookies this browser would send to `host`. */
  jar(host: string): Map<string, string> {
    let jar = this.cookies.get(host);
    if (!jar) this.cookies.set(host, (jar = new Map()));
    return jar;
  }

  private cookieHeader(url: URL): Record<string, string> {
    const jar = this.jar(url.hostname);
    return jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  private store(url: URL, setCookies: string[]): void {
    const jar = this.jar(url.hostname);
    for (const cookie of parseSetCookie(splitCookiesString(setCookies), { decodeValues: false })) {
      const expired = (cookie.expires && cookie.expires.getTime() <= Date.now()) || cookie.maxAge === 0 || cookie.value === '';
      if (expired) jar.delete(cookie.name);
      else jar.set(cookie.name, cookie.value);
    }
  }
}
