import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, InputType, ObjectType } from 'type-graphql';
import { AuthSuccess } from '../../graphql/auth-result';

/** A TOTP seed to put into an authenticator app; shown once, confirmed by a code. */
@ObjectType()
export class TotpEnrollment {
  @Field(() => String, { description: 'The seed in base32, for typing into an app by hand.' })
  secret!: string;

  @Field(() => String, { description: 'The otpauth:// URI the QR code carries.' })
  otpauthUri!: string;

  @Field(() => String, { description: 'The QR code as an SVG document.' })
  qrCodeSvg!: string;
}

/** A new set of recovery codes, shown once. */
@ObjectType()
export class RecoveryCodes {
  @Field(() => [String], { description: 'Each works once. Store them somewhere safe: they are not shown again.' })
  codes!: string[];

  @Field(() => AuthSuccess, { nullable: true, description: 'When an ENROLL_SECOND_FACTOR sign-in was finished by this enrolment: the sign-in.' })
  signIn?: AuthSuccess;
}

@InputType()
export class CompleteSignInInput {
  @Field(() => String, { description: 'From the PendingStep (SECOND_FACTOR).' })
  flowToken!: string;

  @Field(() => String, { nullable: true, description: 'A code from the authenticator app.' })
  totpCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Or one of the recovery codes.' })
  recoveryCode?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Or what navigator.credentials.get() returned for the step’s passkeyOptions.' })
  webauthnResponse?: Record<string, unknown> | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Skip the second step on this device from now on (30 days by default).' })
  trustDevice?: boolean | null;
}

@InputType()
export class ConfirmTotpInput {
  @Field(() => String, { description: 'The code the app shows now.' })
  code!: string;

  @Field(() => String, { nullable: true, description: 'The flow token of an ENROLL_SECOND_FACTOR step, when enrolling before sign-in.' })
  flowToken?: string | null;
}
