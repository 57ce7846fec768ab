/**
 * Roster files (issue #14): one 20,000-row CSV streamed to POST /imports/cohorts/:id/roster.csv
 * of the real application (in this process, over loopback HTTP), beside the same kind of rows
 * sent through GraphQL `enrollStudents` in batches of 1,000 (the path the file reuses). Then the
 * same file again, which must change nothing. Peak RSS is sampled while the file is imported.
 */
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { TokenService } from '../apps/api/src/auth/token.service';
import { InstitutionService } from '../apps/api/src/institution/institution.service';
import { graphql, ok } from '../test/support/graphql';
import { startInstance } from '../test/support/test-app';
import { type Args, DB_NAME, log, record, sampledRss, withTestDatabase } from './harness';

const MB = 1024 * 1024;

interface Report {
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: unknown[];
}
const ROWS = 20_000;

const CREATE = `mutation ($input: CreateCohortInput!) { createCohort(input: $input) { cohort { id } } }`;
const ENROLL = `mutation ($input: EnrollStudentsInput!) { enrollStudents(input: $input) { accepted { studentId } } }`;

function rosterCsv(prefix: string, rows: number): string {
  const lines = ['email,name,external_id,program,graduation_year'];
  for (let i = 0; i < rows; i++)
    lines.push(`${prefix}${i}@bench.test,Student ${i},${prefix.toUpperCase()}-${i},Law,2028`);
  return `${lines.join('\r\n')}\r\n`;
}

export async function rosterWorkload(args: Args): Promise<void> {
  log('\n== roster ==');
  const name = `${DB_NAME}_roster`;
  await withTestDatabase(name, 10, async (db) => {
    let app: INestApplication | undefined;
    try {
      app = await startInstance(db);
      const institution = await app.get(InstitutionService).register({
        slug: `bench-${randomUUID().slice(0, 8)}`,
        name: 'Bench University',
        timeZone: 'America/Chicago',
      });
      const token = await app.get(TokenService).sign({
        subject: 'bench-admin',
        tenantId: institution.tenantId,
        role: 'admin',
      });
      const nest = app;
      const cohort = async () => {
        const created = ok<{ createCohort: { cohort: { id: string } } }>(
          await graphql(nest, token, CREATE, {
            input: { name: 'Bench', term: 'Fall', startDate: '2026-09-01', endDate: '2026-12-15' },
          }),
        );
        return created.createCohort.cohort.id;
      };

      // Baseline: the same rows as JSON through GraphQL, 1,000 per mutation.
      const baselineRows = args.quick ? 5_000 : ROWS;
      const jsonCohort = await cohort();
      const jsonStarted = performance.now();
      for (let from = 0; from < baselineRows; from += 1_000) {
        const rows = Array.from({ length: 1_000 }, (_, k) => ({
          email: `json${from + k}@bench.test`,
          name: `Student ${from + k}`,
        }));
        const enrolled = ok<{ enrollStudents: { accepted: unknown[] } }>(
          await graphql(nest, token, ENROLL, { input: { cohortId: jsonCohort, rows } }),
        );
        const accepted = enrolled.enrollStudents.accepted.length;
        if (accepted !== 1_000) throw new Error(`roster baseline: ${accepted} of 1,000 enrolled`);
      }
      const jsonRate = baselineRows / ((performance.now() - jsonStarted) / 1000);

      const fileCohort = await cohort();
      const csv = rosterCsv('file', ROWS);
      const upload = () =>
        request(nest.getHttpServer() as Server)
          .post(`/imports/cohorts/${fileCohort}/roster.csv`)
          .set('Authorization', `Bearer ${token}`)
          .set('Content-Type', 'text/csv; charset=utf-8')
          .send(csv);
      const first = await sampledRss(async () => {
        const started = performance.now();
        const response = await upload();
        return { body: response.body as Report, seconds: (performance.now() - started) / 1000 };
      }, 50);
      if (first.result.body.accepted !== ROWS)
        throw new Error(`roster: ${JSON.stringify(first.result.body).slice(0, 300)}`);
      const againStarted = performance.now();
      const again = (await upload()).body as Report;
      const againSeconds = (performance.now() - againStarted) / 1000;
      if (again.unchanged !== ROWS)
        throw new Error(`roster again: ${JSON.stringify(again).slice(0, 300)}`);

      record(
        'roster',
        `roster: ${ROWS.toLocaleString('en-US')}-row CSV file, new students`,
        'rows/s',
        ROWS / first.result.seconds,
        {
          baseline: {
            name: `GraphQL enrollStudents, 1,000 per call (${baselineRows} rows)`,
            value: jsonRate,
          },
          note: `${(csv.length / MB).toFixed(1)} MB file, ${first.result.seconds.toFixed(1)} s`,
        },
      );
      record(
        'roster',
        'roster: the same file again (all unchanged, nothing written)',
        'rows/s',
        ROWS / againSeconds,
      );
      record('roster', 'roster: peak RSS of the process while importing', 'MB', first.peak / MB, {
        baseline: { name: 'RSS before the import', value: first.before / MB },
        goal: { kind: 'max', of: 'value', target: (first.before + 128 * MB) / MB },
        note: 'goal: at most 128 MB above the RSS before the import',
      });
    } finally {
      await app?.close();
    }
  });
}
