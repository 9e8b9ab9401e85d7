import { useMutation } from '@apollo/client/react';
import { type FormEvent } from 'react';
import { CompleteSignInMutation } from '../documents';
import { ErrorMessage, useAction } from '../errors';
import { Link, useRoute } from '../router';
import { askForPasskey } from './passkeys';
import { useFinishSignIn } from './SignIn';
import { outcomeOf } from './sign-in-result';

export interface PendingSecondStep {
  flowToken: string;
  methods: string[];
  passkeyOptions: Record<string, unknown> | null;
}

/** The second step of a sign-in: a code from the authenticator app, a recovery code, or a passkey. */
export function SecondStep({ pending }: { pending: PendingSecondStep | null }) {
  const [complete] = useMutation(CompleteSignInMutation);
  const { navigate } = useRoute();
  const { finish } = useFinishSignIn(() => navigate('/two-factor'));
  const { run, error, busy } = useAction();
  if (!pending) return <p>Start at <Link to="/sign-in">sign in</Link>.</p>;
  const { flowToken } = pending;

  async function submit(event: FormEvent<HTMLFormElement>, field: 'totpCode' | 'recoveryCode') {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get(field));
    const result = await run(() => complete({ variables: { input: { flowToken, [field]: value } } }));
    if (result) await finish(outcomeOf(result.data?.completeSignIn));
  }

  async function withPasskey() {
    const response = await askForPasskey(pending!.passkeyOptions!);
    const result = await complete({ variables: { input: { flowToken, webauthnResponse: response } } });
    await finish(outcomeOf(result.data?.completeSignIn));
  }

  return (
    <section aria-labelledby="second-step">
      <h1 id="second-step">Two-factor authentication</h1>
      {pending.methods.includes('TOTP') && (
        <form onSubmit={(event) => submit(event, 'totpCode')}>
          <label>Code from your authenticator app <input name="totpCode" inputMode="numeric" autoComplete="one-time-code" required /></label>
          <button type="submit" disabled={busy}>Verify</button>
        </form>
      )}
      {pending.methods.includes('RECOVERY_CODE') && (
        <form onSubmit={(event) => submit(event, 'recoveryCode')}>
          <label>Recovery code <input name="recoveryCode" autoComplete="off" required /></label>
          <button type="submit" disabled={busy}>Use recovery code</button>
        </form>
      )}
      {pending.methods.includes('WEBAUTHN') && pending.passkeyOptions && (
        <button type="button" onClick={() => run(withPasskey)}>Use a passkey</button>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
