/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment SignInResultFields on AuthResult {\n    __typename\n    ... on AuthSuccess {\n      user { id email }\n    }\n    ... on PendingStep {\n      step\n      flowToken\n      methods\n      passkeyOptions\n    }\n  }\n": typeof types.SignInResultFieldsFragmentDoc,
    "\n  query Me {\n    me { id email emailVerified displayName }\n  }\n": typeof types.MeDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { ...SignInResultFields }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { ...SignInResultFields }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  mutation CompleteSignIn($input: CompleteSignInInput!) {\n    completeSignIn(input: $input) { ...SignInResultFields }\n  }\n": typeof types.CompleteSignInDocument,
    "\n  mutation BeginPasskeySignIn($email: String) {\n    beginPasskeySignIn(email: $email) { flowToken options }\n  }\n": typeof types.BeginPasskeySignInDocument,
    "\n  mutation FinishPasskeySignIn($input: FinishPasskeySignInInput!) {\n    finishPasskeySignIn(input: $input) { ...SignInResultFields }\n  }\n": typeof types.FinishPasskeySignInDocument,
    "\n  mutation RequestSignInEmail($email: String!) {\n    requestSignInEmail(email: $email)\n  }\n": typeof types.RequestSignInEmailDocument,
    "\n  mutation SignInWithEmailLink($token: String!) {\n    signInWithEmailLink(token: $token) { ...SignInResultFields }\n  }\n": typeof types.SignInWithEmailLinkDocument,
    "\n  mutation SignInWithEmailCode($email: String!, $code: String!) {\n    signInWithEmailCode(email: $email, code: $code) { ...SignInResultFields }\n  }\n": typeof types.SignInWithEmailCodeDocument,
    "\n  query AuthProviders {\n    authProviders { id displayName }\n  }\n": typeof types.AuthProvidersDocument,
    "\n  query Credentials {\n    credentials { id kind name createdAt lastUsedAt ipAddress userAgent current }\n  }\n": typeof types.CredentialsDocument,
    "\n  mutation RevokeCredential($id: ID!) {\n    revokeCredential(id: $id)\n  }\n": typeof types.RevokeCredentialDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  mutation RequestEmailChange($newEmail: String!) {\n    requestEmailChange(newEmail: $newEmail)\n  }\n": typeof types.RequestEmailChangeDocument,
    "\n  mutation ConfirmEmailChange($token: String!) {\n    confirmEmailChange(token: $token) { id email }\n  }\n": typeof types.ConfirmEmailChangeDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) { id email emailVerified }\n  }\n": typeof types.VerifyEmailDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input)\n  }\n": typeof types.ResetPasswordDocument,
    "\n  mutation UnlockAccount($token: String!) {\n    unlockAccount(token: $token)\n  }\n": typeof types.UnlockAccountDocument,
    "\n  mutation DeleteAccount($password: String) {\n    deleteAccount(password: $password)\n  }\n": typeof types.DeleteAccountDocument,
    "\n  mutation BeginTotpEnrollment {\n    beginTotpEnrollment { secret otpauthUri }\n  }\n": typeof types.BeginTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(input: { code: $code }) { codes }\n  }\n": typeof types.ConfirmTotpEnrollmentDocument,
    "\n  mutation BeginPasskeyRegistration {\n    beginPasskeyRegistration\n  }\n": typeof types.BeginPasskeyRegistrationDocument,
    "\n  mutation FinishPasskeyRegistration($input: FinishPasskeyRegistrationInput!) {\n    finishPasskeyRegistration(input: $input) { id name }\n  }\n": typeof types.FinishPasskeyRegistrationDocument,
};
const documents: Documents = {
    "\n  fragment SignInResultFields on AuthResult {\n    __typename\n    ... on AuthSuccess {\n      user { id email }\n    }\n    ... on PendingStep {\n      step\n      flowToken\n      methods\n      passkeyOptions\n    }\n  }\n": types.SignInResultFieldsFragmentDoc,
    "\n  query Me {\n    me { id email emailVerified displayName }\n  }\n": types.MeDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { ...SignInResultFields }\n  }\n": types.RegisterDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { ...SignInResultFields }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  mutation CompleteSignIn($input: CompleteSignInInput!) {\n    completeSignIn(input: $input) { ...SignInResultFields }\n  }\n": types.CompleteSignInDocument,
    "\n  mutation BeginPasskeySignIn($email: String) {\n    beginPasskeySignIn(email: $email) { flowToken options }\n  }\n": types.BeginPasskeySignInDocument,
    "\n  mutation FinishPasskeySignIn($input: FinishPasskeySignInInput!) {\n    finishPasskeySignIn(input: $input) { ...SignInResultFields }\n  }\n": types.FinishPasskeySignInDocument,
    "\n  mutation RequestSignInEmail($email: String!) {\n    requestSignInEmail(email: $email)\n  }\n": types.RequestSignInEmailDocument,
    "\n  mutation SignInWithEmailLink($token: String!) {\n    signInWithEmailLink(token: $token) { ...SignInResultFields }\n  }\n": types.SignInWithEmailLinkDocument,
    "\n  mutation SignInWithEmailCode($email: String!, $code: String!) {\n    signInWithEmailCode(email: $email, code: $code) { ...SignInResultFields }\n  }\n": types.SignInWithEmailCodeDocument,
    "\n  query AuthProviders {\n    authProviders { id displayName }\n  }\n": types.AuthProvidersDocument,
    "\n  query Credentials {\n    credentials { id kind name createdAt lastUsedAt ipAddress userAgent current }\n  }\n": types.CredentialsDocument,
    "\n  mutation RevokeCredential($id: ID!) {\n    revokeCredential(id: $id)\n  }\n": types.RevokeCredentialDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n": types.ChangePasswordDocument,
    "\n  mutation RequestEmailChange($newEmail: String!) {\n    requestEmailChange(newEmail: $newEmail)\n  }\n": types.RequestEmailChangeDocument,
    "\n  mutation ConfirmEmailChange($token: String!) {\n    confirmEmailChange(token: $token) { id email }\n  }\n": types.ConfirmEmailChangeDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) { id email emailVerified }\n  }\n": types.VerifyEmailDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input)\n  }\n": types.ResetPasswordDocument,
    "\n  mutation UnlockAccount($token: String!) {\n    unlockAccount(token: $token)\n  }\n": types.UnlockAccountDocument,
    "\n  mutation DeleteAccount($password: String) {\n    deleteAccount(password: $password)\n  }\n": types.DeleteAccountDocument,
    "\n  mutation BeginTotpEnrollment {\n    beginTotpEnrollment { secret otpauthUri }\n  }\n": types.BeginTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(input: { code: $code }) { codes }\n  }\n": types.ConfirmTotpEnrollmentDocument,
    "\n  mutation BeginPasskeyRegistration {\n    beginPasskeyRegistration\n  }\n": types.BeginPasskeyRegistrationDocument,
    "\n  mutation FinishPasskeyRegistration($input: FinishPasskeyRegistrationInput!) {\n    finishPasskeyRegistration(input: $input) { id name }\n  }\n": types.FinishPasskeyRegistrationDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SignInResultFields on AuthResult {\n    __typename\n    ... on AuthSuccess {\n      user { id email }\n    }\n    ... on PendingStep {\n      step\n      flowToken\n      methods\n      passkeyOptions\n    }\n  }\n"): (typeof documents)["\n  fragment SignInResultFields on AuthResult {\n    __typename\n    ... on AuthSuccess {\n      user { id email }\n    }\n    ... on PendingStep {\n      step\n      flowToken\n      methods\n      passkeyOptions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { id email emailVerified displayName }\n  }\n"): (typeof documents)["\n  query Me {\n    me { id email emailVerified displayName }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { ...SignInResultFields }\n  }\n"): (typeof documents)["\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) { ...SignInResultFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { ...SignInResultFields }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) { ...SignInResultFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteSignIn($input: CompleteSignInInput!) {\n    completeSignIn(input: $input) { ...SignInResultFields }\n  }\n"): (typeof documents)["\n  mutation CompleteSignIn($input: CompleteSignInInput!) {\n    completeSignIn(input: $input) { ...SignInResultFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BeginPasskeySignIn($email: String) {\n    beginPasskeySignIn(email: $email) { flowToken options }\n  }\n"): (typeof documents)["\n  mutation BeginPasskeySignIn($email: String) {\n    beginPasskeySignIn(email: $email) { flowToken options }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishPasskeySignIn($input: FinishPasskeySignInInput!) {\n    finishPasskeySignIn(input: $input) { ...SignInResultFields }\n  }\n"): (typeof documents)["\n  mutation FinishPasskeySignIn($input: FinishPasskeySignInInput!) {\n    finishPasskeySignIn(input: $input) { ...SignInResultFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestSignInEmail($email: String!) {\n    requestSignInEmail(email: $email)\n  }\n"): (typeof documents)["\n  mutation RequestSignInEmail($email: String!) {\n    requestSignInEmail(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignInWithEmailLink($token: String!) {\n    signInWithEmailLink(token: $token) { ...SignInResultFields }\n  }\n"): (typeof documents)["\n  mutation SignInWithEmailLink($token: String!) {\n    signInWithEmailLink(token: $token) { ...SignInResultFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignInWithEmailCode($email: String!, $code: String!) {\n    signInWithEmailCode(email: $email, code: $code) { ...SignInResultFields }\n  }\n"): (typeof documents)["\n  mutation SignInWithEmailCode($email: String!, $code: String!) {\n    signInWithEmailCode(email: $email, code: $code) { ...SignInResultFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthProviders {\n    authProviders { id displayName }\n  }\n"): (typeof documents)["\n  query AuthProviders {\n    authProviders { id displayName }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Credentials {\n    credentials { id kind name createdAt lastUsedAt ipAddress userAgent current }\n  }\n"): (typeof documents)["\n  query Credentials {\n    credentials { id kind name createdAt lastUsedAt ipAddress userAgent current }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeCredential($id: ID!) {\n    revokeCredential(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeCredential($id: ID!) {\n    revokeCredential(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n"): (typeof documents)["\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestEmailChange($newEmail: String!) {\n    requestEmailChange(newEmail: $newEmail)\n  }\n"): (typeof documents)["\n  mutation RequestEmailChange($newEmail: String!) {\n    requestEmailChange(newEmail: $newEmail)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmEmailChange($token: String!) {\n    confirmEmailChange(token: $token) { id email }\n  }\n"): (typeof documents)["\n  mutation ConfirmEmailChange($token: String!) {\n    confirmEmailChange(token: $token) { id email }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) { id email emailVerified }\n  }\n"): (typeof documents)["\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) { id email emailVerified }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input)\n  }\n"): (typeof documents)["\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnlockAccount($token: String!) {\n    unlockAccount(token: $token)\n  }\n"): (typeof documents)["\n  mutation UnlockAccount($token: String!) {\n    unlockAccount(token: $token)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAccount($password: String) {\n    deleteAccount(password: $password)\n  }\n"): (typeof documents)["\n  mutation DeleteAccount($password: String) {\n    deleteAccount(password: $password)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BeginTotpEnrollment {\n    beginTotpEnrollment { secret otpauthUri }\n  }\n"): (typeof documents)["\n  mutation BeginTotpEnrollment {\n    beginTotpEnrollment { secret otpauthUri }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(input: { code: $code }) { codes }\n  }\n"): (typeof documents)["\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(input: { code: $code }) { codes }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BeginPasskeyRegistration {\n    beginPasskeyRegistration\n  }\n"): (typeof documents)["\n  mutation BeginPasskeyRegistration {\n    beginPasskeyRegistration\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishPasskeyRegistration($input: FinishPasskeyRegistrationInput!) {\n    finishPasskeyRegistration(input: $input) { id name }\n  }\n"): (typeof documents)["\n  mutation FinishPasskeyRegistration($input: FinishPasskeyRegistrationInput!) {\n    finishPasskeyRegistration(input: $input) { id name }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;