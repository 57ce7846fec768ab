import { Injectable, Logger } from '@nestjs/common';
import {
  addContactsForReferrals,
  type DomainCommand,
  type ContactRelationship,
  registerStudentOnEnrollment,
} from '@rapport/domain';
import { Database, type Tx, Tenants } from '@rapport/event-store';
import { createHash } from 'node:crypto';
import type { Actor } from '../auth/actor';
import { TokenService } from '../auth/token.service';
import { InstitutionService } from '../institution/institution.service';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';
import {
  contactFirstNames,
  type DemoProfessional,
  firstNames,
  insights,
  lastNames,
  professionalsByTrack,
} from './demo-data';

export const DEMO_SLUG = 'demo';
const DAY = 86_400_000;

type Persona = 'star' | 'steady' | 'overdue' | 'stalled' | 'new';
// 20 students per cohort: a realistic spread from at-target to not yet started.
const personas: Persona[] = [
  ...Array<Persona>(4).fill('star'),
  ...Array<Persona>(6).fill('steady'),
  ...Array<Persona>(3).fill('overdue'),
  ...Array<Persona>(4).fill('stalled'),
  ...Array<Persona>(3).fill('new'),
];

export interface DemoTokens {
  admin: string;
  advisor: string;
  student: string;
  studentId: string;
}

/**
 * The demo institution: two cohorts, two advisors and 40 students with ten weeks of varied
 * history. Everything goes through the domain's commands, so it is valid history that the
 * deciders accepted, with each command's time simulated.
 */
