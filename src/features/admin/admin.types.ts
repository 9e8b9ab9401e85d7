import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { User } from '../../db/entities';

/** A user as an administrator sees them: the account, and what only operators see. */
@ObjectType()
export class AdminUser {
  @Field(() => User)
  user!: User;

  @Field(() => Boolean, { description: 'Disabled by an administrator (or in SQL): no sign-in, every credential ended.' })
  disabled!: boolean;

  @Field(() => String, { nullable: true })
  disabledReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'The account comes back by itself after this.' })
  disabledUntil!: Date | null;

  @Field(() => Date, { nullable: true })
  lastLoginAt!: Date | null;

  @Field(() => Boolean, { description: 'Must have a second factor whatever MFA says (setUserMfaRequired).' })
  mfaRequired!: boolean;
}

export function adminUser(user: User): AdminUser {
  return Object.assign(new AdminUser(), {
    user,
    disabled: !user.isActive,
    disabledReason: user.disabledReason,
    disabledUntil: user.disabledUntil,
    lastLoginAt: user.lastLoginAt,
    mfaRequired: user.mfaRequired,
  });
}

@ObjectType()
export class AdminUserPage {
  @Field(() => [AdminUser])
  users!: AdminUser[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasMore!: boolean;
}

@InputType()
export class UserFilterInput {
  @Field(() => String, { nullable: true, description: 'An email prefix, e.g. "ada" (then ordered by email).' })
  search?: string | null;

  @Field(() => String, { nullable: true })
  role?: string | null;

  @Field(() => Boolean, { nullable: true })
  disabled?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  verified?: boolean | null;

  @Field(() => Date, { nullable: true })
  createdAfter?: Date | null;
}

/** An audit entry across users: whose trail (`userId`, the target) and who did it (`actorId`, an administrator). */
@ObjectType()
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  type!: string;

  @Field(() => Boolean)
  success!: boolean;

  @Field(() => String, { nullable: true })
  detail!: string | null;

  @Field(() => ID, { nullable: true, description: 'The user the event is about; null once they were deleted.' })
  userId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The administrator who did it, when not the user themselves.' })
  actorId!: string | null;

  @Field(() => String, { nullable: true })
  credentialKind!: string | null;

  @Field(() => String, { nullable: true })
  ipAddress!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType()
export class AuditEventPage {
  @Field(() => [AuditEvent])
  events!: AuditEvent[];

  @Field(() => String, { nullable: true })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasMore!: boolean;
}

@InputType()
export class AuditFilterInput {
  @Field(() => ID, { nullable: true })
  userId?: string | null;

  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. LOGIN, ADMIN_DISABLED_USER' })
  type?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: successes only; false: failures only.' })
  success?: boolean | null;

  @Field(() => Date, { nullable: true })
  since?: Date | null;

  @Field(() => Date, { nullable: true })
  until?: Date | null;
}
