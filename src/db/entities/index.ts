import { ApiToken } from './api-token.entity';
import { AuthEvent } from './auth-event.entity';
import { EmailToken } from './email-token.entity';
import { OAuthFlow } from './oauth-flow.entity';
import { Passkey } from './passkey.entity';
import { RecoveryCode } from './recovery-code.entity';
import { RefreshToken } from './refresh-token.entity';
import { SecondFactor } from './second-factor.entity';
import { Session } from './session.entity';
import { SignInFlow } from './sign-in-flow.entity';
import { SocialAccount } from './social-account.entity';
import { TrustedDevice } from './trusted-device.entity';
import { User } from './user.entity';
import { WebAuthnChallenge } from './webauthn-challenge.entity';
import { WebhookDelivery, WebhookEndpoint } from './webhook.entity';

export { ApiTokenScope, apiTokenIsLiveAt } from './api-token.entity';
export { CredentialKind } from './credential-kind';
export { sessionIsLiveAt } from './session.entity';
export { EmailTokenPurpose } from './email-token.entity';
export { SecondFactorKind } from './second-factor.entity';
export { SignInFlowStep } from './sign-in-flow.entity';
export { WebAuthnCeremony } from './webauthn-challenge.entity';
export { WebhookDeliveryStatus } from './webhook.entity';
export { ApiToken, AuthEvent, EmailToken, OAuthFlow, RecoveryCode, RefreshToken, SecondFactor, Session, SignInFlow, SocialAccount, TrustedDevice, User, Passkey, WebAuthnChallenge, WebhookDelivery, WebhookEndpoint };

/** Every entity, listed explicitly: no folder scanning, so tsc, tsx and vitest all see the same set. */
export const entities = [User, Session, RefreshToken, ApiToken, EmailToken, SocialAccount, AuthEvent, OAuthFlow, SecondFactor, RecoveryCode, SignInFlow, TrustedDevice, Passkey, WebAuthnChallenge, WebhookEndpoint, WebhookDelivery];
