import { Injectable, Logger } from '@nestjs/common';
import {
  type DomainCommand,
  idsIn,
  type Persona,
  reactionsTo,
  Rng,
  seedFrom,
  smallPlans,
  studentJourney,
} from '@rapport/domain';
import { Database, type Tx, Tenants } from '@rapport/event-store';
import type { Actor } from '../auth/actor';
import { TokenService } from '../auth/token.service';
import { InstitutionService } from '../institution/institution.service';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';
import {
  contactFirstNames,
  firstNames,
  insights,
  lastNames,
  professionalsByTrack,
} from './demo-data';

export const DEMO_SLUG = 'demo';
const DAY = 86_400_000;
/** Stable ids, so the demo's links and tokens look the same on every machine. */
const demoId = idsIn('rapport-demo');

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
        id: demoId('cohort', 'health'),
        name: 'Health Careers Exploration',
        advisor: demoAdvisors[0].staffId,
        track: 'health' as const,
      },
      {
        id: demoId('cohort', 'tech'),
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
          studentId: demoId('student', n),
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
        for (const reaction of reactionsTo(enrolled)) await this.run(tx, at(start), reaction);
      });
      for (const [index, row] of rows.entries()) {
        const student: Actor = {
          subject: `user-${row.studentId}`,
          tenantId,
          role: 'student',
          studentId: row.studentId,
        };
        const rng = new Rng(seedFrom(row.studentId));
        const steps = studentJourney({
          studentId: row.studentId,
          persona: personas[index],
          rng,
          ids: demoId,
          clock: { start, now, lastRequestDay: 62 },
          plans: smallPlans,
          catalog: {
            professionals: professionalsByTrack[cohort.track],
            firstNames: contactFirstNames,
            lastNames,
            insights,
          },
        });
        await this.database.withTenant(tenantId, async (tx) => {
          for (const { at, command } of steps) {
            const events = await this.run(tx, context(student, new Date(at)), command);
            for (const reaction of reactionsTo(events))
              await this.run(tx, context(student, new Date(at)), reaction);
          }
        });
      }
    }
  }

  async run(tx: Tx, context: CommandContext, command: DomainCommand) {
    return (await this.executor.execute(context, command, { tx })).events;
  }

  private async demoTokens(tenantId: string): Promise<DemoTokens> {
    const studentId = demoId('student', 0);
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

function context(actor: Actor, now: Date): CommandContext {
  return { actor, correlationId: 'demo-seed', now };
}

/** The demo's advisors, one per cohort. */
export const demoAdvisors = [
  { staffId: demoId('staff', 'maria'), name: 'Maria Lopez', email: 'maria.lopez@riverside.test' },
  { staffId: demoId('staff', 'james'), name: 'James Okoro', email: 'james.okoro@riverside.test' },
] as const;

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
