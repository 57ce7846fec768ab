import { AdvisorNotesEventSchemaVersions } from './advisor-notes/advisor-notes.events';
import { CohortEventSchemaVersions } from './cohort/cohort.events';
import { ContactEventSchemaVersions } from './contact/contact.events';
import { eventSchemaVersions, isDomainEventType, streamIdForCommand } from './domain';
import { IdentityEventSchemaVersions } from './identity/identity.events';
import { InstitutionEventSchemaVersions } from './institution/institution.events';
import { InterviewEventSchemaVersions } from './interview/interview.events';
import { QuestionBankEventSchemaVersions } from './question-bank/question-bank.events';
import { StaffEventSchemaVersions } from './staff/staff.events';
import { StudentEventSchemaVersions } from './student/student.events';
import { parseStreamId, streamIds } from './shared/stream-ids';

describe('domain-wide wiring', () => {
  it('versions every event type at 1 for now, with no type name shared by two aggregates', () => {
    // A name two aggregates share would collapse into one key of the merged table.
    const perAggregate = [
      InstitutionEventSchemaVersions,
      CohortEventSchemaVersions,
      StudentEventSchemaVersions,
      ContactEventSchemaVersions,
      InterviewEventSchemaVersions,
      QuestionBankEventSchemaVersions,
      AdvisorNotesEventSchemaVersions,
      IdentityEventSchemaVersions,
      StaffEventSchemaVersions,
    ];
    expect(Object.keys(eventSchemaVersions)).toHaveLength(
      perAggregate.reduce((n, versions) => n + Object.keys(versions).length, 0),
    );
    expect(new Set(Object.values(eventSchemaVersions))).toEqual(new Set([1]));
    expect(isDomainEventType('InterviewHeld')).toBe(true);
    expect(isDomainEventType('toString')).toBe(false);
  });

  it('routes commands to their streams and parses stream ids back', () => {
    const at = '2025-01-01T00:00:00Z';
    expect(streamIdForCommand({ type: 'RenameInstitution', data: { name: 'X', at } })).toBe(
      'institution',
    );
    expect(
      streamIdForCommand({ type: 'RecordAcceptance', data: { interviewId: 'abc-1', at } }),
    ).toBe('interview-abc-1');
    expect(
      streamIdForCommand({
        type: 'RetractAdvisorNote',
        data: { studentId: 's-1', noteId: 'n', advisorId: 'a', role: 'advisor', at },
      }),
    ).toBe('advisor-notes-s-1');
    expect(
      streamIdForCommand({
        type: 'EraseStudent',
        data: { studentId: 's-1', reason: 'request', at },
      }),
    ).toBe('student-s-1');
    expect(
      streamIdForCommand({
        type: 'EraseStaffMember',
        data: { staffId: 'st-1', erasedBy: 'a', reason: 'institution', at },
      }),
    ).toBe('staff-st-1');
    expect(parseStreamId(streamIds.advisorNotes('s-1'))).toEqual({
      kind: 'advisorNotes',
      id: 's-1',
    });
    expect(parseStreamId(streamIds.questionBank())).toEqual({ kind: 'questionBank', id: null });
    expect(parseStreamId('cohort-')).toBeNull();
  });
});
