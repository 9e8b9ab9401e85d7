import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { CredentialKind } from '../../db/entities';

export enum AuthProviderKind {
  OIDC = 'OIDC',
  OAUTH2 = 'OAUTH2',
}

registerEnumType(AuthProviderKind, { name: 'AuthProviderKind' });

/** What a login page needs to draw a "Sign in with …" button. */
@ObjectType()
export class AuthProvider {
  @Field(() => String, { description: 'Use as `provider` in socialLogin and in GET /auth/{id}.' })
  id!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => AuthProviderKind)
  kind!: AuthProviderKind;
}

/**
 * Either the authorization code the app received (with its PKCE verifier and the redirect URI it
 * used), or an ID token from a native SDK.
 */
@InputType()
export class SocialLoginInput {
  @Field(() => String)
  provider!: string;

  @Field(() => String, { nullable: true })
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'The PKCE code verifier (S256) of the authorization request.' })
  codeVerifier?: string | null;

  @Field(() => String, { nullable: true, description: 'Must be one of OAUTH_REDIRECT_URIS, exactly.' })
  redirectUri?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The `iss` parameter of the authorization response, when the provider sends one (RFC 9207 mix-up defence).',
  })
  iss?: string | null;

  @Field(() => String, { nullable: true })
  idToken?: string | null;

  @Field(() => String, { nullable: true, description: 'The nonce sent in the authorization request, if any.' })
  nonce?: string | null;

  @Field(() => CredentialKind, { nullable: true, defaultValue: CredentialKind.COOKIE })
  credentials?: CredentialKind | null;
}
