import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { studentDigest } from './digest-content';
import { renderStudentDigest } from './digest-render';
import { fileOutboxTransport, isPermanentFailure, smtpTransport } from './mail-transport';
import { signUnsubscribeToken, unsubscribeHeaders } from './unsubscribe-token';

const token = signUnsubscribeToken(
  { tenantId: 'tenant-1', recipientId: 'stu-1', kind: 'student' },
  'a-test-secret-of-enough-length',
);
// Long enough that a naive header encoder would fold or encode it.
const unsubscribeUrl = `https://rapport.example.edu/api/notifications/unsubscribe?token=${token}`;

/** The raw line of a header as received (mailparser restructures List-* headers). */
const headerLine = (mail: ParsedMail, key: string) =>
  mail.headerLines.find((h) => h.key === key)?.line;

const digest = studentDigest({
  studentName: 'Zoë <Sam> Lee',
  institutionName: 'Northfield University',
  zone: 'America/New_York',
  appUrl: 'https://rapport.example.edu',
  studentId: 'stu-1',
  links: {
    tenantId: 't-1',
    digestId: 'd-1',
    secret: 'spec-link-secret',
    issuedAt: new Date('2026-11-26T15:00:00.000Z'),
  },
  contactLabels: { 'c-1': 'Dana Fox (City Hospital)' },
  interviewContacts: { 'i-1': 'c-1' },
  followUps: [
    {
      kind: 'thank_you',
      openedAt: '2026-11-20T15:00:00.000Z',
      dueAt: '2026-11-25T15:00:00.000Z',
      overdue: true,
      interviewId: 'i-1',
      contactId: 'c-1',
    },
  ],
  remainingToTarget: 2,
  interviewTarget: 3,
})!;
const rendered = renderStudentDigest(digest, { unsubscribeUrl });
const message = {
  from: 'Rapport <digest@rapport.example.edu>',
  to: 'sam@students.example.edu',
  ...rendered,
  headers: unsubscribeHeaders(unsubscribeUrl),
  messageId: '<digest.tenant-1.2026-W48.stu-1@rapport.example.edu>',
};

