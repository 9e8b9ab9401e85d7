import { Secret, TOTP } from 'otpauth';
import { BeginTotpEnrollmentDocument, CompleteSignInDocument, type CredentialKind, LoginDocument } from '../generated/graphql';
import { adopt, type AuthSuccessFields, GOOD_PASSWORD } from './accounts';
import { errorCode, TestClient } from './client';
import type { FakeClock } from './clock';
import { ConfirmTotpEnrollmentDocument } from '../generated/graphql';

/** The code an authenticator app holding `secret` shows at `at` (an independent RFC 6238 implementation's view). */
export function totpCode(secret: string, at: Date): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: at.getTime() });
}

export interface EnabledTotp {
  secret: string;
  recoveryCodes: string[];
}

/**
 * Turns TOTP on for the signed-in `client`, as a user would: scans the seed, types the current
 * code. The clock then moves on a step, so the next code a test types is a fresh one.
 */
export async function enableTotp(client: TestClient, clock: FakeClock): Promise<EnabledTotp> {
  const begun = await client.request(BeginTotpEnrollmentDocument, {});
  const secret = begun.data?.beginTotpEnrollment.secret;
  if (!secret) throw new Error(`beginTotpEnrollment failed: ${begun.text}`);
  const confirmed = await client.request(ConfirmTotpEnrollmentDocument, { input: { code: totpCode(secret, clock.now()) } });
  const recoveryCodes = confirmed.data?.confirmTotpEnrollment.codes;
  if (!recoveryCodes) throw new Error(`confirmTotpEnrollment failed: ${confirmed.text}`);
  clock.advance(30);
  return { secret, recoveryCodes };
}

/** The first step of a sign-in for a user with a second factor: the flow token, from a new client. */
export async function firstStep(graphqlUrl: string, email: string, kind: CredentialKind = 'COOKIE', client = new TestClient(graphqlUrl)) {
  const response = await client.request(LoginDocument, { input: { email, password: GOOD_PASSWORD, credentials: kind } });
  const step = response.data?.login;
  if (step?.__typename !== 'PendingStep' || !step.flowToken) throw new Error(`expected a SECOND_FACTOR step: ${response.text}`);
  return { client, step, flowToken: step.flowToken };
}

/** Both steps, with the current TOTP code; the client carries the credential of `kind`. The clock moves on a step. */
export async function signInWithTotp(graphqlUrl: string, email: string, kind: CredentialKind, secret: string, clock: FakeClock, client?: TestClient) {
  const { client: c, flowToken } = await firstStep(graphqlUrl, email, kind, client);
  const response = await c.request(CompleteSignInDocument, { input: { flowToken, totpCode: totpCode(secret, clock.now()) } });
  clock.advance(30);
  const result = response.data?.completeSignIn;
  if (result?.__typename !== 'AuthSuccess') throw new Error(`completeSignIn failed (${String(errorCode(response))}): ${response.text}`);
  adopt(c, result, kind);
  return { client: c, result: result as AuthSuccessFields };
}
