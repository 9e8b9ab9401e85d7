import type { MailBody } from './layout';

/** Every message Gatehouse sends, as one function per message and locale. */
export interface MailTemplates {
  verifyEmail(p: { product: string; link: string; code: string; linkHours: number; codeMinutes: number }): MailBody;
  signupAttempted(p: { product: string; signInUrl: string; resetUrl: string }): MailBody;
  passwordReset(p: { product: string; link: string; minutes: number }): MailBody;
  passwordChanged(p: { product: string; resetUrl: string }): MailBody;
  invitation(p: { product: string; link: string; days: number }): MailBody;
  confirmEmailChange(p: { product: string; link: string; hours: number }): MailBody;
  emailChangeRequested(p: { product: string; newEmail: string }): MailBody;
  emailChanged(p: { product: string; newEmail: string }): MailBody;
  accountDeleted(p: { product: string }): MailBody;
  accountLocked(p: { product: string; link: string; minutes: number }): MailBody;
  secondFactorEnabled(p: { product: string; resetUrl: string }): MailBody;
  secondFactorDisabled(p: { product: string; resetUrl: string }): MailBody;
  recoveryCodeUsed(p: { product: string; left: number; few: boolean }): MailBody;
  signInLink(p: { product: string; link: string; code: string; linkMinutes: number; codeMinutes: number }): MailBody;
  newDeviceSignIn(p: { product: string; time: string; ipAddress: string; userAgent: string; resetUrl: string }): MailBody;
}
