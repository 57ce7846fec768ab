import { escapeHtml } from '@rapport/notifications';
import type { EmailConfirmationStatus } from './email-change.service';
import type { Page } from '../common/html-page';

/** The page for a link's status; only a link that can still be confirmed gets the button. */
export function confirmationPage(result: EmailConfirmationStatus, token: string): Page {
  switch (result.status) {
    case 'ready':
      return page(
        200,
        'Confirm your new email address',
        `<p>Use <strong>${escapeHtml(result.pendingEmail)}</strong> for your Rapport mail from now on?</p>
<form method="post" action="/email-confirmations">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">Confirm this address</button></form>`,
      );
    case 'confirmed':
      return page(
        200,
        'Email address confirmed',
        '<p>Your new address is confirmed. Your weekly digest goes there from now on.</p>',
      );
    case 'already-confirmed':
      return page(200, 'Already confirmed', '<p>This address was confirmed already.</p>');
    case 'superseded':
      return page(
        400,
        'This link was replaced',
        '<p>A newer email change was requested since this link was sent, or it was withdrawn. Use the link in the latest message, or change your address again in Rapport.</p>',
      );
    case 'expired':
      return page(
        400,
        'This link has expired',
        '<p>Confirmation links work for 48 hours. Change your address again in Rapport to get a new link; until then your mail keeps going to your current address.</p>',
      );
    case 'invalid':
      return page(
        400,
        'This link is not valid',
        '<p>The link may be incomplete: open it from the message again, or change your address again in Rapport to get a new one.</p>',
      );
    default: {
      const _exhaustive: never = result;
      return _exhaustive;
    }
  }
}

function page(status: number, title: string, body: string): Page {
  return {
    status,
    html: `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">
<h1>${escapeHtml(title)}</h1>
${body}</body></html>`,
  };
}
