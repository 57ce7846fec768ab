import { Injectable } from '@nestjs/common';
import {
  cleanEnrollmentRow,
  type CleanEnrollmentRow,
  type CohortState,
  DomainError,
  enrollmentRowProblem,
  type EnrollmentRejectionReason,
  MAX_ENROLLMENT_ROWS,
  streamIds,
  studentDecider,
} from '@rapport/domain';
import { Database } from '@rapport/event-store';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { AccessService } from '../access/access.service';
import { CohortService } from '../cohort/cohort.service';
import { StudentRecordsRepository } from '../student/student-records.repository';
import { StudentService } from '../student/student.service';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import type { CommandContext } from '../write/command-context';
import { ImportError, ImportErrorCode } from './imports.errors';
import { type RosterRecord, rosterRecords } from './roster-csv';

/** Files above this are refused: a large university's roster is a few MB. */
export const MAX_ROSTER_BYTES = 20 * 1024 * 1024;

export type RosterRejectionReason =
  | EnrollmentRejectionReason
  | 'DUPLICATE_IN_FILE'
  | 'EMAIL_CHANGE_NOT_ALLOWED'
  | 'WRONG_COLUMN_COUNT'
  | 'INVALID_ROW';

export interface RosterRejection {
  /** The record's row in the file, counting the header as row 1 (blank lines are not rows). */
  row: number;
  reason: RosterRejectionReason;
  message: string;
}

export interface RosterImportReport {
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: RosterRejection[];
}

// Short and free of personal data: the admin has the file, the row number finds the line.
const MESSAGES: Record<RosterRejectionReason, string> = {
  MISSING_NAME: 'The name is empty',
  INVALID_EMAIL: 'The email is missing or not a valid address',
  FIELD_TOO_LONG:
    'A field is too long (name and program at most 200 characters, external_id at most 100)',
  INVALID_GRADUATION_YEAR: 'graduation_year must be a whole year from 1950 to 2100',
  DUPLICATE_IN_FILE: 'The same email is on an earlier row of this file',
  DUPLICATE_IN_BATCH: 'The same email is on an earlier row of this file',
  DUPLICATE_EXTERNAL_ID: 'The same external_id is on an earlier row of this file',
  ALREADY_ENROLLED: 'This student was enrolled in the cohort meanwhile; send the file again',
  EXTERNAL_ID_TAKEN: 'Another student of the institution has this external_id',
  EMAIL_CHANGE_NOT_ALLOWED:
    'This external_id belongs to a student of the cohort with another email; a roster cannot change an email (the student changes it and confirms the new address)',
  WRONG_COLUMN_COUNT: 'The row has another number of fields than the header',
  INVALID_ROW: 'The row was refused',
};

interface Candidate {
  row: number;
  clean: CleanEnrollmentRow;
}

type EnrolledStudent = Extract<CohortState, { status: 'active' }>['students'];

/**
 * Roster files: rows are read as the body streams in and applied in batches of at most
 * 1,000 through the same paths as GraphQL (enrolment via CohortService.enroll, corrections via
 * the student decider). A batch commits whole; a bad row is reported and never stops the others.
 */
@Injectable()
export class ImportsService {
  constructor(
    private readonly access: AccessService,
    private readonly cohorts: CohortService,
    private readonly students: StudentService,
    private readonly records: StudentRecordsRepository,
    private readonly states: AggregateStatesRepository,
    private readonly database: Database,
  ) {}

  async importRoster(
    context: CommandContext,
    cohortId: string,
    body: Readable,
    headers: IncomingHttpHeaders,
  ): Promise<RosterImportReport> {
    this.access.requireRole(context.actor, 'admin');
    checkHeaders(headers);
    await this.enrolled(context, cohortId);

    const report: RosterImportReport = { accepted: 0, updated: 0, unchanged: 0, rejected: [] };
    const reject = (row: number, reason: RosterRejectionReason, message = MESSAGES[reason]) =>
      report.rejected.push({ row, reason, message });
    // Each address and external id is claimed by its first valid row in the file.
    const emails = new Set<string>();
    const externalIds = new Set<string>();
    let batch: Candidate[] = [];

    for await (const records of rosterRecords(body, { maxBytes: MAX_ROSTER_BYTES })) {
      for (const record of records) {
        const candidate = readRow(record);
        if ('reason' in candidate) {
          reject(record.row, candidate.reason);
          continue;
        }
        const { clean } = candidate;
        if (emails.has(clean.email)) {
          reject(record.row, 'DUPLICATE_IN_FILE');
          continue;
        }
        if (clean.externalId !== undefined && externalIds.has(clean.externalId)) {
          reject(record.row, 'DUPLICATE_EXTERNAL_ID');
          continue;
        }
        emails.add(clean.email);
        if (clean.externalId !== undefined) externalIds.add(clean.externalId);
        batch.push(candidate);
        if (batch.length === MAX_ENROLLMENT_ROWS) {
          await this.apply(context, cohortId, batch, report, reject);
          batch = [];
        }
      }
    }
    if (batch.length > 0) await this.apply(context, cohortId, batch, report, reject);
    report.rejected.sort((a, b) => a.row - b.row);
    return report;
  }

