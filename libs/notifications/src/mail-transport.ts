import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { parseConnectionUrl } from 'nodemailer/lib/shared';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers, e.g. `unsubscribeHeaders(url)`; values must be single-line. */
  headers: Readonly<Record<string, string>>;
  /** `<id@domain>`; a stable one lets a retried send be recognised downstream. */
  messageId?: string;
}

export interface MailTransport {
  send(message: MailMessage): Promise<{ messageId: string }>;
  /**
   * A session for sending many messages one after another, over one connection kept open
   * between them. Each `send` settles with that message's own outcome and nothing else: there
   * are no retries inside, and a failure never spills onto the next message (a broken
   * connection is dropped and the next `send` opens a new one). Callers run several sessions
   * for concurrency and `close` each when done.
   */
  session(): MailSession;
  close(): Promise<void>;
}

export interface MailSession {
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

/** Short on purpose: a stuck server must not stall the digest tick for minutes. */
const TIMEOUT_MS = 10_000;
/** A session reconnects after this many messages, below the per-connection limits of common servers. */
const MESSAGES_PER_CONNECTION = 100;

export interface SmtpTransportOptions {
  /** A session opens a new connection after this many messages on one (default 100). */
  messagesPerConnection?: number;
}

/**
 * Sends through SMTP, one connection per message (no pool: a weekly batch does not need one).
 * `url` is `smtp://host:port` (STARTTLS when offered) or `smtps://user:pass@host:465`
 * (implicit TLS); nodemailer also reads options from its query string. Errors are nodemailer's,
 * with `responseCode` set when the server replied; see `isPermanentFailure`.
 */
export function smtpTransport(url: string, tuning: SmtpTransportOptions = {}): MailTransport {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError('SMTP_URL is not a valid URL');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    // The URL may hold a password: name only the scheme.
    throw new RangeError(`SMTP_URL must be smtp:// or smtps://, got ${parsed.protocol}//`);
  }
  const transporter = createTransport({
    url,
    pool: false,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  const { auth, ...connection } = parseConnectionUrl(url);
  const options = {
    ...connection,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  };
  const credentials = auth?.user || auth?.pass ? { user: auth.user, pass: auth.pass } : null;
  return {
    async send(message) {
      const info = await transporter.sendMail(toNodemailer(message));
      return { messageId: info.messageId };
    },
    session() {
      return new SmtpSession(
        options,
        credentials,
        tuning.messagesPerConnection ?? MESSAGES_PER_CONNECTION,
      );
    },
    async close() {
      transporter.close();
    },
  };
}

type SmtpOptions = ConstructorParameters<typeof SMTPConnection>[0];

/**
 * One SMTP connection reused for message after message (nodemailer's pool would retry a
 * message on another connection behind our back; this never does). The message is composed
 * exactly as `smtpTransport().send` composes it, by nodemailer, then handed to the session's
 * connection. Any error fails that message only and drops the connection, so the next message
 * starts on a fresh one: a server that answered 550 or hung up leaves no state behind.
 */
class SmtpSession implements MailSession {
  private connection: SMTPConnection | null = null;
  private sent = 0;
  private readonly composer = createTransport({
    name: 'rapport-smtp-session',
    version: '1',
    send: (mail, callback) => {
      const envelope = mail.message.getEnvelope();
      const messageId = mail.message.messageId();
      // Built whole first: one socket write for the body instead of one per MIME chunk.
      mail.message.build((error, raw) => {
        if (error) return callback(error);
        this.deliver(envelope, raw).then(
          (response) => callback(null, { envelope, messageId, response }),
          (failure: Error) => callback(failure),
        );
      });
    },
  });

  constructor(
    private readonly options: SmtpOptions,
    private readonly credentials: { user: string; pass: string } | null,
    private readonly messagesPerConnection: number,
  ) {}

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const info = await this.composer.sendMail(toNodemailer(message));
    return { messageId: info.messageId };
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    connection?.quit();
  }

  private async deliver(
    envelope: Parameters<SMTPConnection['send']>[0],
    raw: Buffer,
  ): Promise<string | undefined> {
    if (this.connection && this.sent >= this.messagesPerConnection) await this.close();
    try {
      const connection = this.connection ?? (await this.open());
      const info = await step<{ response?: string }>(connection, (done) =>
        connection.send(envelope, raw, done),
      );
      this.sent++;
      return info?.response;
    } catch (error) {
      this.drop();
      throw error;
    }
  }

  private async open(): Promise<SMTPConnection> {
    const connection = new SMTPConnection(this.options);
    // Errors reach the step that is waiting; one between steps only ends the connection.
    connection.on('error', () => undefined);
    connection.once('end', () => {
      if (this.connection === connection) this.connection = null;
    });
    this.connection = connection;
    this.sent = 0;
    await step(connection, (done) => connection.connect((error) => done(error ?? null)));
    if (this.credentials && connection.allowsAuth)
      await step(connection, (done) =>
        connection.login({ user: this.credentials!.user, credentials: this.credentials! }, done),
      );
    return connection;
  }

  private drop() {
    const connection = this.connection;
    this.connection = null;
    connection?.close();
  }
}

/**
 * Runs one SMTP step and settles with whichever comes first: its callback, an 'error' event,
 * or the connection ending (which otherwise could leave the step waiting forever).
 */
function step<T = unknown>(
  connection: SMTPConnection,
  run: (done: (error: Error | null, result?: T) => void) => void,
): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const settle = (error: Error | null, result?: T) => {
      connection.off('error', onError);
      connection.off('end', onEnd);
      if (error) reject(error);
      else resolve(result);
    };
    const onError = (error: Error) => settle(error);
    const onEnd = () =>
      settle(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }));
    connection.on('error', onError);
    connection.on('end', onEnd);
    run(settle);
  });
}