describe('smtpTransport against a real SMTP server', () => {
  const received: Buffer[] = [];
  let connections = 0;
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onConnect(_session, callback) {
        connections++;
        callback();
      },
      onRcptTo(address, _session, callback) {
        const fail = (code: number, text: string) =>
          callback(Object.assign(new Error(text), { responseCode: code }));
        if (address.address.startsWith('gone@')) return fail(550, 'Mailbox unavailable');
        if (address.address.startsWith('later@')) return fail(451, 'Try again later');
        callback();
      },
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers both MIME parts and the one-click unsubscribe headers intact', async () => {
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
    try {
      const result = await transport.send(message);
      expect(result.messageId).toBe(message.messageId);
    } finally {
      await transport.close();
    }
    const mail = await simpleParser(received.at(-1)!);
    expect(mail.subject).toBe(rendered.subject);
    expect(mail.messageId).toBe(message.messageId);
    expect(mail.html).toBe(rendered.html);
    expect(mail.text).toBe(rendered.text);
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    const raw = received.at(-1)!.toString('latin1');
    const headerBlock = `\r\n${raw.slice(0, raw.indexOf('\r\n\r\n') + 2)}`;
    expect(headerBlock).toContain(`\r\nList-Unsubscribe: <${unsubscribeUrl}>\r\n`);
    expect(headerBlock).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
    expect(headerLine(mail, 'list-unsubscribe')).toBe(`List-Unsubscribe: <${unsubscribeUrl}>`);
  });

  it('a 550 on RCPT is a permanent failure with its code', async () => {
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
    const error = await transport.send({ ...message, to: 'gone@students.example.edu' }).then(
      () => null,
      (e: unknown) => e,
    );
    await transport.close();
    expect(error).toMatchObject({ responseCode: 550 });
    expect(isPermanentFailure(error)).toBe(true);
  });

  it('a 4xx on RCPT is not permanent', async () => {
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
    const error = await transport.send({ ...message, to: 'later@students.example.edu' }).then(
      () => null,
      (e: unknown) => e,
    );
    await transport.close();
    expect(error).toMatchObject({ responseCode: 451 });
    expect(isPermanentFailure(error)).toBe(false);
  });

  it('a closed port is a connection error, not permanent', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closed = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const transport = smtpTransport(`smtp://127.0.0.1:${closed}`);
    const error = await transport.send(message).then(
      () => null,
      (e: unknown) => e,
    );
    await transport.close();
    // Node reports ECONNREFUSED; nodemailer files it under a connection-level code.
    expect(error).toMatchObject({ code: expect.stringMatching(/^E(SOCKET|CONNECTION)$/) });
    expect(error).not.toHaveProperty('responseCode');
    expect(isPermanentFailure(error)).toBe(false);
  });

  it('a session sends message after message over one connection', async () => {
    const session = smtpTransport(`smtp://127.0.0.1:${port}`).session();
    const before = { connections, received: received.length };
    try {
      for (const n of [1, 2, 3]) {
        const id = `<digest.${n}@rapport.example.edu>`;
        expect(await session.send({ ...message, messageId: id })).toEqual({ messageId: id });
      }
    } finally {
      await session.close();
    }
    expect(connections - before.connections).toBe(1);
    const mails = await Promise.all(received.slice(before.received).map((r) => simpleParser(r)));
    expect(mails.map((m) => m.messageId)).toEqual(
      [1, 2, 3].map((n) => `<digest.${n}@rapport.example.edu>`),
    );
    for (const mail of mails) {
      expect(mail.subject).toBe(rendered.subject);
      expect(mail.html).toBe(rendered.html);
      expect(mail.text).toBe(rendered.text);
      expect(headerLine(mail, 'list-unsubscribe')).toBe(`List-Unsubscribe: <${unsubscribeUrl}>`);
    }
  });

  it('in a session a refused message fails alone and the next one goes out on a new connection', async () => {
    const session = smtpTransport(`smtp://127.0.0.1:${port}`).session();
    const before = { connections, received: received.length };
    try {
      await session.send(message);
      const error = await session.send({ ...message, to: 'gone@students.example.edu' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ responseCode: 550 });
      expect(isPermanentFailure(error)).toBe(true);
      await session.send(message);
    } finally {
      await session.close();
    }
    expect(received.length - before.received).toBe(2);
    expect(connections - before.connections).toBe(2);
  });

  it('a session opens a new connection after messagesPerConnection messages', async () => {
    const session = smtpTransport(`smtp://127.0.0.1:${port}`, {
      messagesPerConnection: 2,
    }).session();
    const before = { connections, received: received.length };
    try {
      for (let n = 0; n < 5; n++) await session.send(message);
    } finally {
      await session.close();
    }
    expect(received.length - before.received).toBe(5);
    expect(connections - before.connections).toBe(3);
  });

  it('a session reports a closed port as a connection error, not permanent', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closed = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const session = smtpTransport(`smtp://127.0.0.1:${closed}`).session();
    const error = await session.send(message).then(
      () => null,
      (e: unknown) => e,
    );
    await session.close();
    expect(error).toMatchObject({ code: expect.stringMatching(/^E(SOCKET|CONNECTION)$/) });
    expect(isPermanentFailure(error)).toBe(false);
  });

  it('a session logs in with the credentials of the URL, once per connection', async () => {
    const logins: string[] = [];
    const mails: Buffer[] = [];
    const authenticated = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        logins.push(`${auth.username}:${auth.password}`);
        if (auth.username === 'relay' && auth.password === 's3cret')
          return callback(null, { user: 'relay' });
        callback(new Error('Invalid username or password'));
      },
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          mails.push(Buffer.concat(chunks));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => authenticated.listen(0, '127.0.0.1', resolve));
    const authPort = (authenticated.server.address() as AddressInfo).port;
    try {
      const session = smtpTransport(`smtp://relay:s3cret@127.0.0.1:${authPort}`).session();
      await session.send(message);
      await session.send(message);
      await session.close();
      expect(mails).toHaveLength(2);
      expect(logins).toEqual(['relay:s3cret']);

      const wrong = smtpTransport(`smtp://relay:wrong@127.0.0.1:${authPort}`).session();
      const error = await wrong.send(message).then(
        () => null,
        (e: unknown) => e,
      );
      await wrong.close();
      expect(error).toMatchObject({ code: 'EAUTH' });
      expect(isPermanentFailure(error)).toBe(false);
      expect(mails).toHaveLength(2);
    } finally {
      await new Promise<void>((resolve) => authenticated.close(() => resolve()));
    }
  });

  it('rejects non-SMTP URLs without echoing credentials', () => {
    expect(() => smtpTransport('http://user:hunter2@mail.example')).toThrow(/smtp:\/\//);
    expect(() => smtpTransport('http://user:hunter2@mail.example')).not.toThrow(/hunter2/);
    expect(() => smtpTransport('not a url')).toThrow(/SMTP_URL/);
  });

  it('refuses header values that would inject headers', async () => {
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
    await expect(
      transport.send({ ...message, headers: { 'X-Test': 'a\r\nBcc: x@evil.test' } }),
    ).rejects.toThrow(/header/);
    await transport.close();
  });
});

describe('isPermanentFailure', () => {
  it.each([
    [{ responseCode: 550, code: 'EENVELOPE' }, true],
    [{ responseCode: 554, code: 'EMESSAGE' }, true],
    [{ responseCode: 421, code: 'EENVELOPE' }, false],
    [{ responseCode: 503, code: 'EENVELOPE' }, false],
    [{ responseCode: 535, code: 'EAUTH' }, false],
    [{ code: 'ESOCKET' }, false],
    [{ code: 'ETIMEDOUT' }, false],
    [new Error('plain'), false],
    ['550', false],
    [null, false],
  ])('%j → %s', (error, expected) => {
    expect(isPermanentFailure(error)).toBe(expected);
  });
});

describe('fileOutboxTransport', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'rapport-outbox-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes a parseable .eml per message and logs one line each', async () => {
    const dir = join(root, '.data', 'outbox');
    const lines: string[] = [];
    const transport = fileOutboxTransport(dir, (line) => lines.push(line));
    const first = await transport.send(message);
    const second = await transport.send({ ...message, messageId: undefined });
    await transport.close();

    expect(first.messageId).toBe(message.messageId);
    expect(second.messageId).toMatch(/^<.+@.+>$/);
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    expect(
      files.every((f) => /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[A-Za-z0-9._-]+\.eml$/.test(f)),
    ).toBe(true);
    expect(
      files.some((f) => f.endsWith('-digest.tenant-1.2026-W48.stu-1_rapport.example.edu.eml')),
    ).toBe(true);

    const file = files.find((f) => f.includes('stu-1_rapport'))!;
    const mail = await simpleParser(await readFile(join(dir, file)));
    expect(mail.html).toBe(rendered.html);
    expect(mail.text).toBe(rendered.text);
    expect(headerLine(mail, 'list-unsubscribe-post')).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(mail.to).toMatchObject({ text: 'sam@students.example.edu' });

    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`outbox: ${join(dir, file)}`);
    expect(lines.join('\n')).not.toContain('sam@');
  });
});
