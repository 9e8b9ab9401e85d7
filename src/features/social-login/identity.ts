import type { Config } from '../../config';
import { AuthError, ErrorCode } from '../../errors';
import type { ProviderIdentity, SocialProvider } from './providers';
import type { SocialLoginInput } from './social-login.types';

/** Turns what an app sent (a code with PKCE, or an ID token) into a validated provider identity. */
export function identityFrom(provider: SocialProvider, input: SocialLoginInput, config: Pick<Config, 'social'>): Promise<ProviderIdentity> {
  if (input.idToken) return provider.verifyIdToken(input.idToken, input.nonce);
  if (!input.code || !input.codeVerifier || !input.redirectUri) {
    throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'code', message: 'Send code, codeVerifier and redirectUri, or idToken.' });
  }
  // Exact match only: no prefixes, patterns or normalisation (RFC 9700 §2.1).
  if (!config.social.redirectUris.includes(input.redirectUri)) {
    throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'redirectUri', message: 'This redirect URI is not allowed.' });
  }
  return provider.exchangeCode({ code: input.code, codeVerifier: input.codeVerifier, redirectUri: input.redirectUri, nonce: input.nonce, iss: input.iss });
}
