// Pure helpers for seeds, benchmarks and tests. `decider-spec` is not here: it needs jest.
export * from './ids';
export * from './random';
export * from './journey';
export * from './in-memory';
