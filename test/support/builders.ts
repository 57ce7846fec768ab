import type { INestApplication } from '@nestjs/common';
import { type Database, type NewEvent, Tenants } from '@rapport/event-store';
import { TokenService } from '../../apps/api/src/auth/token.service';
import { InstitutionService } from '../../apps/api/src/institution/institution.service';
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
