import { DomainError, DomainErrorCode } from '../shared/domain-error';
import { type EnrollmentRow } from './cohort.commands';
import { planEnrollment } from './cohort.enrollment';

const row = (n: number, email: string, name = `Student ${n}`): EnrollmentRow => ({
  studentId: `s-${n}`,
  name,
  email,
});

describe('planEnrollment', () => {
  it('accepts good rows and reports each bad one with its index and reason', () => {
    const plan = planEnrollment(
      [
        row(0, ' Ada@Example.edu '),
        row(1, 'not-an-email'),
        row(2, 'ada@example.EDU'),
        row(3, 'grace@example.edu', '   '),
        row(4, 'alan@example.edu'),
        row(5, 'grace@example.edu'),
      ],
      new Map([['s-9', 'ALAN@example.edu']]),
    );
    expect(plan).toEqual({
      accepted: [
        { row: 0, studentId: 's-0', name: 'Student 0', email: 'ada@example.edu' },
        { row: 5, studentId: 's-5', name: 'Student 5', email: 'grace@example.edu' },
      ],
      rejected: [
        { row: 1, email: 'not-an-email', reason: 'INVALID_EMAIL' },
        { row: 2, email: 'ada@example.EDU', reason: 'DUPLICATE_IN_BATCH' },
        { row: 3, email: 'grace@example.edu', reason: 'MISSING_NAME' },
        { row: 4, email: 'alan@example.edu', reason: 'ALREADY_ENROLLED' },
      ],
    });
  });

  it('accepts exactly 1,000 rows', () => {
    const rows = Array.from({ length: 1_000 }, (_, n) => row(n, `s${n}@example.edu`));
    const plan = planEnrollment(rows, new Map());
    expect(plan instanceof DomainError ? plan : plan.accepted.length).toBe(1_000);
  });

  it('refuses more than 1,000 rows as a whole', () => {
    const rows = Array.from({ length: 1_001 }, (_, n) => row(n, `s${n}@example.edu`));
    const plan = planEnrollment(rows, new Map());
    expect(plan).toBeInstanceOf(DomainError);
    expect((plan as DomainError).code).toBe(DomainErrorCode.LIMIT_EXCEEDED);
  });

  it('keeps the optional roster fields, trimmed, and drops blank ones', () => {
    const plan = planEnrollment(
      [
        {
          ...row(0, 'ada@example.edu'),
          externalId: ' A-1 ',
          program: ' Law ',
          graduationYear: 2027,
        },
        { ...row(1, 'grace@example.edu'), externalId: '  ', program: '' },
      ],
      new Map(),
    );
    expect(plan).toEqual({
      accepted: [
        {
          row: 0,
          studentId: 's-0',
          name: 'Student 0',
          email: 'ada@example.edu',
          externalId: 'A-1',
          program: 'Law',
          graduationYear: 2027,
        },
        { row: 1, studentId: 's-1', name: 'Student 1', email: 'grace@example.edu' },
      ],
      rejected: [],
    });
  });

  it('rejects too-long fields, impossible graduation years and a repeated external id', () => {
    const plan = planEnrollment(
      [
        row(0, 'a@example.edu', 'x'.repeat(201)),
        { ...row(1, 'b@example.edu'), externalId: 'x'.repeat(101) },
        { ...row(2, 'c@example.edu'), program: 'x'.repeat(201) },
        { ...row(3, 'd@example.edu'), graduationYear: 20271 },
        { ...row(4, 'e@example.edu'), graduationYear: 2027.5 },
        { ...row(5, 'f@example.edu'), externalId: 'S-5' },
        { ...row(6, 'g@example.edu'), externalId: 'S-5' },
      ],
      new Map(),
    );
    expect(plan).not.toBeInstanceOf(DomainError);
    const { accepted, rejected } = plan as Exclude<typeof plan, DomainError>;
    expect(accepted.map((a) => a.row)).toEqual([5]);
    expect(rejected.map((r) => [r.row, r.reason])).toEqual([
      [0, 'FIELD_TOO_LONG'],
      [1, 'FIELD_TOO_LONG'],
      [2, 'FIELD_TOO_LONG'],
      [3, 'INVALID_GRADUATION_YEAR'],
      [4, 'INVALID_GRADUATION_YEAR'],
      [6, 'DUPLICATE_EXTERNAL_ID'],
    ]);
  });

  it('knows a student by id: already on the roster, or named by an earlier row', () => {
    const plan = planEnrollment(
      [
        // A returning student named by external id, with another email than the roster has.
        { ...row(0, 'ann.new@example.edu'), studentId: 's-ann' },
        { ...row(1, 'bo@example.edu'), studentId: 's-bo' },
        { ...row(2, 'bo.other@example.edu'), studentId: 's-bo' },
      ],
      new Map([['s-ann', 'ann@example.edu']]),
    );
    expect(plan).not.toBeInstanceOf(DomainError);
    const { accepted, rejected } = plan as Exclude<typeof plan, DomainError>;
    expect(accepted.map((a) => a.studentId)).toEqual(['s-bo']);
    expect(rejected.map((r) => [r.row, r.reason])).toEqual([
      [0, 'ALREADY_ENROLLED'],
      [2, 'DUPLICATE_IN_BATCH'],
    ]);
  });
});
