import { useApolloClient, useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { RegisterMutation } from '../documents';
import { ErrorMessage, useAction } from '../errors';
import { useRoute } from '../router';
import { outcomeOf } from './sign-in-result';

export function SignUp() {
  const [register] = useMutation(RegisterMutation);
  const client = useApolloClient();
  const { navigate } = useRoute();
  const { run, error, busy } = useAction();
  const [checkMail, setCheckMail] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = { email: String(form.get('email')), password: String(form.get('password')), displayName: String(form.get('displayName')) || null };
    const result = await run(() => register({ variables: { input } }));
    if (!result) return;
    const outcome = outcomeOf(result.data?.register);
    if (outcome.kind === 'verify-email') return setCheckMail(true);
    await client.resetStore();
    navigate('/');
  }

  if (checkMail) return <p role="status">Check your mail: confirm your address with the link we sent, then sign in.</p>;
  return (
    <form onSubmit={submit} aria-labelledby="sign-up">
      <h1 id="sign-up">Create an account</h1>
      <label>Email <input name="email" type="email" autoComplete="username" required /></label>
      <label>Password <input name="password" type="password" autoComplete="new-password" required minLength={8} /></label>
      <label>Name (optional) <input name="displayName" autoComplete="name" /></label>
      <button type="submit" disabled={busy}>Create account</button>
      <ErrorMessage error={error} />
    </form>
  );
}
