/**
 * Stream ids, one stream per aggregate instance. Tenancy is the event store's concern, so
 * `institution` and `question-bank` are singletons within a tenant.
 */
export const streamIds = {
  institution: (): string => 'institution',
  cohort: (cohortId: string): string => `cohort-${cohortId}`,
  student: (studentId: string): string => `student-${studentId}`,
  contact: (contactId: string): string => `contact-${contactId}`,
  interview: (interviewId: string): string => `interview-${interviewId}`,
  questionBank: (): string => 'question-bank',
  advisorNotes: (studentId: string): string => `advisor-notes-${studentId}`,
  /** The sign-in accounts linked to one person (a student or a staff member), by their id. */
  identity: (personId: string): string => `identity-${personId}`,
  staff: (staffId: string): string => `staff-${staffId}`,
} as const;

export type StreamKind = keyof typeof streamIds;

// Longest prefix first: `advisor-notes-` must win over any shorter prefix.
const prefixes: readonly (readonly [string, StreamKind])[] = [
  ['advisor-notes-', 'advisorNotes'],
  ['interview-', 'interview'],
  ['identity-', 'identity'],
  ['student-', 'student'],
  ['contact-', 'contact'],
  ['cohort-', 'cohort'],
  ['staff-', 'staff'],
];

/** Reads a stream id back into its kind and id (projections route on it); null if unknown. */
export function parseStreamId(streamId: string): { kind: StreamKind; id: string | null } | null {
  if (streamId === 'institution') return { kind: 'institution', id: null };
  if (streamId === 'question-bank') return { kind: 'questionBank', id: null };
  for (const [prefix, kind] of prefixes) {
    if (streamId.startsWith(prefix) && streamId.length > prefix.length) {
      return { kind, id: streamId.slice(prefix.length) };
    }
  }
  return null;
}
