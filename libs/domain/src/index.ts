// The pure domain of Rapport: events, commands, deciders and policies. No I/O, no clock.
// `testing/decider-spec` is deliberately not exported: it needs jest's `expect`.

export * from './shared/decider';
export * from './shared/domain-error';
export * from './shared/dates';
export * from './shared/validation';
export * from './shared/stream-ids';

export * from './institution/institution.settings';
export * from './institution/institution.events';
export * from './institution/institution.commands';
export * from './institution/institution.decider';

export * from './cohort/cohort.events';
export * from './cohort/cohort.commands';
export * from './cohort/cohort.enrollment';
export * from './cohort/cohort.decider';

export * from './student/student.events';
export * from './student/student.commands';
export * from './student/student.decider';

export * from './contact/contact.events';
export * from './contact/contact.commands';
export * from './contact/contact.decider';

export * from './interview/interview.events';
export * from './interview/interview.commands';
export * from './interview/interview.state';
export * from './interview/interview.decider';

export * from './question-bank/question-bank.defaults';
export * from './question-bank/question-bank.events';
export * from './question-bank/question-bank.commands';
export * from './question-bank/question-bank.decider';

export * from './advisor-notes/advisor-notes.events';
export * from './advisor-notes/advisor-notes.commands';
export * from './advisor-notes/advisor-notes.decider';

export * from './identity/identity.events';
export * from './identity/identity.commands';
export * from './identity/identity.decider';
export * from './staff/staff.events';
export * from './staff/staff.commands';
export * from './staff/staff.decider';

export * from './policies/reactions.policy';

export * from './domain';
export * from './deciders';

export * from './read-models';
export * from './privacy/personal-data';
export * from './privacy/erasure';

// Deterministic ids, the seeded random generator and the journey generator (not decider-spec).
export * from './testing';
