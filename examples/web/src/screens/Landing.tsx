import { useApolloClient, useMutation } from '@apollo/client/react';
import { type ReactNode, useState } from 'react';
import { ConfirmEmailChangeMutation, SignInWithEmailLinkMutation, UnlockAccountMutation, VerifyEmailMutation } from '../documents';
import { ErrorMessage, useAction } from '../errors';
import { Link, tokenFromUrl } from '../router';
import type { PendingSecondStep } from './SecondStep';
import { useFinishSignIn } from './SignIn';
import { outcomeOf } from './sign-in-result';

/**
 * A page a mailed link opens. The token is used only when the user presses the button: mail
 * scanners that follow links must not verify, sign in or unlock on the user's behalf.
 */
function LinkPage({ title, action, done, onUse }: { title: string; action: string; done: ReactNode; onUse: (token: string) => Promise<unknown> }) {
  const { run, error, busy } = useAction();
  const [finished, setFinished] = useState(false);
  const token = tokenFromUrl();
  return (
    <section aria-labelledby="landing">
      <h1 id="landing">{title}</h1>
      {finished ? (
        <div role="status">{done}</div>
      ) : (
        <button type="button" disabled={busy || !token} onClick={async () => setFinished(await run(async () => { await onUse(token); return true; }) ?? false)}>
          {action}
        </button>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

export function VerifyEmail() {
  const [verify] = useMutation(VerifyEmailMutation);
  const client = useApolloClient();
  return <LinkPage title="Confirm your address" action="Confirm my address" done={<p>Your address is confirmed. <Link to="/">Home</Link></p>} onUse={async (token) => { await verify({ variables: { token } }); await client.resetStore(); }} />;
}

export function ConfirmEmailChange() {
  const [confirm] = useMutation(ConfirmEmailChangeMutation);
  const client = useApolloClient();
  return <LinkPage title="Confirm your new address" action="Use this address" done={<p>Your account now uses this address. <Link to="/">Home</Link></p>} onUse={async (token) => { await confirm({ variables: { token } }); await client.resetStore(); }} />;
}

export function UnlockAccount() {
  const [unlock] = useMutation(UnlockAccountMutation);
  return <LinkPage title="Unlock your account" action="Unlock my account" done={<p>Your account is unlocked. <Link to="/sign-in">Sign in</Link></p>} onUse={(token) => unlock({ variables: { token } })} />;
}

export function SignInLink({ onSecondStep }: { onSecondStep: (pending: PendingSecondStep) => void }) {
  const [signIn] = useMutation(SignInWithEmailLinkMutation);
  const { finish, note } = useFinishSignIn(onSecondStep);
  return (
    <>
      <LinkPage title="Sign in" action="Sign me in" done={<p>Signing you in…</p>} onUse={async (token) => finish(outcomeOf((await signIn({ variables: { token } })).data?.signInWithEmailLink))} />
      {note && <p role="status">{note}</p>}
    </>
  );
}
