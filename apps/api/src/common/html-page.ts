import type { Response } from 'express';

/** A server-rendered page: the HTTP status it answers with, and its HTML. */
export interface Page {
  status: number;
  html: string;
}

export interface PagePolicy {
  /**
   * `no-referrer` keeps a token in the URL from any other site; a page whose forms need an
   * `Origin` check takes `same-origin`, since Chromium posts `Origin: null` under `no-referrer`.
   */
  referrer: 'no-referrer' | 'same-origin';
  /** Where the page's forms may post: `'self'`, or `'none'` for a read-only page. */
  forms: "'self'" | "'none'";
}

/**
 * Sends a page reached from mail or a session: never cached, never framed, no script, styles
 * inline only; the same headers for every such page.
 */
export function sendPage(
  res: Response,
  page: Page,
  policy: PagePolicy = { referrer: 'no-referrer', forms: "'self'" },
): void {
  res
    .status(page.status)
    .type('text/html; charset=utf-8')
    .set('Cache-Control', 'no-store')
    .set('Referrer-Policy', policy.referrer)
    .set('X-Frame-Options', 'DENY')
    .set('X-Content-Type-Options', 'nosniff')
    .set(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'unsafe-inline'; form-action ${policy.forms}; frame-ancestors 'none'; base-uri 'none'`,
    )
    .send(page.html);
}
