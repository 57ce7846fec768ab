// Weekly digests and transactional mail: when they are due, what they say, how they look and
// how they are sent; the signed tokens of their links.
// Everything but mail-transport is pure (no I/O, no clock); no NestJS here, the app wires it.
export * from './digest-slot';
export * from './digest-content';
export * from './digest-render';
export * from './html';
export * from './signed-token';
export * from './unsubscribe-token';
export * from './email-confirmation';
export * from './welcome';
export * from './staff-invitation';
export * from './mail-transport';
export * from './student-links';
export * from './calendar-feed';
export * from './sign-in-link';
export * from './advisor-links';
export * from './follow-up-steps';
