import request from 'supertest';
import type { DigestConfig } from '../../apps/api/src/config/app-config';
import { SmtpSink } from '../support/smtp-sink';
import { linksOf, studentDigestScenario } from '../support/student-digest';
import { startTestApp, testMail, type TestApp } from '../support/test-app';

const DIGEST: DigestConfig = {
  enabled: false,
  tickMs: 60_000,
  deliveryMs: 1_000,
  maxAttempts: 3,
  retryBaseMs: 1,
};

describe("every link of a student's digest resolves", () => {
  let t: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ mail: testMail(sink.url), digest: DIGEST });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('walks every href of the HTML part and every URL of the text part: no 404, nothing POST-only', async () => {
    const { mail } = await studentDigestScenario(t, sink);
    const { html, text } = linksOf(mail);
    // Five action links, the week, the target line, the calendar and the unsubscribe link.
    expect(html).toHaveLength(9);
    expect(new Set(text)).toEqual(new Set(html));
    const paths = new Set<string>();
    for (const link of new Set([...html, ...text])) {
      const url = new URL(link);
      expect(url.origin).toBe('https://rapport.test');
      paths.add(url.pathname);
      const response = await request(t.app.getHttpServer()).get(`${url.pathname}${url.search}`);
      expect({ link: url.pathname, status: response.status }).toEqual({
        link: url.pathname,
        status: 200,
      });
      expect(response.headers['content-type']).toMatch(/^text\/html/);
    }
    expect([...paths].sort()).toEqual(['/act', '/me/sign-in', '/unsubscribe']);
    // No deep links to pages that never existed.
    expect(mail.html + mail.text).not.toMatch(/\/(interviews|contacts|students)\//);
  });
});
