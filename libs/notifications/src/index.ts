// Weekly digests: when they are due, what they say, how they look and how they are sent.
// Everything but mail-transport is pure (no I/O, no clock); no NestJS here, the app wires it.
export * from './digest-slot';
export * from './digest-content';
export * from './digest-render';
export * from './html';
export * from './unsubscribe-token';
export * from './mail-transport';
