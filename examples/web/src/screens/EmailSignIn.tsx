import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { RequestSignInEmailMutation, SignInWithEmailCodeMutation } from '../documents';
import { ErrorMessage, useAction } from '../errors';
import type { PendingSecondStep } from './SecondStep';
import { useFinishSignIn } from './SignIn';
import { outcomeOf } from './sign-in-result';

/** Email sign-in (EMAIL_SIGN_IN_ENABLED): a link to open, or a code to type here. */
export function EmailSignIn({ onSecondStep }: { onSecondStep: (pending: PendingSecondStep) => void }) {
  const [request] = useMutation(RequestSignInEmailMutation);
  const [withCode] = useMutation(SignInWithEmailCodeMutation);
  const { finish, note } = useFinishSignIn(onSecondStep);
  const { run, error, busy } = useAction();
  const [email, setEmail] = useState<string | null>(null);

  async function ask(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const address = String(new FormData(event.currentTarget).get('email'));
    if (await run(() => request({ variables: { email: address } }))) setEmail(address);
  }

  async function enter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code'));
    const result = await run(() => withCode({ variables: { email: email!, code } }));
    if (result) await finish(outcomeOf(result.data?.signInWithEmailCode));
  }

  return (
    <section aria-labelledby="email-sign-in">
      <h1 id="email-sign-in">Sign in by email</h1>
      {email === null ? (
        <form onSubmit={ask}>
          <label>Email <input name="email" type="email" autoComplete="username" required /></label>
          <button type="submit" disabled={busy}>Email me a link and a code</button>
        </form>
      ) : (
        <form onSubmit={enter}>
          <p role="status">If {email} has an account, we sent it a link and a code. Open the link, or type the code here.</p>
          <label>Code <input name="code" inputMode="numeric" autoComplete="one-time-code" required /></label>
          <button type="submit" disabled={busy}>Sign in</button>
        </form>
      )}
      {note && <p role="status">{note}</p>}
      <ErrorMessage error={error} />
    </section>
  );
}
