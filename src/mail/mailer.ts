import type { Config } from '../config';
import type { MailOutbox } from './outbox';
import type { MailBody } from './templates/layout';
import { render } from './templates/layout';
import { type MailTemplates, templatesFor } from './templates';

export interface Recipient {
  email: string;
  locale: string;
}

/** A mail to a known user: in their chosen language (`updateMe(locale)`), else the request's. */
export function recipient(user: { email: string; locale: string | null }, requestLocale: string): Recipient {
  return { email: user.email, locale: user.locale ?? requestLocale };
}

/**
 * One method per message. Links are built only from FRONTEND_URL and the configured paths, never
 * from anything in the request (no reset poisoning through Host or X-Forwarded-Host, SEC-24).
 */
export class Mailer {
  constructor(
    private readonly config: Pick<Config, 'mail' | 'frontendUrl' | 'accountEmails' | 'rateLimits' | 'emailSignIn'>,
    private readonly outbox: MailOutbox,
  ) {}

  verifyEmail(to: Recipient, token: string, code: string): void {
    const { verificationTokenTtlSeconds, verificationCodeTtlSeconds } = this.config.accountEmails;
    this.send('verify-email', to, (t) =>
      t.verifyEmail({
        product: this.product,
        link: this.link(this.config.mail.paths.verifyEmail, token),
        code,
        linkHours: Math.round(verificationTokenTtlSeconds / 3600),
        codeMinutes: Math.round(verificationCodeTtlSeconds / 60),
      }),
    );
  }

  signupAttempted(to: Recipient): void {
    this.send('signup-attempted', to, (t) =>
      t.signupAttempted({ product: this.product, signInUrl: this.link('/'), resetUrl: this.link(this.config.mail.paths.resetPassword) }),
    );
  }

  passwordReset(to: Recipient, token: string): void {
    this.send('password-reset', to, (t) =>
      t.passwordReset({
        product: this.product,
        link: this.link(this.config.mail.paths.resetPassword, token),
        minutes: Math.round(this.config.accountEmails.resetTokenTtlSeconds / 60),
      }),
    );
  }

  invitation(to: Recipient, token: string): void {
    this.send('invitation', to, (t) =>
      t.invitation({ product: this.product, link: this.link(this.config.mail.paths.invite, token), days: Math.round(this.config.accountEmails.inviteTokenTtlSeconds / 86_400) }),
    );
  }

  passwordChanged(to: Recipient): void {
    this.send('password-changed', to, (t) => t.passwordChanged({ product: this.product, resetUrl: this.link(this.config.mail.paths.resetPassword) }));
  }

  confirmEmailChange(to: Recipient, token: string): void {
    this.send('confirm-email-change', to, (t) =>
      t.confirmEmailChange({
        product: this.product,
        link: this.link(this.config.mail.paths.confirmEmailChange, token),
        hours: Math.round(this.config.accountEmails.emailChangeTokenTtlSeconds / 3600),
      }),
    );
  }

  emailChangeRequested(to: Recipient, newEmail: string): void {
    this.send('email-change-requested', to, (t) => t.emailChangeRequested({ product: this.product, newEmail }));
  }

  emailChanged(to: Recipient, newEmail: string): void {
    this.send('email-changed', to, (t) => t.emailChanged({ product: this.product, newEmail }));
  }

  accountLocked(to: Recipient, token: string): void {
    this.send('account-locked', to, (t) =>
      t.accountLocked({
        product: this.product,
        link: this.link(this.config.mail.paths.unlockAccount, token),
        minutes: Math.round(this.config.rateLimits.limits.login_failed_account.seconds / 60),
      }),
    );
  }

  signInLink(to: Recipient, token: string, code: string): void {
    const { linkTtlSeconds, codeTtlSeconds } = this.config.emailSignIn;
    this.send('sign-in-link', to, (t) =>
      t.signInLink({
        product: this.product,
        link: this.link(this.config.mail.paths.signIn, token),
        code,
        linkMinutes: Math.round(linkTtlSeconds / 60),
        codeMinutes: Math.round(codeTtlSeconds / 60),
      }),
    );
  }

  secondFactorEnabled(to: Recipient): void {
    this.send('second-factor-enabled', to, (t) => t.secondFactorEnabled({ product: this.product, resetUrl: this.link(this.config.mail.paths.resetPassword) }));
  }

  secondFactorDisabled(to: Recipient): void {
    this.send('second-factor-disabled', to, (t) => t.secondFactorDisabled({ product: this.product, resetUrl: this.link(this.config.mail.paths.resetPassword) }));
  }

  recoveryCodeUsed(to: Recipient, left: number, few: boolean): void {
    this.send('recovery-code-used', to, (t) => t.recoveryCodeUsed({ product: this.product, left, few }));
  }

  /** Where and when, never a secret: the user agent is cut short, so a mail carries no long header. */
  newDeviceSignIn(to: Recipient, at: Date, ipAddress: string | null, userAgent: string | null): void {
    this.send('new-device-sign-in', to, (t) =>
      t.newDeviceSignIn({
        product: this.product,
        time: at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
        ipAddress: ipAddress ?? 'unknown',
        userAgent: userAgent?.slice(0, 120) ?? 'unknown',
        resetUrl: this.link(this.config.mail.paths.resetPassword),
      }),
    );
  }

  accountDeleted(to: Recipient): void {
    this.send('account-deleted', to, (t) => t.accountDeleted({ product: this.product }));
  }

  private get product(): string {
    return this.config.mail.productName;
  }

  private link(path: string, token?: string): string {
    const url = new URL(path, this.config.frontendUrl);
    if (token) url.searchParams.set('token', token);
    return url.toString();
  }

  private send(kind: string, to: Recipient, build: (templates: MailTemplates) => MailBody): void {
    const rendered = render(this.product, build(templatesFor(to.locale)));
    this.outbox.enqueue({ kind, to: to.email, ...rendered });
  }
}
