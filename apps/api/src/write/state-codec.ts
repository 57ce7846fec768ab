/**
 * Aggregate states may hold Maps and Sets (the cohort's enrolled students); jsonb holds
 * neither. They are stored as tagged arrays and revived on load.
 */
const MAP = '$map';
const SET = '$set';

export function encodeState(state: unknown): string {
  return JSON.stringify(state, (_key, value: unknown) => {
    if (value instanceof Map) return { [MAP]: [...value.entries()] };
    if (value instanceof Set) return { [SET]: [...value.values()] };
    return value;
  });
}

export function decodeState<S>(stored: unknown): S {
  return revive(stored) as S;
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (MAP in record)
    return new Map((record[MAP] as [unknown, unknown][]).map(([k, v]) => [k, revive(v)]));
  if (SET in record) return new Set((record[SET] as unknown[]).map(revive));
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revive(v)]));
}
