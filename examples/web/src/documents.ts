import { graphql } from './gql';

// Every operation the app sends, typed by GraphQL Code Generator (client preset) from Gatehouse's
// schema: `npm run codegen` writes src/gql/. Variables and results are checked by TypeScript.

export const SignInResultFields = graphql(`
  fragment SignInResultFields on AuthResult {
    __typename
    ... on AuthSuccess {
      user { id email }
    }
    ... on PendingStep {
      step
      flowToken
      methods
      passkeyOptions
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me { id email emailVerified displayName }
  }
`);

export const RegisterMutation = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) { ...SignInResultFields }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) { ...SignInResultFields }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

export const CompleteSignInMutation = graphql(`
  mutation CompleteSignIn($input: CompleteSignInInput!) {
    completeSignIn(input: $input) { ...SignInResultFields }
  }
`);

export const BeginPasskeySignInMutation = graphql(`
  mutation BeginPasskeySignIn($email: String) {
    beginPasskeySignIn(email: $email) { flowToken options }
  }
`);

export const FinishPasskeySignInMutation = graphql(`
  mutation FinishPasskeySignIn($input: FinishPasskeySignInInput!) {
    finishPasskeySignIn(input: $input) { ...SignInResultFields }
  }
`);

export const RequestSignInEmailMutation = graphql(`
  mutation RequestSignInEmail($email: String!) {
    requestSignInEmail(email: $email)
  }
`);

export const SignInWithEmailLinkMutation = graphql(`
  mutation SignInWithEmailLink($token: String!) {
    signInWithEmailLink(token: $token) { ...SignInResultFields }
  }
`);

export const SignInWithEmailCodeMutation = graphql(`
  mutation SignInWithEmailCode($email: String!, $code: String!) {
    signInWithEmailCode(email: $email, code: $code) { ...SignInResultFields }
  }
`);

export const AuthProvidersQuery = graphql(`
  query AuthProviders {
    authProviders { id displayName }
  }
`);

export const CredentialsQuery = graphql(`
  query Credentials {
    credentials { id kind name createdAt lastUsedAt ipAddress userAgent current }
  }
`);

export const RevokeCredentialMutation = graphql(`
  mutation RevokeCredential($id: ID!) {
    revokeCredential(id: $id)
  }
`);

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input)
  }
`);

export const RequestEmailChangeMutation = graphql(`
  mutation RequestEmailChange($newEmail: String!) {
    requestEmailChange(newEmail: $newEmail)
  }
`);

export const ConfirmEmailChangeMutation = graphql(`
  mutation ConfirmEmailChange($token: String!) {
    confirmEmailChange(token: $token) { id email }
  }
`);

export const VerifyEmailMutation = graphql(`
  mutation VerifyEmail($token: String!) {
    verifyEmail(token: $token) { id email emailVerified }
  }
`);

export const RequestPasswordResetMutation = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

export const ResetPasswordMutation = graphql(`
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input)
  }
`);

export const UnlockAccountMutation = graphql(`
  mutation UnlockAccount($token: String!) {
    unlockAccount(token: $token)
  }
`);

export const DeleteAccountMutation = graphql(`
  mutation DeleteAccount($password: String) {
    deleteAccount(password: $password)
  }
`);

export const BeginTotpEnrollmentMutation = graphql(`
  mutation BeginTotpEnrollment {
    beginTotpEnrollment { secret otpauthUri }
  }
`);

export const ConfirmTotpEnrollmentMutation = graphql(`
  mutation ConfirmTotpEnrollment($code: String!) {
    confirmTotpEnrollment(input: { code: $code }) { codes }
  }
`);

export const BeginPasskeyRegistrationMutation = graphql(`
  mutation BeginPasskeyRegistration {
    beginPasskeyRegistration
  }
`);

export const FinishPasskeyRegistrationMutation = graphql(`
  mutation FinishPasskeyRegistration($input: FinishPasskeyRegistrationInput!) {
    finishPasskeyRegistration(input: $input) { id name }
  }
`);
