import { calculatePKCECodeChallenge, randomNonce, randomPKCECodeVerifier, randomState } from './oauth';
import { Browser } from './browser';
import type { OidcTestProvider } from './oidc-provider';

export const SPA_REDIRECT_URI = 'https://app.example.com/auth/callback';

export interface SpaAuthorization {
  code: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  /** RFC 9207: the provider names itself in the response. */
  iss: string | null;
}

/**
 * What a single-page app does before calling socialLogin: sends the browser to the provider's
 * authorization endpoint with PKCE, and reads the code from the redirect back to itself.
 */
export async function authorizeAsSpa(provider: OidcTestProvider, subject: string, redirectUri = SPA_REDIRECT_URI): Promise<SpaAuthorization> {
  const codeVerifier = randomPKCECodeVerifier();
  const nonce = randomNonce();
  const url = new URL('/auth', provider.issuer);
  url.search = new URLSearchParams({
    client_id: provider.clientId,
    response_type: 'code',
    scope: 'openid email profile',
    redirect_uri: redirectUri,
    state: randomState(),
    nonce,
    code_challenge: calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    login_hint: subject,
  }).toString();
  const { url: landed } = await new Browser().navigate(url, (u) => u.href.startsWith(redirectUri));
  const code = landed.searchParams.get('code');
  if (!code) throw new Error(`no code: ${landed.href}`);
  return { code, codeVerifier, nonce, redirectUri, iss: landed.searchParams.get('iss') };
}