@Injectable()
export class DemoSeedService {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    private readonly database: Database,
    private readonly tenants: Tenants,
    private readonly institutions: InstitutionService,
    private readonly executor: CommandExecutor,
    private readonly tokens: TokenService,
  ) {}

  /** Seeds when no institution exists yet; returns tokens for the demo either way. */
  async seedIfEmpty(now = new Date()): Promise<DemoTokens | null> {
    if ((await this.tenants.list()).length === 0) {
      const started = Date.now();
      await this.seed(now);
      this.logger.log(`demo institution seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    const demo = await this.tenants.findBySlug(DEMO_SLUG);
    return demo ? this.demoTokens(demo.tenantId) : null;
  }

  private async seed(now: Date): Promise<void> {
    const start = new Date(now.getTime() - 70 * DAY);
    const { tenantId } = await this.institutions.register(
      { name: 'Riverside State University', slug: DEMO_SLUG, timeZone: 'America/Chicago' },
      start,
    );
    const admin: Actor = { subject: 'admin-demo', tenantId, role: 'admin' };
    // Advisors are staff members, invited as an admin does it; they get the advisor digest.
    for (const advisor of demoAdvisors) {
      await this.database.withTenant(tenantId, (tx) =>
        this.run(tx, context(admin, start), {
          type: 'InviteStaff',
          data: {
            staffId: advisor.staffId,
            invitationId: advisor.staffId,
            role: 'advisor',
            emailInUse: false,
            at: start.toISOString(),
            personal: { name: advisor.name, email: advisor.email },
          },
        }),
      );
    }
    const cohorts = [
      {
        id: demoId('cohort-health'),
        name: 'Health Careers Exploration',
        advisor: demoAdvisors[0].staffId,
        track: 'health' as const,
      },
      {
        id: demoId('cohort-tech'),
        name: 'Tech & Business Pathways',
        advisor: demoAdvisors[1].staffId,
        track: 'tech' as const,
      },
    ];
    let studentNo = 0;
    for (const cohort of cohorts) {
      const rows = personas.map(() => {
        const n = studentNo++;
        const name = `${firstNames[n % firstNames.length]} ${lastNames[(n * 7) % lastNames.length]}`;
        return {
          studentId: demoId(`student-${n}`),
          name,
          email: `${name.toLowerCase().replace(/\W+/g, '.')}@students.riverside.test`,
        };
      });
      await this.database.withTenant(tenantId, async (tx) => {
        const at = (d: Date) => ({ ...context(admin, d) });
        await this.run(tx, at(start), {
          type: 'CreateCohort',
          data: {
            cohortId: cohort.id,
            name: cohort.name,
            term: 'Fall 2026',
            startDate: isoDate(start),
            endDate: isoDate(new Date(now.getTime() + 42 * DAY)),
            at: start.toISOString(),
          },
        });
        await this.run(tx, at(start), {
          type: 'AssignAdvisor',
          data: { cohortId: cohort.id, advisorId: cohort.advisor, at: start.toISOString() },
        });
        const enrolled = await this.run(tx, at(start), {
          type: 'EnrollStudents',
          data: { cohortId: cohort.id, rows, at: start.toISOString() },
        });
        for (const event of enrolled) {
          if (event.type === 'StudentEnrolled') {
            await this.run(tx, at(start), registerStudentOnEnrollment(event));
          }
        }
      });
      for (const [index, row] of rows.entries()) {
        const student: Actor = {
          subject: `user-${row.studentId}`,
          tenantId,
          role: 'student',
          studentId: row.studentId,
        };
        const journey = new Journey(
          this,
          student,
          professionalsByTrack[cohort.track],
          now,
          hashOf(row.studentId),
        );
        await this.database.withTenant(tenantId, (tx) => journey.play(tx, personas[index], start));
      }
    }
  }

  async run(tx: Tx, context: CommandContext, command: DomainCommand) {
    return (await this.executor.execute(context, command, { tx })).events;
  }

  private async demoTokens(tenantId: string): Promise<DemoTokens> {
    const studentId = demoId('student-0');
    return {
      admin: await this.tokens.sign({ subject: 'admin-demo', tenantId, role: 'admin' }),
      advisor: await this.tokens.sign({
        subject: demoAdvisors[0].staffId,
        tenantId,
        role: 'advisor',
      }),
      student: await this.tokens.sign({
        subject: `user-${studentId}`,
        tenantId,
        role: 'student',
        studentId,
      }),
      studentId,
    };
  }
}

/** One student's ten weeks, driven by a persona and a deterministic random stream. */
class Journey {
  private contactNo = 0;

  constructor(
    private readonly seeder: DemoSeedService,
    private readonly student: Actor,
    private readonly professionals: DemoProfessional[],
    private readonly now: Date,
    private seed: number,
  ) {}

  async play(tx: Tx, persona: Persona, start: Date): Promise<void> {
    const day = (n: number) => new Date(start.getTime() + n * DAY + this.random() * 8 * 3_600_000);
    const kinds: ContactRelationship[] = [
      'family',
      'friend',
      'faculty',
      'coworker',
      'classmate',
      'neighbor',
      'mentor',
    ];
    const contacts: string[] = [];
    const brainstormDay = persona === 'new' ? 60 + this.int(6) : 3 + this.int(6);
    for (let i = 0; i < 4 + this.int(3); i++)
      contacts.push(
        await this.addContact(tx, day(brainstormDay), kinds[this.int(kinds.length)], null),
      );

    switch (persona) {
      case 'star': {
        // A referral chain three deep: each interview's "who else?" leads to the next one.
        let contact = contacts[0];
        let when = 8 + this.int(4);
        for (let depth = 0; depth < 4; depth++) {
          const referrals = await this.interview(tx, contact, day(when), {
            thank: 'prompt',
            referrals: depth < 3 ? 1 + this.int(2) : 0,
          });
          if (referrals.length === 0) break;
          contact = referrals[0];
          when += 12 + this.int(4);
        }
        await this.interview(tx, contacts[1], day(20 + this.int(10)), {
          thank: 'prompt',
          referrals: 0,
        });
        return;
      }
      case 'steady':
        await this.interview(tx, contacts[0], day(15 + this.int(15)), {
          thank: this.random() < 0.7 ? 'prompt' : 'late',
          referrals: this.int(2),
        });
        if (this.random() < 0.5)
          await this.interview(tx, contacts[1], day(35 + this.int(15)), {
            thank: 'prompt',
            referrals: 0,
          });
        await this.request(tx, contacts[2], day(50 + this.int(10)), 'pending');
        return;
      case 'overdue':
        // Held within the last two weeks and never thanked: an overdue thank-you.
        await this.interview(tx, contacts[0], day(50 + this.int(6)), {
          thank: 'none',
          referrals: 0,
        });
        return;
      case 'stalled':
        await this.request(tx, contacts[0], day(12 + this.int(8)), 'unanswered');
        await this.request(tx, contacts[1], day(14 + this.int(8)), 'declined');
        return;
      case 'new':
        return;
      default: {
        const _exhaustive: never = persona;
        return _exhaustive;
      }
    }
  }

  private async addContact(
    tx: Tx,
    at: Date,
    relationship: ContactRelationship,
    referredBy: string | null,
  ): Promise<string> {
    const contactId = demoId(`${this.student.studentId}-contact-${this.contactNo++}`);
    const pro = this.professionals[this.int(this.professionals.length)];
    await this.exec(tx, at, {
      type: 'AddContact',
      data: {
        contactId,
        studentId: this.student.studentId!,
        relationship,
        organization: pro.organization,
        role: pro.role,
        industry: pro.industry,
        referredByContactId: referredBy,
        personal: { name: this.personName(), email: null, linkedinUrl: null, notes: null },
        at: at.toISOString(),
      },
    });
    return contactId;
  }

  private async request(
    tx: Tx,
    contactId: string,
    at: Date,
    outcome: 'pending' | 'unanswered' | 'declined',
  ): Promise<void> {
    const interviewId = demoId(`${contactId}-interview`);
    await this.exec(tx, at, {
      type: 'SendRequest',
      data: {
        interviewId,
        studentId: this.student.studentId!,
        contactId,
        channel: 'email',
        askMinutes: 30,
        proposedFormats: ['coffee', 'video'],
        at: at.toISOString(),
      },
    });
    if (outcome === 'pending') return;
    const later = (days: number) => new Date(at.getTime() + days * DAY);
    await this.exec(tx, later(8), {
      type: 'NudgeRequest',
      data: { interviewId, at: later(8).toISOString() },
    });
    if (outcome === 'declined') {
      await this.exec(tx, later(10), {
        type: 'RecordDecline',
        data: { interviewId, at: later(10).toISOString() },
      });
    } else {
      await this.exec(tx, later(20), {
        type: 'CloseUnanswered',
        data: { interviewId, at: later(20).toISOString() },
      });
    }
  }

  /** Request → accept → schedule → prepare → held → thank-you → referrals; steps in the future wait. */
  private async interview(
    tx: Tx,
    contactId: string,
    requestedAt: Date,
    plan: { thank: 'prompt' | 'late' | 'none'; referrals: number },
  ): Promise<string[]> {
    const interviewId = demoId(`${contactId}-interview`);
    const at = (days: number, hours = 0) =>
      new Date(requestedAt.getTime() + days * DAY + hours * 3_600_000);
    const heldAt = at(8);
    const steps: [Date, DomainCommand][] = [
      [
        at(0),
        {
          type: 'SendRequest',
          data: {
            interviewId,
            studentId: this.student.studentId!,
            contactId,
            channel: 'email',
            askMinutes: 30,
            proposedFormats: ['coffee', 'video', 'phone'],
            at: at(0).toISOString(),
          },
        },
      ],
      [at(2), { type: 'RecordAcceptance', data: { interviewId, at: at(2).toISOString() } }],
      [
        at(2, 1),
        {
          type: 'ScheduleInterview',
          data: {
            interviewId,
            scheduledFor: heldAt.toISOString(),
            format: 'coffee',
            durationMinutes: 30,
            at: at(2, 1).toISOString(),
          },
        },
      ],
      [
        at(6),
        {
          type: 'RecordPreparation',
          data: {
            interviewId,
            questionIds: ['q-typical-day', 'q-career-path', 'q-critical-skills', 'q-anyone-else'],
            personal: {
              researchNotes: 'Read the organization’s annual report and recent news',
              customQuestions: ['What surprised you most in your first year?'],
            },
            at: at(6).toISOString(),
          },
        },
      ],
      [
        at(8, 1),
        {
          type: 'RecordInterviewHeld',
          data: {
            interviewId,
            studentId: this.student.studentId!,
            contactId,
            heldAt: heldAt.toISOString(),
            format: 'coffee',
            questionIdsAsked: ['q-typical-day', 'q-career-path', 'q-anyone-else'],
            personal: {
              notes: 'Warm conversation, offered to review my resume',
              keyInsights: [insights[this.int(insights.length)]],
              advice: 'Talk to people in adjacent roles too',
            },
            at: at(8, 1).toISOString(),
          },
        },
      ],
    ];
    if (plan.thank !== 'none') {
      const sent = at(plan.thank === 'prompt' ? 9 : 14);
      steps.push([
        sent,
        {
          type: 'RecordThankYou',
          data: {
            interviewId,
            sentAt: sent.toISOString(),
            channel: 'email',
            at: sent.toISOString(),
          },
        },
      ]);
    }
    const referralIds = Array.from({ length: plan.referrals }, (_, i) =>
      demoId(`${interviewId}-referral-${i}`),
    );
    if (referralIds.length > 0) {
      const pro = this.professionals;
      steps.push([
        at(9, 2),
        {
          type: 'RecordReferrals',
          data: {
            interviewId,
            referrals: referralIds.map((contactId) => ({
              contactId,
              name: this.personName(),
              ...pro[this.int(pro.length)],
            })),
            at: at(9, 2).toISOString(),
          },
        },
      ]);
    }
    if (plan.thank === 'prompt' && this.random() < 0.4) {
      steps.push([
        at(30),
        {
          type: 'RecordTouchpoint',
          data: { interviewId, kind: 'shared_article', at: at(30).toISOString() },
        },
      ]);
    }
    for (const [when, command] of steps) {
      if (when > this.now) return [];
      const events = await this.exec(tx, when, command);
      for (const event of events) {
        if (event.type !== 'ReferralsReceived') continue;
        for (const addContact of addContactsForReferrals(event))
          await this.exec(tx, when, addContact);
      }
    }
    return referralIds;
  }

  private exec(tx: Tx, at: Date, command: DomainCommand) {
    return this.seeder.run(tx, context(this.student, at), command);
  }

  private personName(): string {
    return `${contactFirstNames[this.int(contactFirstNames.length)]} ${lastNames[this.int(lastNames.length)]}`;
  }

  /** mulberry32: small, fast and deterministic, so every fresh demo looks the same. */
  private random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = Math.imul(this.seed ^ (this.seed >>> 15), 1 | this.seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  private int(below: number): number {
    return Math.floor(this.random() * below);
  }
}

function context(actor: Actor, now: Date): CommandContext {
  return { actor, correlationId: 'demo-seed', now };
}

/** Stable ids, so the demo's links and tokens look the same on every machine. */
function demoId(name: string): string {
  const hex = createHash('sha256').update(`rapport-demo:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The demo's advisors, one per cohort. */
export const demoAdvisors = [
  { staffId: demoId('staff-maria'), name: 'Maria Lopez', email: 'maria.lopez@riverside.test' },
  { staffId: demoId('staff-james'), name: 'James Okoro', email: 'james.okoro@riverside.test' },
] as const;

function hashOf(text: string): number {
  return parseInt(createHash('sha256').update(text).digest('hex').slice(0, 8), 16);
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
