import type { INestApplication } from '@nestjs/common';
import {
  idsIn,
  personas,
  reactionsTo,
  Rng,
  seedFrom,
  smallPlans,
  studentJourney,
} from '@rapport/domain';
import { type Database, type NewEvent, Tenants } from '@rapport/event-store';
import type { Actor } from '../../apps/api/src/auth/actor';
import { TokenService } from '../../apps/api/src/auth/token.service';
import { InstitutionService } from '../../apps/api/src/institution/institution.service';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { randomUUID } from 'node:crypto';
import { graphql, ok } from './graphql';

export async function newTenant(database: Database, slug = `t-${randomUUID().slice(0, 8)}`) {
  return new Tenants(database).create({ slug, name: `Institution ${slug}` });
}

export function newEvent(type = 'Tested', data: Record<string, unknown> = {}): NewEvent {
  return { eventId: randomUUID(), type, data };
}

/** An institution registered the way the operator CLI does it, with an admin token. */
export async function newInstitution(
  t: { app: INestApplication },
  overrides: { slug?: string; name?: string; timeZone?: string } = {},
) {
  const slug = overrides.slug ?? `inst-${randomUUID().slice(0, 8)}`;
  const institution = await t.app.get(InstitutionService).register({
    slug,
    name: overrides.name ?? `Institution ${slug}`,
    timeZone: overrides.timeZone ?? 'America/Chicago',
  });
  const tokens = t.app.get(TokenService);
  return {
    ...institution,
    adminToken: await tokens.sign({
      subject: `admin-${slug}`,
      tenantId: institution.tenantId,
      role: 'admin',
    }),
    advisorToken: (advisorId: string) =>
      tokens.sign({ subject: advisorId, tenantId: institution.tenantId, role: 'advisor' }),
    studentToken: (studentId: string) =>
      tokens.sign({
        subject: `user-${studentId}`,
        tenantId: institution.tenantId,
        role: 'student',
        studentId,
      }),
  };
}

/**
 * A cohort of the institution with these students enrolled, through the API as an admin does it:
 * only an enrolled student records their journey.
 */
export async function enrolledStudents(
  t: { app: INestApplication },
  adminToken: string,
  rows: { name: string; email: string }[],
): Promise<{ cohortId: string; studentIds: string[] }> {
  const created = await graphql(
    t.app,
    adminToken,
    `
      mutation ($input: CreateCohortInput!) {
        createCohort(input: $input) {
          cohort {
            id
          }
        }
      }
    `,
    { input: { name: 'Cohort', term: 'Fall', startDate: '2026-09-01', endDate: '2026-12-15' } },
  );
  const cohortId = ok(created).createCohort.cohort.id as string;
  const enrolled = await graphql(
    t.app,
    adminToken,
    `
      mutation ($input: EnrollStudentsInput!) {
        enrollStudents(input: $input) {
          accepted {
            studentId
          }
        }
      }
    `,
    { input: { cohortId, rows } },
  );
  const studentIds = ok(enrolled).enrollStudents.accepted.map(
    (a: { studentId: string }) => a.studentId,
  ) as string[];
  return { cohortId, studentIds };
}

/**
 * A staff member invited through the API by an admin, with a development token whose subject is
 * their staff id (what sign-in gives them).
 */
export async function newStaff(
  t: { app: INestApplication },
  adminToken: string,
  options: { role?: 'ADVISOR' | 'ADMIN'; name?: string; email?: string } = {},
): Promise<{ staffId: string; token: string; name: string; email: string }> {
  const tokens = t.app.get(TokenService);
  const verified = await tokens.verify(adminToken);
  if (verified.kind !== 'rapport') throw new Error('newStaff takes a development admin token');
  const { tenantId } = verified.actor;
  const suffix = randomUUID().slice(0, 8);
  const name = options.name ?? `Advisor ${suffix}`;
  const email = options.email ?? `advisor-${suffix}@staff.test`;
  const role = options.role ?? 'ADVISOR';
  const invited = await graphql(
    t.app,
    adminToken,
    `
      mutation ($input: InviteStaffInput!) {
        inviteStaff(input: $input) {
          staffMember {
            id
          }
        }
      }
    `,
    { input: { name, email, role } },
  );
  const staffId = ok(invited).inviteStaff.staffMember.id as string;
  const token = await tokens.sign({
    subject: staffId,
    tenantId,
    role: role === 'ADMIN' ? 'admin' : 'advisor',
  });
  return { staffId, token, name, email };
}

const DAY = 86_400_000;

/**
 * A cohort whose students have lived `days` days of generated history (the journey generator the
 * demo and the bench seed draw from), each command run through the executor as the student at its
 * simulated time. Personas cycle star, steady, overdue, stalled, new; the same seed gives the
 * same histories. With `advisorId`, that staff member advises the cohort.
 */
export async function cohortWithJourneys(
  t: { app: INestApplication },
  inst: { tenantId: string; adminToken: string },
  options: { students: number; now?: Date; days?: number; seed?: number; advisorId?: string },
): Promise<{ cohortId: string; studentIds: string[] }> {
  const now = options.now ?? new Date();
  const start = new Date(now.getTime() - (options.days ?? 70) * DAY);
  const suffix = randomUUID().slice(0, 6);
  const { cohortId, studentIds } = await enrolledStudents(
    t,
    inst.adminToken,
    Array.from({ length: options.students }, (_, i) => ({
      name: `Student ${String(i).padStart(2, '0')}`,
      email: `student-${i}.${suffix}@students.test`,
    })),
  );
  if (options.advisorId) {
    ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($c: ID!, $a: ID!) {
            assignAdvisor(input: { cohortId: $c, advisorId: $a }) {
              cohort {
                id
              }
            }
          }
        `,
        { c: cohortId, a: options.advisorId },
      ),
    );
  }
  const executor = t.app.get(CommandExecutor);
  for (const [i, studentId] of studentIds.entries()) {
    const actor: Actor = {
      subject: `user-${studentId}`,
      tenantId: inst.tenantId,
      role: 'student',
      studentId,
    };
    const steps = studentJourney({
      studentId,
      persona: personas[i % personas.length],
      rng: new Rng(seedFrom(`${options.seed ?? 1}:${i}`)),
      ids: idsIn('rapport-e2e'),
      clock: { start, now, lastRequestDay: (options.days ?? 70) - 8 },
      plans: smallPlans,
    });
    for (const { at, command } of steps) {
      const context = { actor, correlationId: randomUUID(), now: new Date(at) };
      const { events } = await executor.execute(context, command);
      for (const reaction of reactionsTo(events)) await executor.execute(context, reaction);
    }
  }
  return { cohortId, studentIds };
}
