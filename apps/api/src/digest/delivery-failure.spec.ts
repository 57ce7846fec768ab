import { type AddressInfo, createServer } from 'node:net';
import { smtpTransport } from '@rapport/notifications';
import { SMTPServer } from 'smtp-server';
import { deliveryFailure, describeFailure } from './delivery-failure';

const RECIPIENT = 'maria.lopez@students.example.edu';
const NAME = 'Maria Lopez';
const SUBJECT = 'Your week: 2 interviews with Dana Fox';
const personal = [RECIPIENT, 'maria.lopez', NAME, 'Maria', 'Lopez', SUBJECT, 'Dana Fox'];

type Reject = (stage: 'mail' | 'rcpt' | 'data') => Error | null;

/** A real SMTP server whose rejections echo the recipient, their name and the subject, as real ones do. */
async function server(reject: Reject): Promise<{ url: string; close: () => Promise<void> }> {
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom: (_address, _session, callback) => callback(reject('mail') ?? undefined),
    onRcptTo: (_address, _session, callback) => callback(reject('rcpt') ?? undefined),
    onData: (stream, _session, callback) => {
      stream.resume();
      stream.on('end', () => callback(reject('data') ?? undefined));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

const refusal = (text: string, responseCode: number) =>
  Object.assign(new Error(text), { responseCode });

/** What the digest delivery meets: an error from one message of a session. */
async function failureFrom(url: string): Promise<unknown> {
  const session = smtpTransport(url).session();
  try {
    await session.send({
      from: 'Rapport <digest@rapport.example.edu>',
      to: `"${NAME}" <${RECIPIENT}>`,
      subject: SUBJECT,
      html: '<p>Hi</p>',
      text: 'Hi',
      headers: {},
    });
    return null;
  } catch (error) {
    return error;
  } finally {
    await session.close();
  }
}

function expectNothingPersonal(value: unknown) {
  const text = JSON.stringify(value).toLowerCase();
  for (const s of personal) expect(text).not.toContain(s.toLowerCase());
}

describe('deliveryFailure keeps the codes of an SMTP refusal and none of its text', () => {
  it.each([
    {
      case: 'Postfix: unknown user at RCPT TO',
      stage: 'rcpt',
      error: refusal(
        `5.1.1 <${RECIPIENT}>: Recipient address rejected: User unknown in virtual mailbox table`,
        550,
      ),
      expected: {
        kind: 'recipient-rejected',
        responseCode: 550,
        status: '5.1.1',
        code: 'EENVELOPE',
        command: 'RCPT TO',
      },
    },
    {
      case: 'Gmail: no such user, with the name',
      stage: 'rcpt',
      error: refusal(
        `5.1.1 The email account that you tried to reach (${NAME}, ${RECIPIENT}) does not exist.`,
        550,
      ),
      expected: { kind: 'recipient-rejected', responseCode: 550, status: '5.1.1' },
    },
    {
      case: 'Exchange: mailbox full',
      stage: 'rcpt',
      error: refusal(`5.2.2 ${RECIPIENT} mailbox full (${NAME})`, 552),
      expected: { kind: 'mailbox-full', responseCode: 552, status: '5.2.2' },
    },
    {
      case: 'content policy at DATA, quoting the subject',
      stage: 'data',
      error: refusal(`5.7.1 Message "${SUBJECT}" to ${RECIPIENT} rejected by policy`, 554),
      expected: { kind: 'message-rejected', responseCode: 554, status: '5.7.1', command: 'DATA' },
    },
    {
      case: 'sender refused at MAIL FROM',
      stage: 'mail',
      error: refusal(`5.1.8 Sender address rejected for ${RECIPIENT}`, 553),
      expected: {
        kind: 'sender-rejected',
        responseCode: 553,
        status: '5.1.8',
        command: 'MAIL FROM',
      },
    },
    {
      case: 'greylisting naming the recipient',
      stage: 'rcpt',
      error: refusal(`4.7.1 <${RECIPIENT}>: Recipient address rejected: Greylisted`, 451),
      expected: { kind: 'temporarily-unavailable', responseCode: 451, status: '4.7.1' },
    },
  ])('$case', async ({ stage, error, expected }) => {
    const smtp = await server((at) => (at === stage ? error : null));
    try {
      const thrown = await failureFrom(smtp.url);
      // The raw error does carry what we must not keep: that is the point.
      expect(JSON.stringify({ m: (thrown as Error).message, ...(thrown as object) })).toContain(
        RECIPIENT,
      );
      const failure = deliveryFailure(thrown);
      expect(failure).toMatchObject(expected);
      expectNothingPersonal(failure);
      expectNothingPersonal(describeFailure(failure));
      expect(describeFailure(failure)).toContain(String(expected.responseCode));
    } finally {
      await smtp.close();
    }
  });

  it('a connection dropped mid-message is "connection-closed"', async () => {
    // A raw server that greets, then hangs up at the first command.
    const raw = createServer((socket) => {
      socket.write('220 ready\r\n');
      socket.once('data', () => socket.destroy());
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const port = (raw.address() as AddressInfo).port;
      const failure = deliveryFailure(await failureFrom(`smtp://127.0.0.1:${port}`));
      expect(failure).toMatchObject({ kind: 'connection-closed', responseCode: null });
      expect(describeFailure(failure)).toMatch(/closed/);
    } finally {
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  });

  it('a closed port is "connection-failed"', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const failure = deliveryFailure(await failureFrom(`smtp://127.0.0.1:${port}`));
    expect(failure).toMatchObject({ kind: 'connection-failed', responseCode: null });
  });

  it('reads the free text older versions stored, keeping only its codes', () => {
    const old = `Can't send mail - all recipients were rejected: 550 5.1.1 <${RECIPIENT}>: Recipient address rejected: User unknown (${NAME})`;
    const failure = deliveryFailure(old);
    expect(failure).toEqual({
      kind: 'recipient-rejected',
      responseCode: 550,
      status: '5.1.1',
      code: 'EENVELOPE',
      command: null,
    });
    expectNothingPersonal(failure);
    expect(deliveryFailure('Connection closed unexpectedly')).toMatchObject({
      kind: 'connection-closed',
    });
    expect(
      deliveryFailure(`Message failed: 421 Service not available for ${RECIPIENT}`),
    ).toMatchObject({ kind: 'temporarily-unavailable', responseCode: 421 });
    expect(deliveryFailure({ weird: RECIPIENT })).toEqual({
      kind: 'unknown',
      responseCode: null,
      status: null,
      code: null,
      command: null,
    });
  });
});
