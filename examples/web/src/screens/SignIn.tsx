import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useEffect, useState } from 'react';
import { GATEHOUSE_URL } from '../apollo';
import { AuthProvidersQuery, BeginPasskeySignInMutation, FinishPasskeySignInMutation, LoginMutation } from '../documents';
import { ErrorMessage, useAction } from '../errors';
import { Link, useRoute } from '../router';
import { askForPasskey, browserSupportsWebAuthnAutofill } from './passkeys';
import type { PendingSecondStep } from './SecondStep';
import { outcomeOf, type SignInOutcome } from './sign-in-result';

/** Where a finished sign-in goes: home, the second step, or a note about the mail. */
export function useFinishSignIn(onSecondStep: (pending: PendingSecondStep) => void) {
  const client = useApolloClient();
  const { navigate } = useRoute();
  const [note, setNote] = useState<string | null>(null);
  async function finish(outcome: SignInOutcome) {
    if (outcome.kind === 'second-step') {
      onSecondStep(outcome.pending);
      return navigate('/two-factor');
    }
    if (outcome.kind === 'verify-email') return setNote('Confirm your address first: we sent you a link.');
    if (outcome.kind === 'enroll') return setNote('This account must set up two-factor authentication first.');
    await client.resetStore();
    navigate('/');
  }
  return { finish, note };
}

export function SignIn({ onSecondStep }: { onSecondStep: (pending: PendingSecondStep) => void }) {
  const [login] = useMutation(LoginMutation);
  const [beginPasskey] = useMutation(BeginPasskeySignInMutation);
  const [finishPasskey] = useMutation(FinishPasskeySignInMutation);
  const { data: providers } = useQuery(AuthProvidersQuery);
  const { finish, note } = useFinishSignIn(onSecondStep);
  const { run, error, busy } = useAction();

  async function withPasskey(autofill: boolean) {
    const begun = (await beginPasskey()).data?.beginPasskeySignIn;
    if (!begun) return;
    const response = await askForPasskey(begun.options, autofill);
    const result = await finishPasskey({ variables: { input: { flowToken: begun.flowToken, response } } });
    await finish(outcomeOf(result.data?.finishPasskeySignIn));
  }

  // Conditional UI: the browser offers the user's passkeys in the email field's autofill.
  useEffect(() => {
    let cancelled = false;
    void browserSupportsWebAuthnAutofill().then((supported) => {
      if (supported && !cancelled) void withPasskey(true).catch(() => {}); // dismissed, or a password used instead
    });
    return () => {
      cancelled = true;
    };
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const result = await run(() => login({ variables: { input: { email: String(form.get('email')), password: String(form.get('password')) } } }));
    if (result) await finish(outcomeOf(result.data?.login));
  }

  const returnTo = window.location.origin;
  return (
    <section aria-labelledby="sign-in">
      <h1 id="sign-in">Sign in</h1>
      <form onSubmit={submit}>
        <label>Email <input name="email" type="email" autoComplete="username webauthn" required /></label>
        <label>Password <input name="password" type="password" autoComplete="current-password" required /></label>
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
      <button type="button" onClick={() => run(() => withPasskey(false))}>Sign in with a passkey</button>
      {providers?.authProviders.map((provider) => (
        // The redirect flow: the browser goes to Gatehouse, the provider, and back to returnTo.
        <a key={provider.id} className="button" href={new URL(`/auth/${provider.id}?returnTo=${encodeURIComponent(returnTo)}`, GATEHOUSE_URL).href}>
          Continue with {provider.displayName}
        </a>
      ))}
      <p><Link to="/email-sign-in">Email me a sign-in link</Link> · <Link to="/forgot-password">Forgot your password?</Link></p>
      {note && <p role="status">{note}</p>}
      <ErrorMessage error={error} />
    </section>
  );
}