/**
 * True when the server refused the message for good (5xx): retrying the same message to the
 * same address will not help, e.g. 550 mailbox unavailable. False for 4xx, for connection,
 * timeout and TLS errors (no reply at all), for 503 (bad command sequence: a session problem)
 * and for authentication failures (our configuration, not the recipient).
 */
export function isPermanentFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode !== 'number') return false;
  if (code === 'EAUTH' || code === 'ENOAUTH' || responseCode === 503) return false;
  return responseCode >= 500 && responseCode < 600;
}

/**
 * The embedded default when no SMTP_URL is set: every message becomes an `.eml` file in `dir`
 * (created on first use) and one log line, so development and demos need no mail server.
 */
export function fileOutboxTransport(dir: string, log: (line: string) => void): MailTransport {
  const transporter = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  let ready: Promise<unknown> | null = null;
  return {
    async send(message) {
      const info = await transporter.sendMail(toNodemailer(message));
      ready ??= mkdir(dir, { recursive: true });
      await ready;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const base = `${stamp}-${sanitise(info.messageId)}`;
      const file = await writeNew(dir, base, info.message as Buffer);
      // The file only: the address and subject are personal data and stay out of logs.
      log(`outbox: ${file}`);
      return { messageId: info.messageId };
    },
    session() {
      return { send: (message) => this.send(message), close: async () => undefined };
    },
    async close() {
      transporter.close();
    },
  };
}

/** Never overwrites: a resend within the same millisecond gets a suffix. */
async function writeNew(dir: string, base: string, data: Buffer): Promise<string> {
  for (let n = 0; ; n++) {
    const file = join(dir, `${base}${n === 0 ? '' : `-${n}`}.eml`);
    try {
      await writeFile(file, data, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw error;
    }
  }
}

function sanitise(messageId: string): string {
  return (
    messageId
      .replace(/^<|>$/g, '')
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 100) || 'message'
  );
}

function toNodemailer(message: MailMessage) {
  const headers: Record<string, { prepared: boolean; value: string }> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (!/^[!-9;-~]+$/.test(name) || /[\r\n]/.test(value)) {
      throw new RangeError(`Invalid mail header: ${JSON.stringify(name)}`);
    }
    // Printable ASCII goes out exactly as given: folding or encoding would break a
    // List-Unsubscribe URL for some receivers. Anything else is left to nodemailer to encode.
    headers[name] = { prepared: /^[ -~]*$/.test(value) && value.length <= 900, value };
  }
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    html: message.html,
    text: message.text,
    headers,
    ...(message.messageId !== undefined ? { messageId: message.messageId } : {}),
  };
}
