/** Escapes text for HTML element and attribute content. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailBody {
  subject: string;
  /** Paragraphs of plain text; escaped for the HTML part. */
  paragraphs: string[];
  /** An optional call to action, shown as a button in HTML and a bare URL in text. */
  action?: { label: string; url: string };
  /** An optional one-time code, shown large. */
  code?: string;
}

/** One layout for every message: the same text in both parts, nothing from the user unescaped. */
export function render(productName: string, body: MailBody): RenderedMail {
  const text = [
    ...body.paragraphs,
    ...(body.action ? [`${body.action.label}: ${body.action.url}`] : []),
    ...(body.code ? [`Code: ${body.code}`] : []),
    `— ${productName}`,
  ].join('\n\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;max-width:560px;margin:auto;line-height:1.5">',
    `<h2>${escapeHtml(productName)}</h2>`,
    ...body.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    body.action
      ? `<p><a href="${escapeHtml(body.action.url)}" style="background:#1a56db;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">${escapeHtml(body.action.label)}</a></p><p style="font-size:12px;color:#555">${escapeHtml(body.action.url)}</p>`
      : '',
    body.code ? `<p style="font-size:28px;letter-spacing:6px;font-weight:bold">${escapeHtml(body.code)}</p>` : '',
    '</body></html>',
  ].join('');
  return { subject: body.subject, text, html };
}
