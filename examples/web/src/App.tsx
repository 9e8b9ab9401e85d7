import { useState } from 'react';
import { Link, useRoute } from './router';
import { Account } from './screens/Account';
import { ConfirmEmailChange, SignInLink, UnlockAccount, VerifyEmail } from './screens/Landing';
import { EmailSignIn } from './screens/EmailSignIn';
import { Home } from './screens/Home';
import { ForgotPassword, ResetPassword } from './screens/Passwords';
import { SecondStep, type PendingSecondStep } from './screens/SecondStep';
import { SignIn } from './screens/SignIn';
import { SignUp } from './screens/SignUp';

/** The screens by path; the paths of mailed links are Gatehouse's defaults (VERIFY_EMAIL_PATH, …). */
export function App() {
  const { path } = useRoute();
  // A sign-in that needs its second step: kept in memory, never in the URL or storage.
  const [pending, setPending] = useState<PendingSecondStep | null>(null);
  const screens: Record<string, JSX.Element> = {
    '/': <Home />,
    '/sign-up': <SignUp />,
    '/sign-in': <SignIn onSecondStep={setPending} />,
    '/two-factor': <SecondStep pending={pending} />,
    '/email-sign-in': <EmailSignIn onSecondStep={setPending} />,
    '/account': <Account />,
    '/forgot-password': <ForgotPassword />,
    '/reset-password': <ResetPassword />,
    '/accept-invite': <ResetPassword invitation />,
    '/verify-email': <VerifyEmail />,
    '/confirm-email-change': <ConfirmEmailChange />,
    '/sign-in-link': <SignInLink onSecondStep={setPending} />,
    '/unlock-account': <UnlockAccount />,
  };
  return (
    <>
      <header>
        <nav aria-label="Main">
          <Link to="/">Home</Link> · <Link to="/sign-in">Sign in</Link> · <Link to="/sign-up">Sign up</Link> · <Link to="/account">Account</Link>
        </nav>
      </header>
      <main>{screens[path] ?? <p>There is no page here. <Link to="/">Home</Link></p>}</main>
    </>
  );
}
