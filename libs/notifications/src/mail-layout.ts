import { html, type SafeHtml } from './html';

// The frame every message shares. Styles are inline because many mail clients drop <style>
// blocks.

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
export const STYLE = {
  body: 'margin:0;padding:0;background-color:#f4f4f5;',
  card: `${FONT}max-width:600px;margin:0 auto;padding:24px;background-color:#ffffff;color:#18181b;font-size:16px;line-height:1.5;`,
  eyebrow: 'margin:0 0 4px;font-size:14px;color:#52525b;',
  h1: 'margin:0 0 16px;font-size:24px;line-height:1.25;color:#18181b;',
  h2: 'margin:24px 0 8px;font-size:18px;line-height:1.3;color:#18181b;',
  h3: 'margin:16px 0 4px;font-size:16px;color:#18181b;',
  p: 'margin:0 0 12px;',
  list: 'margin:0 0 12px;padding-left:20px;',
  item: 'margin:0 0 10px;',
  link: 'color:#1d4ed8;text-decoration:underline;',
  meta: 'font-size:14px;color:#52525b;',
  // Red text plus the word "Overdue": colour is never the only signal. Contrast ≥ 4.5:1.
  overdue: 'font-size:14px;font-weight:bold;color:#b91c1c;',
  footer:
    'margin-top:32px;padding-top:16px;border-top:1px solid #e4e4e7;font-size:13px;color:#52525b;',
} as const;

/** A whole HTML message: institution, heading, body and footer in one card. */
export function page(
  title: string,
  institutionName: string,
  heading: string,
  body: SafeHtml,
  footer: SafeHtml,
): string {
  return `${html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
      </head>
      <body style="${STYLE.body}">
        <div
          role="article"
          aria-roledescription="email"
          aria-label="${title}"
          lang="en"
          style="${STYLE.card}"
        >
          <p style="${STYLE.eyebrow}">${institutionName}</p>
          <h1 style="${STYLE.h1}">${heading}</h1>
          ${body} ${footer}
        </div>
      </body>
    </html> `.value
    // Source indentation only: names are single-line, so no content whitespace is touched.
    .replace(/\n\s+/g, '\n')
    .trimEnd()}\n`;
}

export function textPage(lines: readonly string[], footer: readonly string[]): string {
  return [...lines, '', ...footer, ''].join('\n');
}

/** Subjects are headers: a single line whatever the names contain. */
export function headerText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}