  /** One batch: rows of enrolled students are corrections, the others new enrolments. */
  private async apply(
    context: CommandContext,
    cohortId: string,
    batch: readonly Candidate[],
    report: RosterImportReport,
    reject: (row: number, reason: RosterRejectionReason, message?: string) => void,
  ): Promise<void> {
    const enrolled = await this.enrolled(context, cohortId);
    const found = await this.database.withTenant(context.actor.tenantId, (tx) =>
      this.records.forRoster(
        tx,
        cohortId,
        batch.map((c) => c.clean.email),
        batch.flatMap((c) => c.clean.externalId ?? []),
      ),
    );
    const byId = new Map(found.map((r) => [r.studentId, r]));
    const byExternalId = new Map(found.map((r) => [r.state.personal.externalId, r]));
    const idByEmail = new Map(
      [...enrolled].filter(([id]) => byId.has(id)).map(([id, email]) => [email, id]),
    );

    const fresh: Candidate[] = [];
    const corrections: { row: number; studentId: string; clean: CleanEnrollmentRow }[] = [];
    for (const candidate of batch) {
      const { row, clean } = candidate;
      const ownId = idByEmail.get(clean.email);
      const owner = clean.externalId === undefined ? undefined : byExternalId.get(clean.externalId);
      if (ownId === undefined) {
        // A student of another cohort is enrolled here by CohortService.enroll (docs/adr/0019).
        if (owner && enrolled.has(owner.studentId)) reject(row, 'EMAIL_CHANGE_NOT_ALLOWED');
        else fresh.push(candidate);
        continue;
      }
      if (owner && owner.studentId !== ownId) {
        reject(row, 'EXTERNAL_ID_TAKEN');
        continue;
      }
      // Asked of the decider in memory first, so re-sending a file costs no writes.
      const decided = studentDecider.decide(
        { type: 'CorrectStudentRecord', data: correctionOf(ownId, clean, context) },
        byId.get(ownId)!.state,
      );
      if (decided instanceof DomainError) reject(row, 'INVALID_ROW', decided.message);
      else if (decided.length === 0) report.unchanged += 1;
      else corrections.push({ row, studentId: ownId, clean });
    }

    if (corrections.length > 0) {
      const outcomes = await this.students.correctRecords(
        context,
        corrections.map(({ studentId, clean }) => {
          const { at: _at, ...data } = correctionOf(studentId, clean, context);
          return data;
        }),
      );
      outcomes.forEach((outcome, i) => {
        if (outcome instanceof DomainError)
          reject(corrections[i].row, 'INVALID_ROW', outcome.message);
        else report[outcome] += 1;
      });
    }

    if (fresh.length > 0) {
      const enrolment = await this.cohorts.enroll(context, {
        cohortId,
        rows: fresh.map(({ clean }) => clean),
      });
      report.accepted += enrolment.accepted.length;
      for (const { row, reason } of enrolment.rejected) reject(fresh[row].row, reason);
    }
  }

  /** The cohort's current students (id -> email); NOT_FOUND for a cohort that does not exist. */
  private async enrolled(context: CommandContext, cohortId: string): Promise<EnrolledStudent> {
    const stored = await this.states.find<CohortState>(
      context.actor.tenantId,
      streamIds.cohort(cohortId),
    );
    if (stored?.state.status !== 'active')
      throw DomainError.notFound(`Cohort ${cohortId} does not exist`, 'cohortId');
    return stored.state.students;
  }
}

function checkHeaders(headers: IncomingHttpHeaders): void {
  const [type, ...parameters] = (headers['content-type'] ?? '').split(';').map((p) => p.trim());
  const charset = parameters
    .find((p) => p.toLowerCase().startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '')
    .toLowerCase();
  if (type.toLowerCase() !== 'text/csv' || (charset && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new ImportError(
      ImportErrorCode.UnsupportedMediaType,
      'Send the roster as the request body with Content-Type: text/csv (UTF-8)',
    );
  }
  if (Number(headers['content-length'] ?? 0) > MAX_ROSTER_BYTES) {
    throw new ImportError(
      ImportErrorCode.TooLarge,
      `A roster file may be at most ${MAX_ROSTER_BYTES / (1024 * 1024)} MB; split it`,
    );
  }
}

/** The row's values as the domain takes them: blank optional cells say nothing. */
function readRow(record: RosterRecord): Candidate | { reason: RosterRejectionReason } {
  if (record.fieldCount !== record.headerCount) return { reason: 'WRONG_COLUMN_COUNT' };
  const { email = '', name = '', external_id, program, graduation_year } = record.fields;
  const year = graduation_year?.trim() ?? '';
  const clean = cleanEnrollmentRow({
    studentId: '',
    name,
    email,
    externalId: external_id,
    program,
    // Anything but digits is no year; the domain's range check rejects it.
    ...(year === '' ? {} : { graduationYear: /^\d+$/.test(year) ? Number(year) : NaN }),
  });
  const reason = enrollmentRowProblem(clean);
  return reason ? { reason } : { row: record.row, clean };
}

function correctionOf(studentId: string, clean: CleanEnrollmentRow, context: CommandContext) {
  return {
    studentId,
    personal: {
      name: clean.name,
      ...(clean.externalId === undefined ? {} : { externalId: clean.externalId }),
    },
    ...(clean.program === undefined ? {} : { program: clean.program }),
    ...(clean.graduationYear === undefined ? {} : { graduationYear: clean.graduationYear }),
    at: context.now.toISOString(),
  };
}
