import type { MailTemplates } from './types';

const IF_NOT_YOU = 'Falls Sie das nicht waren, können Sie diese Nachricht ignorieren.';

/** German. */
export const de: MailTemplates = {
  verifyEmail: ({ product, link, code, linkHours, codeMinutes }) => ({
    subject: `Bestätigen Sie Ihre E-Mail-Adresse für ${product}`,
    paragraphs: [
      `Bestätigen Sie, dass dies Ihre E-Mail-Adresse ist: Öffnen Sie den Link unten (gültig für ${linkHours} Stunden) oder geben Sie den Code ein (gültig für ${codeMinutes} Minuten).`,
      IF_NOT_YOU,
    ],
    action: { label: 'E-Mail-Adresse bestätigen', url: link },
    code,
  }),
  signupAttempted: ({ product, signInUrl, resetUrl }) => ({
    subject: `Jemand wollte sich mit Ihrer Adresse bei ${product} registrieren`,
    paragraphs: [
      `Jemand wollte mit dieser E-Mail-Adresse ein ${product}-Konto anlegen. Zu dieser Adresse gibt es bereits ein Konto.`,
      `Falls Sie es waren, melden Sie sich unter ${signInUrl} an oder wählen Sie unter ${resetUrl} ein neues Passwort.`,
      IF_NOT_YOU + ' Ihr Konto ist unverändert.',
    ],
  }),
  passwordReset: ({ product, link, minutes }) => ({
    subject: `Setzen Sie Ihr ${product}-Passwort zurück`,
    paragraphs: [
      `Jemand möchte das Passwort Ihres ${product}-Kontos zurücksetzen. Öffnen Sie den Link unten, um ein neues zu wählen; er funktioniert einmal, ${minutes} Minuten lang.`,
      IF_NOT_YOU + ' Ihr Passwort ist unverändert.',
    ],
    action: { label: 'Neues Passwort wählen', url: link },
  }),
  invitation: ({ product, link, days }) => ({
    subject: `Sie sind zu ${product} eingeladen`,
    paragraphs: [
      `Ein Administrator hat für diese E-Mail-Adresse ein ${product}-Konto angelegt. Öffnen Sie den Link unten, um Ihr Passwort zu wählen; er funktioniert einmal, ${days} Tage lang.`,
      `Wenn Sie das nicht erwartet haben, ignorieren Sie diese E-Mail: Ohne den Link kann niemand das Konto nutzen.`,
    ],
    action: { label: 'Passwort wählen', url: link },
  }),
  passwordChanged: ({ product, resetUrl }) => ({
    subject: `Ihr ${product}-Passwort wurde geändert`,
    paragraphs: [
      `Das Passwort Ihres ${product}-Kontos wurde soeben geändert, und Ihre anderen Sitzungen wurden abgemeldet.`,
      `Falls Sie das nicht waren, setzen Sie Ihr Passwort sofort unter ${resetUrl} zurück.`,
    ],
  }),
  confirmEmailChange: ({ product, link, hours }) => ({
    subject: `Bestätigen Sie Ihre neue E-Mail-Adresse für ${product}`,
    paragraphs: [`Öffnen Sie den Link unten, um dies zur E-Mail-Adresse Ihres ${product}-Kontos zu machen (gültig für ${hours} Stunden).`, IF_NOT_YOU],
    action: { label: 'Neue Adresse bestätigen', url: link },
  }),
  emailChangeRequested: ({ product, newEmail }) => ({
    subject: `Eine Änderung Ihrer ${product}-E-Mail-Adresse wurde angefordert`,
    paragraphs: [
      `Jemand, der in Ihrem ${product}-Konto angemeldet ist, möchte dessen E-Mail-Adresse in ${newEmail} ändern. Sie ändert sich erst, wenn sie von dort bestätigt wird.`,
      'Falls Sie das nicht waren, ändern Sie jetzt Ihr Passwort.',
    ],
  }),
  emailChanged: ({ product, newEmail }) => ({
    subject: `Ihre ${product}-E-Mail-Adresse wurde geändert`,
    paragraphs: [
      `Die E-Mail-Adresse Ihres ${product}-Kontos ist jetzt ${newEmail}. Nachrichten gehen von nun an dorthin.`,
      'Falls Sie das nicht waren, wenden Sie sich an den Support.',
    ],
  }),
  accountLocked: ({ product, link, minutes }) => ({
    subject: `Ihr ${product}-Konto wurde nach fehlgeschlagenen Anmeldungen gesperrt`,
    paragraphs: [
      `Jemand hat mehrmals versucht, sich mit falschen Passwörtern bei Ihrem ${product}-Konto anzumelden. Deshalb ist die Anmeldung ${minutes} Minuten lang gesperrt, außer auf Geräten, auf denen Sie sich schon angemeldet haben.`,
      'Falls Sie es waren, öffnen Sie den Link unten, um das Konto sofort zu entsperren. Falls nicht: Ihr Passwort hat gehalten; erwägen Sie trotzdem, es zu ändern.',
    ],
    action: { label: 'Mein Konto entsperren', url: link },
  }),
  accountDeleted: ({ product }) => ({
    subject: `Ihr ${product}-Konto wurde gelöscht`,
    paragraphs: [`Ihr ${product}-Konto und alle Wege, sich dort anzumelden, wurden gelöscht.`],
  }),
  secondFactorEnabled: ({ product, resetUrl }) => ({
    subject: `Zwei-Faktor-Authentifizierung für Ihr ${product}-Konto ist aktiv`,
    paragraphs: [
      `Die Anmeldung bei Ihrem ${product}-Konto braucht jetzt auch einen Code aus Ihrer Authenticator-App (oder einen Wiederherstellungscode). Ihre anderen Sitzungen wurden abgemeldet.`,
      `Falls Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück: ${resetUrl}`,
    ],
  }),
  secondFactorDisabled: ({ product, resetUrl }) => ({
    subject: `Zwei-Faktor-Authentifizierung für Ihr ${product}-Konto wurde ausgeschaltet`,
    paragraphs: [
      `Die Anmeldung bei Ihrem ${product}-Konto braucht keinen Code aus Ihrer Authenticator-App mehr; Ihre Wiederherstellungscodes sind ungültig. Ihre anderen Sitzungen wurden abgemeldet.`,
      `Falls Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück: ${resetUrl}`,
    ],
  }),
  recoveryCodeUsed: ({ product, left, few }) => ({
    subject: `Ein Wiederherstellungscode Ihres ${product}-Kontos wurde verwendet`,
    paragraphs: [
      `Soeben wurde ein Wiederherstellungscode verwendet, um eine Anmeldung oder Änderung an Ihrem ${product}-Konto zu bestätigen. Sie haben noch ${left}.`,
      ...(few ? ['Es werden wenige: Erzeugen Sie in Ihren Kontoeinstellungen neue Wiederherstellungscodes.'] : []),
      'Falls Sie das nicht waren, ändern Sie jetzt Ihr Passwort und erzeugen Sie neue Wiederherstellungscodes.',
    ],
  }),
  signInLink: ({ product, link, code, linkMinutes, codeMinutes }) => ({
    subject: `Bei ${product} anmelden`,
    paragraphs: [
      `Öffnen Sie den Link unten, um sich bei ${product} anzumelden (einmal gültig, ${linkMinutes} Minuten lang), oder geben Sie den Code ein (gültig für ${codeMinutes} Minuten).`,
      'Falls Sie keine Anmeldung angefordert haben, ignorieren Sie diese Nachricht: Ohne sie kann sich niemand anmelden.',
    ],
    action: { label: `Bei ${product} anmelden`, url: link },
    code,
  }),
  newDeviceSignIn: ({ product, time, ipAddress, userAgent, resetUrl }) => ({
    subject: `Neue Anmeldung bei Ihrem ${product}-Konto`,
    paragraphs: [
      `Ihr ${product}-Konto wurde von einem Gerät aus angemeldet, auf dem es vorher nicht verwendet wurde.`,
      `Wann: ${time}. Adresse: ${ipAddress}. Browser oder App: ${userAgent}.`,
      `Falls Sie das nicht waren, setzen Sie Ihr Passwort zurück (${resetUrl}) und prüfen Sie Ihre Sitzungen.`,
    ],
  }),
};
