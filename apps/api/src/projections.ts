import type { Projection } from '@rapport/event-store';
import { identityLinksProjection } from './identity/identity-links.projection';
import { nudgeEffectProjection } from './nudge-effect/nudge-effect.projection';
import { studentProgressProjection } from './progress/student-progress.projection';
import { aggregateStateProjection } from './write/aggregate-state.projection';

/** Every read model fed by the event store, inline and async. */
export const projections: readonly Projection[] = [
  aggregateStateProjection,
  studentProgressProjection,
  identityLinksProjection,
  nudgeEffectProjection,
];
