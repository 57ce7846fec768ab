/**
 * Aggregate states may hold Maps and Sets at their top level (a cohort's students, the question
 * bank's retired ids, a student's advisor notes); JSON holds neither. They are stored as tagged
 * arrays and revived on load. Only the top level is looked at: states are read and written on
 * every command and every rebuild batch, and a deep walk of large states showed in profiles.
 */
const MAP = '$map';
const SET = '$set';

export function encodeState(state: unknown): unknown {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return state;
  if (!hasCollection(state as Record<string, unknown>)) return state;
  return Object.fromEntries(
    Object.entries(state as Record<string, unknown>).map(([key, value]) => {
      if (value instanceof Map)
        return [key, { [MAP]: [...(value as Map<unknown, unknown>).entries()] }];
      if (value instanceof Set) return [key, { [SET]: [...(value as Set<unknown>).values()] }];
      return [key, value];
    }),
  );
}

/** Whether a top-level value is a Map or a Set (no entry pairs built per state written). */
function hasCollection(state: Record<string, unknown>): boolean {
  for (const value of Object.values(state)) {
    if (value instanceof Map || value instanceof Set) return true;
  }
  return false;
}

export function decodeState<S>(stored: unknown): S {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return stored as S;
  const entries = Object.entries(stored as Record<string, unknown>);
  if (!entries.some(([, v]) => isTagged(v))) return stored as S;
  return Object.fromEntries(
    entries.map(([key, value]) => {
      if (!isTagged(value)) return [key, value];
      const tagged = value as Record<string, unknown[]>;
      return [
        key,
        MAP in tagged ? new Map(tagged[MAP] as [unknown, unknown][]) : new Set(tagged[SET]),
      ];
    }),
  ) as S;
}

function isTagged(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    (MAP in value || SET in value)
  );
}
