import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { RequestPasswordResetMutation, ResetPasswordMutation } from '../documents';
import { ErrorMessage, useAction } from '../errors';
import { Link, tokenFromUrl } from '../router';

export function ForgotPassword() {
  const [request] = useMutation(RequestPasswordResetMutation);
  const { run, error, busy } = useAction();
  const [sent, setSent] = useState(false);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email'));
    if (await run(() => request({ variables: { email } }))) setSent(true);
  }
  if (sent) return <p role="status">If this address has an account, we sent it a link to choose a new password.</p>;
  return (
    <form onSubmit={submit} aria-labelledby="forgot">
      <h1 id="forgot">Forgot your password?</h1>
      <label>Email <input name="email" type="email" autoComplete="username" required /></label>
      <button type="submit" disabled={busy}>Email me a link</button>
      <ErrorMessage error={error} />
    </form>
  );
}

/** The reset link's page (RESET_PASSWORD_PATH), and an invitation's (INVITE_PATH): both set a password. */
export function ResetPassword({ invitation = false }: { invitation?: boolean }) {
  const [reset] = useMutation(ResetPasswordMutation);
  const { run, error, busy } = useAction();
  const [done, setDone] = useState(false);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const newPassword = String(new FormData(event.currentTarget).get('password'));
    if (await run(() => reset({ variables: { input: { token: tokenFromUrl(), newPassword } } }))) setDone(true);
  }
  if (done) return <p role="status">Your password is set. <Link to="/sign-in">Sign in</Link></p>;
  return (
    <form onSubmit={submit} aria-labelledby="reset">
      <h1 id="reset">{invitation ? 'Accept your invitation' : 'Choose a new password'}</h1>
      <label>New password <input name="password" type="password" autoComplete="new-password" required minLength={8} /></label>
      <button type="submit" disabled={busy}>Set password</button>
      <ErrorMessage error={error} />
    </form>
  );
}
