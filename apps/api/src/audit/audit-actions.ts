/** What the audit log calls each kind of recorded action, and the events that record it. */
export const AUDIT_ACTION_EVENTS = {
  ENROLMENT: ['StudentEnrolled'],
  WITHDRAWAL: ['StudentWithdrawn'],
  SETTINGS_CHANGE: ['InstitutionSettingsChanged', 'InstitutionRenamed', 'IdentityProviderSet'],
  ADVISOR_ASSIGNMENT: ['AdvisorAssigned', 'AdvisorUnassigned'],
  STAFF_INVITED: ['StaffInvited', 'StaffInvitationResent'],
  STAFF_ACTIVATED: ['StaffActivated'],
  STAFF_DEACTIVATED: ['StaffDeactivated'],
  IDENTITY_LINKED: ['IdentityLinked'],
  EXPORT: ['StudentDataExported'],
  ERASURE: ['StudentErased', 'StaffMemberErased'],
  RETENTION_SWEEP: ['RetentionSweepCompleted'],
} as const;

export type AuditAction = keyof typeof AUDIT_ACTION_EVENTS;
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_EVENTS) as AuditAction[];

/**
 * Every audited event type. The partial index `events_audit_idx` (migration 1764700200000)
 * lists exactly these; a type added here needs a migration that widens it (a test checks).
 */
export const AUDITED_EVENT_TYPES: readonly string[] = Object.values(AUDIT_ACTION_EVENTS).flat();

const ACTION_OF_TYPE = new Map<string, AuditAction>(
  AUDIT_ACTIONS.flatMap((action) => AUDIT_ACTION_EVENTS[action].map((t) => [t, action] as const)),
);

export function auditActionOf(eventType: string): AuditAction {
  const action = ACTION_OF_TYPE.get(eventType);
  if (!action) throw new Error(`Event type ${eventType} is not audited`);
  return action;
}

/** The event types of these actions (all audited types when none are given). */
export function auditedTypesOf(actions: readonly AuditAction[] | null | undefined): string[] {
  if (!actions || actions.length === 0) return [...AUDITED_EVENT_TYPES];
  return [...new Set(actions.flatMap((a) => AUDIT_ACTION_EVENTS[a]))];
}
