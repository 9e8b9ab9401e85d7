import { registerEnumType } from 'type-graphql';

/** How a signed-in client carries its credential. Stored on each session. */
export enum CredentialKind {
  COOKIE = 'COOKIE',
  SESSION_TOKEN = 'SESSION_TOKEN',
  JWT = 'JWT',
}

registerEnumType(CredentialKind, {
  name: 'CredentialKind',
  description: 'How the client wants to carry its credential after signing in.',
  valuesConfig: {
    COOKIE: { description: 'An HttpOnly session cookie (browsers).' },
    SESSION_TOKEN: { description: 'An opaque session token sent as `Authorization: Bearer`.' },
    JWT: { description: 'A short-lived access JWT plus a rotating refresh token.' },
  },
});
