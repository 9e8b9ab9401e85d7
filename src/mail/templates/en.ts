import type { MailTemplates } from './types';

const IF_NOT_YOU = 'If this was not you, you can ignore this message.';

/** English, the default locale. Another locale is another file of this shape (see de.ts). */
export const en: MailTemplates = {
  verifyEmail: ({ product, link, code, linkHours, codeMinutes }) => ({
    subject: `Confirm your email address for ${product}`,
    paragraphs: [
      `Confirm that this is your email address by opening the link below (valid for ${linkHours} hours), or enter the code (valid for ${codeMinutes} minutes).`,
      IF_NOT_YOU,
    ],
    action: { label: 'Confirm email address', url: link },
    code,
  }),
  signupAttempted: ({ product, signInUrl, resetUrl }) => ({
    subject: `Someone tried to sign up for ${product} with your address`,
    paragraphs: [
      `Someone tried to create a ${product} account with this email address, which already has an account.`,
      `If it was you, sign in at ${signInUrl}, or choose a new password at ${resetUrl}.`,
      IF_NOT_YOU + ' Your account has not changed.',
    ],
  }),
  passwordReset: ({ product, link, minutes }) => ({
    subject: `Reset your ${product} password`,
    paragraphs: [
      `Someone asked to reset the password of your ${product} account. Open the link below to choose a new one; it works once, for ${minutes} minutes.`,
      IF_NOT_YOU + ' Your password has not changed.',
    ],
    action: { label: 'Choose a new password', url: link },
  }),
  invitation: ({ product, link, days }) => ({
    subject: `You are invited to ${product}`,
    paragraphs: [
      `An administrator created a ${product} account for this email address. Open the link below to choose your password; it works once, for ${days} days.`,
      `If you did not expect this, ignore this mail: nobody can use the account without the link.`,
    ],
    action: { label: 'Choose your password', url: link },
  }),
  passwordChanged: ({ product, resetUrl }) => ({
    subject: `Your ${product} password was changed`,
    paragraphs: [
      `The password of your ${product} account was just changed, and your other sessions were signed out.`,
      `If this was not you, reset your password at once at ${resetUrl}.`,
    ],
  }),
  confirmEmailChange: ({ product, link, hours }) => ({
    subject: `Confirm your new email address for ${product}`,
    paragraphs: [
      `Open the link below to make this the email address of your ${product} account (valid for ${hours} hours).`,
      IF_NOT_YOU,
    ],
    action: { label: 'Confirm new address', url: link },
  }),
  emailChangeRequested: ({ product, newEmail }) => ({
    subject: `A change of your ${product} email address was requested`,
    paragraphs: [
      `Someone signed in to your ${product} account asked to change its email address to ${newEmail}. It changes only when confirmed from that address.`,
      'If this was not you, change your password now.',
    ],
  }),
  emailChanged: ({ product, newEmail }) => ({
    subject: `Your ${product} email address was changed`,
    paragraphs: [`The email address of your ${product} account is now ${newEmail}. Messages will go there from now on.`, 'If this was not you, contact support.'],
  }),
  accountLocked: ({ product, link, minutes }) => ({
    subject: `Your ${product} account was locked after failed sign-ins`,
    paragraphs: [
      `Someone tried to sign in to your ${product} account with wrong passwords several times, so signing in is blocked for ${minutes} minutes, except on devices where you have signed in before.`,
      'If it was you, open the link below to unlock it now. If not, your password held; consider changing it.',
    ],
    action: { label: 'Unlock my account', url: link },
  }),
  accountDeleted: ({ product }) => ({
    subject: `Your ${product} account was deleted`,
    paragraphs: [`Your ${product} account and every way of signing in to it were deleted.`],
  }),
  secondFactorEnabled: ({ product, resetUrl }) => ({
    subject: `Two-factor authentication is on for your ${product} account`,
    paragraphs: [
      `Signing in to your ${product} account now also needs a code from your authenticator app (or a recovery code). Your other sessions were signed out.`,
      `If this was not you, reset your password at once at ${resetUrl}.`,
    ],
  }),
  secondFactorDisabled: ({ product, resetUrl }) => ({
    subject: `Two-factor authentication was turned off for your ${product} account`,
    paragraphs: [
      `Signing in to your ${product} account no longer needs a code from your authenticator app, and your recovery codes were voided. Your other sessions were signed out.`,
      `If this was not you, reset your password at once at ${resetUrl}.`,
    ],
  }),
  recoveryCodeUsed: ({ product, left, few }) => ({
    subject: `A recovery code of your ${product} account was used`,
    paragraphs: [
      `A recovery code was just used to confirm a sign-in or a change to your ${product} account. You have ${left} left.`,
      ...(few ? ['You are running out: generate a new set of recovery codes in your account settings.'] : []),
      'If this was not you, change your password and generate new recovery codes now.',
    ],
  }),
  signInLink: ({ product, link, code, linkMinutes, codeMinutes }) => ({
    subject: `Sign in to ${product}`,
    paragraphs: [
      `Open the link below to sign in to ${product} (it works once, for ${linkMinutes} minutes), or enter the code (valid for ${codeMinutes} minutes).`,
      'If you did not ask to sign in, ignore this message: nobody can sign in without it.',
    ],
    action: { label: `Sign in to ${product}`, url: link },
    code,
  }),
  newDeviceSignIn: ({ product, time, ipAddress, userAgent, resetUrl }) => ({
    subject: `New sign-in to your ${product} account`,
    paragraphs: [
      `Your ${product} account was signed in to from a device it was not used on before.`,
      `When: ${time}. Address: ${ipAddress}. Browser or app: ${userAgent}.`,
      `If this was not you, reset your password at ${resetUrl} and review your sessions.`,
    ],
  }),
};
