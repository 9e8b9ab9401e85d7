import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { LogoutMutation, MeQuery } from '../documents';
import { ErrorMessage, useAction } from '../errors';
import { Link } from '../router';

/** Who am I: the signed-in user, or the ways in. */
export function Home() {
  const { data, loading } = useQuery(MeQuery);
  const client = useApolloClient();
  const [logout] = useMutation(LogoutMutation);
  const { run, error } = useAction();
  if (loading) return <p>Loading…</p>;
  const me = data?.me;
  if (!me) {
    return (
      <section aria-labelledby="home">
        <h1 id="home">Welcome</h1>
        <p>You are not signed in.</p>
        <p><Link to="/sign-in">Sign in</Link> or <Link to="/sign-up">create an account</Link>.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="home">
      <h1 id="home">Signed in</h1>
      <p>You are signed in as <strong data-testid="me-email">{me.email}</strong>{me.displayName ? ` (${me.displayName})` : ''}.</p>
      <p>Your address is {me.emailVerified ? 'verified' : 'not verified yet'}.</p>
      <p><Link to="/account">Your account and sessions</Link></p>
      <button type="button" onClick={() => run(async () => { await logout(); await client.resetStore(); })}>Sign out</button>
      <ErrorMessage error={error} />
    </section>
  );
}
