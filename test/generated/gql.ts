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
    "fragment UserFields on User {\n  id\n  email\n  emailVerified\n  displayName\n  createdAt\n}\n\nfragment AuthResultFields on AuthResult {\n  __typename\n  ... on AuthSuccess {\n    user {\n      ...UserFields\n    }\n    session {\n      id\n      credentialKind\n      createdAt\n      lastSeenAt\n      expiresAt\n      idleExpiresAt\n    }\n    sessionToken\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n  }\n  ... on PendingStep {\n    step\n  }\n}\n\nquery Me {\n  me {\n    ...UserFields\n  }\n}\n\nmutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    ...AuthResultFields\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    ...AuthResultFields\n  }\n}\n\nmutation Logout($everywhere: Boolean! = false) {\n  logout(everywhere: $everywhere)\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    ...AuthResultFields\n  }\n}\n\nmutation Reauthenticate($password: String!) {\n  reauthenticate(password: $password)\n}": typeof types.UserFieldsFragmentDoc,
    "fragment ApiTokenFields on ApiToken {\n  id\n  name\n  prefix\n  createdAt\n  expiresAt\n  lastUsedAt\n  scopes\n}\n\nmutation CreateApiToken($input: CreateApiTokenInput!) {\n  createApiToken(input: $input) {\n    token\n    apiToken {\n      ...ApiTokenFields\n    }\n  }\n}\n\nmutation RevokeApiToken($id: ID!) {\n  revokeApiToken(id: $id)\n}\n\nquery Credentials {\n  credentials {\n    id\n    kind\n    name\n    createdAt\n    lastUsedAt\n    expiresAt\n    ipAddress\n    userAgent\n    current\n    scopes\n  }\n}\n\nmutation RevokeCredential($id: ID!) {\n  revokeCredential(id: $id)\n}": typeof types.ApiTokenFieldsFragmentDoc,
};
const documents: Documents = {
    "fragment UserFields on User {\n  id\n  email\n  emailVerified\n  displayName\n  createdAt\n}\n\nfragment AuthResultFields on AuthResult {\n  __typename\n  ... on AuthSuccess {\n    user {\n      ...UserFields\n    }\n    session {\n      id\n      credentialKind\n      createdAt\n      lastSeenAt\n      expiresAt\n      idleExpiresAt\n    }\n    sessionToken\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n  }\n  ... on PendingStep {\n    step\n  }\n}\n\nquery Me {\n  me {\n    ...UserFields\n  }\n}\n\nmutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    ...AuthResultFields\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    ...AuthResultFields\n  }\n}\n\nmutation Logout($everywhere: Boolean! = false) {\n  logout(everywhere: $everywhere)\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    ...AuthResultFields\n  }\n}\n\nmutation Reauthenticate($password: String!) {\n  reauthenticate(password: $password)\n}": types.UserFieldsFragmentDoc,
    "fragment ApiTokenFields on ApiToken {\n  id\n  name\n  prefix\n  createdAt\n  expiresAt\n  lastUsedAt\n  scopes\n}\n\nmutation CreateApiToken($input: CreateApiTokenInput!) {\n  createApiToken(input: $input) {\n    token\n    apiToken {\n      ...ApiTokenFields\n    }\n  }\n}\n\nmutation RevokeApiToken($id: ID!) {\n  revokeApiToken(id: $id)\n}\n\nquery Credentials {\n  credentials {\n    id\n    kind\n    name\n    createdAt\n    lastUsedAt\n    expiresAt\n    ipAddress\n    userAgent\n    current\n    scopes\n  }\n}\n\nmutation RevokeCredential($id: ID!) {\n  revokeCredential(id: $id)\n}": types.ApiTokenFieldsFragmentDoc,
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
export function graphql(source: "fragment UserFields on User {\n  id\n  email\n  emailVerified\n  displayName\n  createdAt\n}\n\nfragment AuthResultFields on AuthResult {\n  __typename\n  ... on AuthSuccess {\n    user {\n      ...UserFields\n    }\n    session {\n      id\n      credentialKind\n      createdAt\n      lastSeenAt\n      expiresAt\n      idleExpiresAt\n    }\n    sessionToken\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n  }\n  ... on PendingStep {\n    step\n  }\n}\n\nquery Me {\n  me {\n    ...UserFields\n  }\n}\n\nmutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    ...AuthResultFields\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    ...AuthResultFields\n  }\n}\n\nmutation Logout($everywhere: Boolean! = false) {\n  logout(everywhere: $everywhere)\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    ...AuthResultFields\n  }\n}\n\nmutation Reauthenticate($password: String!) {\n  reauthenticate(password: $password)\n}"): (typeof documents)["fragment UserFields on User {\n  id\n  email\n  emailVerified\n  displayName\n  createdAt\n}\n\nfragment AuthResultFields on AuthResult {\n  __typename\n  ... on AuthSuccess {\n    user {\n      ...UserFields\n    }\n    session {\n      id\n      credentialKind\n      createdAt\n      lastSeenAt\n      expiresAt\n      idleExpiresAt\n    }\n    sessionToken\n    accessToken\n    refreshToken\n    accessTokenExpiresAt\n  }\n  ... on PendingStep {\n    step\n  }\n}\n\nquery Me {\n  me {\n    ...UserFields\n  }\n}\n\nmutation Register($input: RegisterInput!) {\n  register(input: $input) {\n    ...AuthResultFields\n  }\n}\n\nmutation Login($input: LoginInput!) {\n  login(input: $input) {\n    ...AuthResultFields\n  }\n}\n\nmutation Logout($everywhere: Boolean! = false) {\n  logout(everywhere: $everywhere)\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    ...AuthResultFields\n  }\n}\n\nmutation Reauthenticate($password: String!) {\n  reauthenticate(password: $password)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ApiTokenFields on ApiToken {\n  id\n  name\n  prefix\n  createdAt\n  expiresAt\n  lastUsedAt\n  scopes\n}\n\nmutation CreateApiToken($input: CreateApiTokenInput!) {\n  createApiToken(input: $input) {\n    token\n    apiToken {\n      ...ApiTokenFields\n    }\n  }\n}\n\nmutation RevokeApiToken($id: ID!) {\n  revokeApiToken(id: $id)\n}\n\nquery Credentials {\n  credentials {\n    id\n    kind\n    name\n    createdAt\n    lastUsedAt\n    expiresAt\n    ipAddress\n    userAgent\n    current\n    scopes\n  }\n}\n\nmutation RevokeCredential($id: ID!) {\n  revokeCredential(id: $id)\n}"): (typeof documents)["fragment ApiTokenFields on ApiToken {\n  id\n  name\n  prefix\n  createdAt\n  expiresAt\n  lastUsedAt\n  scopes\n}\n\nmutation CreateApiToken($input: CreateApiTokenInput!) {\n  createApiToken(input: $input) {\n    token\n    apiToken {\n      ...ApiTokenFields\n    }\n  }\n}\n\nmutation RevokeApiToken($id: ID!) {\n  revokeApiToken(id: $id)\n}\n\nquery Credentials {\n  credentials {\n    id\n    kind\n    name\n    createdAt\n    lastUsedAt\n    expiresAt\n    ipAddress\n    userAgent\n    current\n    scopes\n  }\n}\n\nmutation RevokeCredential($id: ID!) {\n  revokeCredential(id: $id)\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;