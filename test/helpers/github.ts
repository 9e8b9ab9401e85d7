import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
  emails: { email: string; primary: boolean; verified: boolean }[];
}

export interface FakeGitHub {
  url: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Who approves the next authorization. */
  signInAs(user: GitHubUser): void;
  close(): Promise<void>;
}

/**
 * A small local server that follows GitHub's documented OAuth web flow and REST endpoints
 * (/login/oauth/authorize, /login/oauth/access_token with PKCE, /user, /user/emails), enough to
 * run Gatehouse's GitHub sign-in for real over HTTP.
 */
export async function startFakeGitHub(): Promise<FakeGitHub> {
  const clientId = 'Iv1.testclient';
  const clientSecret = 'github-test-secret';
  const codes = new Map<string, { user: GitHubUser; challenge: string; redirectUri: string }>();
  const tokens = new Map<string, GitHubUser>();
  let next: GitHubUser | undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { message: String(error) }));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://github.local');
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const p = url.searchParams;
      if (p.get('client_id') !== clientId || !next || p.get('code_challenge_method') !== 'S256') return json(res, 400, { error: 'bad_request' });
      const code = randomBytes(10).toString('hex');
      codes.set(code, { user: next, challenge: p.get('code_challenge')!, redirectUri: p.get('redirect_uri')! });
      const back = new URL(p.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state') ?? '');
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const body = new URLSearchParams(await readBody(req));
      const entry = codes.get(body.get('code') ?? '');
      codes.delete(body.get('code') ?? ''); // a code works once
      const verifier = body.get('code_verifier') ?? '';
      const ok =
        entry &&
        body.get('client_id') === clientId &&
        body.get('client_secret') === clientSecret &&
        body.get('redirect_uri') === entry.redirectUri &&
        createHash('sha256').update(verifier).digest('base64url') === entry.challenge;
      // GitHub answers errors with 200 and an error field.
      if (!ok) return json(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
      const token = `gho_${randomBytes(16).toString('hex')}`;
      tokens.set(token, entry.user);
      return json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /i, ''));
    if (url.pathname.startsWith('/api/') && !user) return json(res, 401, { message: 'Bad credentials' });
    if (url.pathname === '/api/user') return json(res, 200, { id: user!.id, login: user!.login, name: user!.name });
    if (url.pathname === '/api/user/emails') return json(res, 200, user!.emails.map((e) => ({ ...e, visibility: null })));
    json(res, 404, { message: 'Not Found' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api`,
    clientId,
    clientSecret,
    signInAs: (user) => {
      next = user;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString()));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
