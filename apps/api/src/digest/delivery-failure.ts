/**
 * Why a message was not delivered, in a form that holds no address, name or subject: SMTP
 * servers echo the recipient (and sometimes their name) in rejection texts, and those texts
 * used to end up in immutable events, `outbox.last_error` and log lines (docs/adr/0027).
 * Only fixed vocabularies survive: a classification, the reply code, the enhanced status
 * code, nodemailer's error code and the SMTP command.
 */
export type DeliveryFailureKind =
  | 'recipient-rejected'
  | 'sender-rejected'
  | 'message-rejected'
  | 'mailbox-full'
  | 'rejected'
  | 'temporarily-unavailable'
  | 'authentication-failed'
  | 'tls-failed'
  | 'connection-failed'
  | 'connection-closed'
  | 'timeout'
  | 'protocol-error'
  | 'unknown';

export interface DeliveryFailure {
  kind: DeliveryFailureKind;
  /** The server's three-digit reply code, when it replied. */
  responseCode: number | null;
  /** The RFC 3463 enhanced status code (`5.1.1`), when the reply carried one. */
  status: string | null;
  /** nodemailer's error code (`EENVELOPE`, `ECONNECTION`, …). */
  code: string | null;
  /** The SMTP command that met the failure (`RCPT TO`, `DATA`, …). */
  command: string | null;
}

const ENHANCED_STATUS = /\b([245]\.\d{1,3}\.\d{1,3})\b/;
const REPLY_CODE = /(?:^|[\s:])([245]\d\d)(?=[\s-]|$)/;
const ERROR_CODE = /^E[A-Z]{2,20}$/;
const COMMANDS = new Set([
  'CONN',
  'EHLO',
  'HELO',
  'LHLO',
  'STARTTLS',
  'AUTH',
  'AUTH PLAIN',
  'AUTH LOGIN',
  'AUTH XOAUTH2',
  'AUTH CRAM-MD5',
  'MAIL FROM',
  'RCPT TO',
  'DATA',
  'QUIT',
  'RSET',
]);

/**
 * The address-free description of a delivery error: a nodemailer error (`code`, `responseCode`,
 * `response`, `command`), any other thrown value, or the free text an older version stored
 * (which is all the migration of old events has).
 */
export function deliveryFailure(error: unknown): DeliveryFailure {
  const fields =
    typeof error === 'object' && error !== null
      ? (error as { code?: unknown; responseCode?: unknown; response?: unknown; command?: unknown })
      : {};
  const text =
    typeof fields.response === 'string'
      ? fields.response
      : error instanceof Error
        ? error.message
        : typeof error === 'string'
          ? error
          : '';
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const responseCode =
    typeof fields.responseCode === 'number' &&
    fields.responseCode >= 200 &&
    fields.responseCode < 600
      ? Math.trunc(fields.responseCode)
      : replyCodeIn(text);
  const status = ENHANCED_STATUS.exec(text)?.[1] ?? null;
  const code =
    typeof fields.code === 'string' && ERROR_CODE.test(fields.code)
      ? fields.code
      : codeFromText(message);
  const command =
    typeof fields.command === 'string' && COMMANDS.has(fields.command.toUpperCase())
      ? fields.command.toUpperCase()
      : null;
  return {
    kind: classify(responseCode, status, code, command, message),
    responseCode,
    status,
    code,
    command,
  };
}

/** One line for `outbox.last_error`, log lines and the admin's dead-letter list. */
export function describeFailure(failure: DeliveryFailure): string {
  const details = [failure.responseCode, failure.status, failure.code, failure.command].filter(
    (part) => part !== null,
  );
  return details.length > 0 ? `${failure.kind} (${details.join(' ')})` : failure.kind;
}

function replyCodeIn(text: string): number | null {
  const match = REPLY_CODE.exec(text);
  return match ? Number(match[1]) : null;
}

/** Older stored texts lost nodemailer's code; its fixed message prefixes still tell it. */
function codeFromText(message: string): string | null {
  if (/all recipients were rejected|recipients? .*rejected/i.test(message)) return 'EENVELOPE';
  if (/timeout|timed out/i.test(message)) return 'ETIMEDOUT';
  if (/connection closed|unexpected(ly)? close|ECONNRESET|ECONNREFUSED|socket/i.test(message))
    return 'ECONNECTION';
  return null;
}

function classify(
  responseCode: number | null,
  status: string | null,
  code: string | null,
  command: string | null,
  message: string,
): DeliveryFailureKind {
  if (code === 'EAUTH' || code === 'ENOAUTH' || responseCode === 535 || responseCode === 530)
    return 'authentication-failed';
  if (code === 'ETLS' || code === 'EREQUIRETLS') return 'tls-failed';
  if (status?.startsWith('5.2.2') || status?.startsWith('4.2.2') || responseCode === 452)
    return 'mailbox-full';
  if (responseCode !== null && responseCode >= 500) {
    if (status?.startsWith('5.1.') && status !== '5.1.7' && status !== '5.1.8')
      return 'recipient-rejected';
    if (status === '5.1.7' || status === '5.1.8' || command === 'MAIL FROM')
      return 'sender-rejected';
    if (command === 'RCPT TO' || code === 'EENVELOPE') return 'recipient-rejected';
    if (command === 'DATA' || code === 'EMESSAGE' || status?.startsWith('5.6.'))
      return 'message-rejected';
    if (
      responseCode === 500 ||
      responseCode === 501 ||
      responseCode === 502 ||
      responseCode === 503
    )
      return 'protocol-error';
    return 'rejected';
  }
  if (responseCode !== null && responseCode >= 400) return 'temporarily-unavailable';
  if (code === 'ETIMEDOUT' || /timeout|timed out/i.test(message)) return 'timeout';
  if (/closed|ECONNRESET|hang ?up/i.test(message)) return 'connection-closed';
  if (
    code === 'ECONNECTION' ||
    code === 'ESOCKET' ||
    code === 'EDNS' ||
    /ECONNREFUSED/.test(message)
  )
    return 'connection-failed';
  if (code === 'EPROTOCOL' || code === 'EENVELOPE' || code === 'EMESSAGE') return 'protocol-error';
  return 'unknown';
}
