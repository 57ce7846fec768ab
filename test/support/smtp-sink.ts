import type { AddressInfo, Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the sink accepted, parsed. */
export interface SunkMessage {
  /** Envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  from: string | null;
  subject: string;
  html: string;
  text: string;
  messageId: string | undefined;
  /** Lower-cased header name → the raw header line's value, exactly as received. */
  headers: Record<string, string>;
  raw: Buffer;
  parsed: ParsedMail;
}

/**
 * How the next connections fail: `refuse` drops the TCP connection before any greeting (the
 * server is down or unreachable), `tempfail` greets with `421` (temporarily unavailable).
 */
export type OutageMode = 'refuse' | 'tempfail';

/** What the sink saw of one connection attempt. */
export interface SinkAttempt {
  outcome: 'refused' | 'tempfailed' | 'rejected' | 'accepted' | 'aborted' | 'dropped';
  /** RCPT TO addresses tried in this session (lower-cased). */
  recipients: string[];
}

/**
 * A real SMTP server on loopback for tests. Accepts everything unless told otherwise: it
 * can simulate an outage for the next N connection attempts, reject chosen recipients
 * with a permanent `550` at RCPT TO, hang up in the middle of the next N messages, and hold
 * its replies to messages until released. An "attempt" is one connection (session), which
 * may carry several messages.
 */
export class SmtpSink {
  readonly messages: SunkMessage[] = [];
  readonly attempts: SinkAttempt[] = [];
  /** Addresses (case-insensitive) refused with 550 at RCPT TO. */
  readonly rejectedRecipients = new Set<string>();

  /** Connections that reached the SMTP dialogue, and the most open at any one time. */
  connections = 0;
  maxOpenConnections = 0;
  /** Messages whose data arrived and which await the sink's reply; the most at any one time. */
  inFlight = 0;
  maxInFlight = 0;

  private server: SMTPServer | null = null;
  private outage: { mode: OutageMode; remaining: number } | null = null;
  private drops = 0;
  private gate: { promise: Promise<void>; open: () => void } | null = null;
  private openConnections = 0;
  private readonly sockets = new Map<number, Socket>();
  private portNumber = 0;

  get port(): number {
    if (!this.server) throw new Error('The SMTP sink is not started');
    return this.portNumber;
  }

  /** The app's SMTP_URL for this sink. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await sink.listen();
    return sink;
  }

  private async listen(): Promise<void> {
    const sessions = new WeakMap<object, SinkAttempt>();
    const attemptOf = (session: object): SinkAttempt => {
      let attempt = sessions.get(session);
      if (!attempt) {
        attempt = { outcome: 'aborted', recipients: [] };
        sessions.set(session, attempt);
        this.attempts.push(attempt);
      }
      return attempt;
    };
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      disableReverseLookup: true,
      logger: false,
      onConnect: (session, callback) => {
        const attempt = attemptOf(session);
        if (this.takeOutage('tempfail')) {
          attempt.outcome = 'tempfailed';
          return callback(
            Object.assign(new Error('Service temporarily unavailable'), { responseCode: 421 }),
          );
        }
        callback();
      },
      onRcptTo: (address, session, callback) => {
        const attempt = attemptOf(session);
        const to = address.address.toLowerCase();
        attempt.recipients.push(to);
        if (this.rejectedRecipients.has(to)) {
          attempt.outcome = 'rejected';
          // Worded as Postfix words it, echoing the address: what a real refusal carries.
          return callback(
            Object.assign(
              new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`),
              { responseCode: 550 },
            ),
          );
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const attempt = attemptOf(session);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.drops > 0) {
            // Hang up with the message received but not acknowledged.
            this.drops--;
            attempt.outcome = 'dropped';
            this.sockets.get(session.remotePort)?.destroy();
            return;
          }
          this.inFlight++;
          this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
          const raw = Buffer.concat(chunks);
          // Parsed before the 250 reply, so a message is listed once the client's send resolves.
          Promise.all([simpleParser(raw), this.gate?.promise])
            .finally(() => this.inFlight--)
            .then(
              ([parsed]) => {
                this.messages.push(toMessage(raw, parsed, session.envelope.rcptTo));
                attempt.outcome = 'accepted';
                callback();
              },
              (error: unknown) =>
                callback(error instanceof Error ? error : new Error(String(error))),
            );
        });
      },
    });
    // `refuse`: drop the connection before smtp-server sees it, as if nothing listened.
    const connect = server.connect.bind(server);
    server.connect = (socket, options) => {
      if (this.takeOutage('refuse')) {
        this.attempts.push({ outcome: 'refused', recipients: [] });
        socket.destroy();
        return;
      }
      this.connections++;
      this.openConnections++;
      this.maxOpenConnections = Math.max(this.maxOpenConnections, this.openConnections);
      const port = socket.remotePort ?? 0;
      this.sockets.set(port, socket);
      socket.once('close', () => {
        this.openConnections--;
        this.sockets.delete(port);
      });
      connect(socket, options);
    };
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.portNumber = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** The next `attempts` connections fail the given way; `Infinity` until `recover()`. */
  failNext(attempts: number, mode: OutageMode = 'refuse'): void {
    this.outage = { mode, remaining: attempts };
  }

  /** Hangs up on the next `messages` messages once their data arrived, before replying. */
  dropNext(messages: number): void {
    this.drops = messages;
  }

  /** Holds the reply to every message from now on until `release()`. */
  hold(): void {
    let open = () => undefined as void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
  }

  release(): void {
    this.gate?.open();
    this.gate = null;
  }

  /** Ends a simulated outage. */
  recover(): void {
    this.outage = null;
  }

  /** Permanently rejects (550) these addresses at RCPT TO until `accept` lifts it. */
  reject(...addresses: string[]): void {
    for (const a of addresses) this.rejectedRecipients.add(a.toLowerCase());
  }

  accept(...addresses: string[]): void {
    for (const a of addresses) this.rejectedRecipients.delete(a.toLowerCase());
  }

  /** Messages whose envelope includes `address`. */
  messagesTo(address: string): SunkMessage[] {
    const wanted = address.toLowerCase();
    return this.messages.filter((m) => m.to.includes(wanted));
  }

  /** Connection attempts that got as far as naming `address` at RCPT TO. */
  attemptsFor(address: string): SinkAttempt[] {
    const wanted = address.toLowerCase();
    return this.attempts.filter((a) => a.recipients.includes(wanted));
  }

  /** Forgets what was received and lifts every simulated failure. */
  reset(): void {
    this.messages.length = 0;
    this.attempts.length = 0;
    this.rejectedRecipients.clear();
    this.outage = null;
    this.drops = 0;
    this.release();
    this.connections = 0;
    this.maxOpenConnections = this.openConnections;
    this.maxInFlight = this.inFlight;
  }

  /** Polls until `condition` holds; fails with `description` after `timeoutMs`. */
  async waitFor(
    condition: () => boolean | Promise<boolean>,
    description: string,
    timeoutMs = 10_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${description}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private takeOutage(mode: OutageMode): boolean {
    if (!this.outage || this.outage.mode !== mode || this.outage.remaining <= 0) return false;
    this.outage.remaining--;
    if (this.outage.remaining <= 0) this.outage = null;
    return true;
  }
}

function toMessage(
  raw: Buffer,
  parsed: ParsedMail,
  rcptTo: readonly { address: string }[],
): SunkMessage {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    headers[key] ??= line.slice(line.indexOf(':') + 1).trim();
  }
  const from = parsed.from?.value[0]?.address ?? null;
  return {
    to: rcptTo.map((r) => r.address.toLowerCase()),
    from,
    subject: parsed.subject ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    text: parsed.text ?? '',
    messageId: parsed.messageId,
    headers,
    raw,
    parsed,
  };
}
