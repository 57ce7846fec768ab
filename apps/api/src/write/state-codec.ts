/**
 * Aggregate states may hold Maps and Sets (the cohort's enrolled students); jsonb holds
 * neither. They are stored as tagged arrays and revived on load.
 */
const MAP = '$map';
const SET = '$set';

export function encodeState(state: unknown): string {
  // A replacer runs for every key; most states hold no Map or Set, so tag only where needed.
  return JSON.stringify(tagged(state));
}

function tagged(value: unknown): unknown {
  if (value instanceof Map) {
    return {
      [MAP]: [...(value as Map<unknown, unknown>).entries()].map(([k, v]) => [k, tagged(v)]),
    };
  }
  if (value instanceof Set) return { [SET]: [...value.values()].map(tagged) };
  if (Array.isArray(value)) return value.some(needsTag) ? value.map(tagged) : value;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (!Object.values(record).some(needsTag)) return value;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, tagged(v)]));
  }
  return value;
}

function needsTag(value: unknown): boolean {
  if (value instanceof Map || value instanceof Set) return true;
  if (Array.isArray(value)) return value.some(needsTag);
  if (value !== null && typeof value === 'object') return Object.values(value).some(needsTag);
  return false;
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
