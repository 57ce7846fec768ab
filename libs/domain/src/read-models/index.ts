// Read-model reducers behind the advisor dashboards: pure, plain-JSON states, no clock.
export * from './student-progress';
export * from './settings-timeline';
export * from './progress-summary';
export * from './follow-ups';
export * from './risk';
export * from './cohort-dashboard';
export * from './referral-network';
export * from './timeline';
export * from './nudge-effect';
