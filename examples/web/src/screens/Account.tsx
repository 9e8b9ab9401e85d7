import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import {
  BeginPasskeyRegistrationMutation,
  BeginTotpEnrollmentMutation,
  ChangePasswordMutation,
  ConfirmTotpEnrollmentMutation,
  CredentialsQuery,
  DeleteAccountMutation,
  FinishPasskeyRegistrationMutation,
  MeQuery,
  RequestEmailChangeMutation,
  RevokeCredentialMutation,
} from '../documents';
import { ErrorMessage, useAction } from '../errors';
import { Link, useRoute } from '../router';
import { createPasskey } from './passkeys';

/** The signed-in user's account: devices, password, address, second factors, deletion. */
export function Account() {
  const { data, loading } = useQuery(MeQuery);
  if (loading) return <p>Loading…</p>;
  if (!data?.me) return <p>You are not signed in. <Link to="/sign-in">Sign in</Link></p>;
  return (
    <>
      <h1>Your account</h1>
      <p>{data.me.email}</p>
      <Sessions />
      <ChangePassword />
      <ChangeEmail />
      <TwoFactor />
      <DeleteAccount />
    </>
  );
}

function Sessions() {
  const { data, refetch } = useQuery(CredentialsQuery, { fetchPolicy: 'network-only' });
  const [revoke] = useMutation(RevokeCredentialMutation);
  const { run, error } = useAction();
  return (
    <section aria-labelledby="sessions">
      <h2 id="sessions">Signed-in devices</h2>
      <ul>
        {data?.credentials.map((credential) => (
          <li key={credential.id} data-testid="credential">
            {credential.kind} · {credential.userAgent ?? credential.name ?? 'unknown device'} · since {new Date(credential.createdAt).toLocaleString()}
            {credential.current ? (
              <strong> (this device)</strong>
            ) : (
              <button type="button" onClick={() => run(async () => { await revoke({ variables: { id: credential.id } }); await refetch(); })}>Sign out this device</button>
            )}
          </li>
        ))}
      </ul>
      <ErrorMessage error={error} />
    </section>
  );
}

function ChangePassword() {
  const [change] = useMutation(ChangePasswordMutation);
  const { run, error, busy } = useAction();
  const [done, setDone] = useState(false);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = { currentPassword: String(form.get('current')), newPassword: String(form.get('new')) };
    if (await run(() => change({ variables: { input } }))) setDone(true);
  }
  return (
    <form onSubmit={submit} aria-labelledby="change-password">
      <h2 id="change-password">Change your password</h2>
      <label>Current password <input name="current" type="password" autoComplete="current-password" required /></label>
      <label>New password <input name="new" type="password" autoComplete="new-password" required minLength={8} /></label>
      <button type="submit" disabled={busy}>Change password</button>
      {done && <p role="status">Password changed. Your other devices were signed out.</p>}
      <ErrorMessage error={error} />
    </form>
  );
}

function ChangeEmail() {
  const [request] = useMutation(RequestEmailChangeMutation);
  const { run, error, busy } = useAction();
  const [sent, setSent] = useState(false);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const newEmail = String(new FormData(event.currentTarget).get('email'));
    if (await run(() => request({ variables: { newEmail } }))) setSent(true);
  }
  return (
    <form onSubmit={submit} aria-labelledby="change-email">
      <h2 id="change-email">Change your address</h2>
      <label>New address <input name="email" type="email" required /></label>
      <button type="submit" disabled={busy}>Send a confirmation link</button>
      {sent && <p role="status">Open the link we sent to the new address to confirm it.</p>}
      <ErrorMessage error={error} />
    </form>
  );
}

function TwoFactor() {
  const [begin] = useMutation(BeginTotpEnrollmentMutation);
  const [confirm] = useMutation(ConfirmTotpEnrollmentMutation);
  const [beginPasskey] = useMutation(BeginPasskeyRegistrationMutation);
  const [finishPasskey] = useMutation(FinishPasskeyRegistrationMutation);
  const { run, error, busy } = useAction();
  const [secret, setSecret] = useState<string | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [passkey, setPasskey] = useState<string | null>(null);

  async function confirmCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code'));
    const result = await run(() => confirm({ variables: { code } }));
    if (result?.data) setCodes(result.data.confirmTotpEnrollment.codes);
  }

  async function addPasskey() {
    const options = (await beginPasskey()).data?.beginPasskeyRegistration;
    if (!options) return;
    const response = await createPasskey(options);
    const created = await finishPasskey({ variables: { input: { response, name: 'This browser' } } });
    setPasskey(created.data?.finishPasskeyRegistration.name ?? null);
  }

  return (
    <section aria-labelledby="two-factor">
      <h2 id="two-factor">Two-factor authentication and passkeys</h2>
      {codes ? (
        <div role="status">
          <p>Two-factor authentication is on. Keep these recovery codes somewhere safe; each works once:</p>
          <ul>{codes.map((code) => <li key={code} data-testid="recovery-code">{code}</li>)}</ul>
        </div>
      ) : secret ? (
        <form onSubmit={confirmCode}>
          <p>Add this key to your authenticator app: <code data-testid="totp-secret">{secret}</code></p>
          <label>Code from the app <input name="code" inputMode="numeric" autoComplete="one-time-code" required /></label>
          <button type="submit" disabled={busy}>Turn on</button>
        </form>
      ) : (
        <button type="button" onClick={() => run(async () => setSecret((await begin()).data?.beginTotpEnrollment.secret ?? null))}>Set up an authenticator app</button>
      )}
      <button type="button" onClick={() => run(addPasskey)}>Add a passkey</button>
      {passkey && <p role="status">Passkey “{passkey}” added.</p>}
      <ErrorMessage error={error} />
    </section>
  );
}

function DeleteAccount() {
  const [remove] = useMutation(DeleteAccountMutation);
  const client = useApolloClient();
  const { navigate } = useRoute();
  const { run, error, busy } = useAction();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password'));
    if (await run(() => remove({ variables: { password } }))) {
      await client.resetStore();
      navigate('/');
    }
  }
  return (
    <form onSubmit={submit} aria-labelledby="delete-account">
      <h2 id="delete-account">Delete your account</h2>
      <label>Password <input name="password" type="password" autoComplete="current-password" required /></label>
      <button type="submit" disabled={busy}>Delete my account</button>
      <ErrorMessage error={error} />
    </form>
  );
}
