import type { Projection } from '@rapport/event-store';

/** Every read model fed by the event store, inline and async. */
export const projections: readonly Projection[] = [];
