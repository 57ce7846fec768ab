import type { INestApplication } from '@nestjs/common';
import {
  addContactsForReferrals,
  type DomainCommand,
  registerStudentOnEnrollment,
} from '@rapport/domain';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../apps/api/src/auth/actor';
import { deterministicUuid } from '../../apps/api/src/common/ids';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { newInstitution } from './builders';
import { caughtUp } from './projections';
import type { SmtpSink, SunkMessage } from './smtp-sink';

// A real student digest with one item of every kind, built on the real clock: its links are
// followed by the app at its own `new Date()`, so the history is dated relative to now.

const DAY = 86_400_000;

export interface DigestScenario {
  inst: Awaited<ReturnType<typeof newInstitution>>;
  cohortId: string;
  student: { studentId: string; name: string; email: string };
  /** Everyone's names and addresses, to check that none leaks into ids, metadata or logs. */
  personal: string[];
  interviews: { thankYou: string; nudge: string; prepare: string; stayInTouch: string };
  referralContactId: string;
  /** The digest's message id (what its links are bound to). */
  digestId: string;
  week: string;
  mail: SunkMessage;
  now: Date;
}

export const admin = (tenantId: string): Actor => ({
  subject: 'admin-test',
  tenantId,
  role: 'admin',
});

/** Runs a domain command as `actor` at `at`, as the demo seed does. */
export function runAs(app: INestApplication) {
  const executor = app.get(CommandExecutor);
  return async (actor: Actor, at: string, command: DomainCommand) =>
    (await executor.execute({ actor, correlationId: randomUUID(), now: new Date(at) }, command))
      .events;
}

/** An institution, a cohort, and a student owing a thank-you, a nudge, a preparation, a referral and a touchpoint. */
export async function studentDigestScenario(
  t: { app: INestApplication },
  sink: SmtpSink,
  name = 'Ava Stone',
): Promise<DigestScenario> {
  const now = new Date();
  const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
  const date = (days: number) => at(days).slice(0, 10);
  const inst = await newInstitution(t, { timeZone: 'UTC' });
  const run = runAs(t.app);
  const boss = admin(inst.tenantId);
  const cohortId = randomUUID();
  await run(boss, at(-20), {
    type: 'CreateCohort',
    data: {
      cohortId,
      name: 'Link Walkers',
      term: 'Now',
      startDate: date(-30),
      endDate: date(60),
      interviewTargetOverride: null,
      at: at(-20),
    },
  });
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 6)}@students.test`;
  const studentId = randomUUID();
  const enrolled = await run(boss, at(-20), {
    type: 'EnrollStudents',
    data: { cohortId, rows: [{ studentId, name, email }], at: at(-20) },
  });
  for (const event of enrolled)
    if (event.type === 'StudentEnrolled')
      await run(boss, at(-20), registerStudentOnEnrollment(event));

  const me: Actor = {
    subject: `user-${studentId}`,
    tenantId: inst.tenantId,
    role: 'student',
    studentId,
  };
  const exec = (days: number, command: DomainCommand) => run(me, at(days), command);
  const contact = async (days: number, contactName: string, organization: string) => {
    const contactId = randomUUID();
    await exec(days, {
      type: 'AddContact',
      data: {
        contactId,
        studentId,
        relationship: 'friend',
        organization,
        personal: { name: contactName },
        at: at(days),
      },
    });
    return contactId;
  };
  const request = async (days: number, contactId: string) => {
    const interviewId = randomUUID();
    await exec(days, {
      type: 'SendRequest',
      data: {
        interviewId,
        studentId,
        contactId,
        channel: 'email',
        askMinutes: 30,
        proposedFormats: ['video'],
        at: at(days),
      },
    });
    return interviewId;
  };
  const held = async (days: number, contactId: string) => {
    const interviewId = randomUUID();
    await exec(days, {
      type: 'RecordInterviewHeld',
      data: {
        interviewId,
        studentId,
        contactId,
        heldAt: at(days),
        format: 'video',
        personal: {},
        at: at(days),
      },
    });
    return interviewId;
  };

  const dana = await contact(-10, 'Dana Lee', 'City Hospital');
  const lee = await contact(-10, 'Lee Park', 'Riverbank Clinic');
  const noor = await contact(-10, 'Noor Haddad', 'Harbor Labs');
  const omar = await contact(-10, 'Omar Reyes', 'Summit Bank');
  // Thank-you: held yesterday. Referral: Dana named someone.
  const thankYou = await held(-1, dana);
  const referralContactId = randomUUID();
  const referred = await exec(-0.9, {
    type: 'RecordReferrals',
    data: {
      interviewId: thankYou,
      referrals: [{ contactId: referralContactId, name: 'Sam Ortiz' }],
      at: at(-0.9),
    },
  });
  // The referred person becomes a contact, as the GraphQL mutation does it.
  for (const event of referred)
    if (event.type === 'ReferralsReceived')
      for (const add of addContactsForReferrals(event)) await exec(-0.9, add);
  // Nudge: asked two days ago, no reply.
  const nudge = await request(-2, lee);
  // Prepare: scheduled for tomorrow (the window opens three days before).
  const prepare = await request(-6, noor);
  await exec(-5, { type: 'RecordAcceptance', data: { interviewId: prepare, at: at(-5) } });
  await exec(-5, {
    type: 'ScheduleInterview',
    data: {
      interviewId: prepare,
      scheduledFor: at(1),
      format: 'video',
      durationMinutes: 30,
      at: at(-5),
    },
  });
  // Stay in touch: held and thanked last week.
  const stayInTouch = await held(-8, omar);
  await exec(-7, {
    type: 'RecordThankYou',
    data: { interviewId: stayInTouch, sentAt: at(-7), channel: 'email', at: at(-7) },
  });
  await caughtUp(t.app);

  const week = DateTime.fromJSDate(now, { zone: 'utc' }).toFormat("kkkk-'W'WW");
  await t.app.get(DigestScheduler).runWeek(inst.tenantId, week, now);
  await t.app.get(DigestDelivery).deliverDue();
  const mail = sink.messagesTo(email).find((m) => m.headers['x-rapport-digest'] === week);
  if (!mail) throw new Error('no digest reached the sink');
  return {
    inst,
    cohortId,
    student: { studentId, name, email },
    personal: [
      name,
      email,
      'Dana Lee',
      'Lee Park',
      'Noor Haddad',
      'Omar Reyes',
      'Sam Ortiz',
      'City Hospital',
    ],
    interviews: { thankYou, nudge, prepare, stayInTouch },
    referralContactId,
    digestId: deterministicUuid(`${inst.tenantId}|student|${studentId}|${week}`),
    week,
    mail,
    now,
  };
}

/** Every link of a message: the HTML part's hrefs and the text part's URLs. */
export function linksOf(mail: SunkMessage): { html: string[]; text: string[] } {
  const html = [...mail.html.matchAll(/href="([^"]*)"/g)].map((m) => unescapeHtml(m[1]));
  const text = [...mail.text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]);
  return { html, text };
}

function unescapeHtml(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}
