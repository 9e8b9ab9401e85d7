import type { SignInResultFieldsFragment } from '../gql/graphql';
import type { PendingSecondStep } from './SecondStep';

/** What a sign-in answered, for the screens: signed in, a second step to take, or mail to read. */
export type SignInOutcome = { kind: 'signed-in' } | { kind: 'second-step'; pending: PendingSecondStep } | { kind: 'verify-email' } | { kind: 'enroll' };

export function outcomeOf(result: SignInResultFieldsFragment | null | undefined): SignInOutcome {
  if (!result || result.__typename === 'AuthSuccess') return { kind: 'signed-in' };
  if (result.step === 'VERIFY_EMAIL') return { kind: 'verify-email' };
  if (result.step === 'ENROLL_SECOND_FACTOR') return { kind: 'enroll' };
  return { kind: 'second-step', pending: { flowToken: result.flowToken ?? '', methods: result.methods ?? [], passkeyOptions: result.passkeyOptions ?? null } };
}
