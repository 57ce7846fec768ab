import { type DomainEvent } from '../domain';
import {
  defaultInstitutionSettings,
  type InstitutionSettings,
} from '../institution/institution.settings';
import { compareStrings, instant } from './instants';

/** The institution's settings in force at an instant (due dates use those of the item's opening). */
export type SettingsAt = (at: string) => InstitutionSettings;

/** Settings as they changed over time, sorted by `at`: plain JSON, fit for a read-model row. */
export type SettingsTimeline = { at: string; settings: InstitutionSettings }[];

/** Adds an institution event to the timeline; every other event leaves it as it is. */
export function evolveSettingsTimeline(
  timeline: SettingsTimeline,
  event: DomainEvent,
): SettingsTimeline {
  if (event.type !== 'InstitutionRegistered' && event.type !== 'InstitutionSettingsChanged') {
    return timeline;
  }
  // Settings added later read as their defaults in events recorded before them.
  const entry = {
    at: instant(event.data.at),
    settings: { ...defaultInstitutionSettings, ...event.data.settings },
  };
  // Sorted insert keeps the timeline the same whatever order the events are folded in.
  return [...timeline, entry].sort(
    (a, b) =>
      compareStrings(a.at, b.at) ||
      compareStrings(JSON.stringify(a.settings), JSON.stringify(b.settings)),
  );
}

/**
 * Looks settings up in a timeline: the latest entry at or before the instant; before the first
 * entry the first one (the institution's registration), and the defaults for an empty timeline.
 */
export function settingsAtFrom(timeline: SettingsTimeline): SettingsAt {
  return (at) => {
    if (timeline.length === 0) return defaultInstitutionSettings;
    const when = instant(at);
    let found = timeline[0].settings;
    for (const entry of timeline) {
      if (entry.at > when) break;
      found = entry.settings;
    }
    return found;
  };
}

/** A constant lookup, for callers that only know today's settings. */
export function constantSettings(settings: InstitutionSettings): SettingsAt {
  return () => settings;
}

export function asSettingsAt(settings: InstitutionSettings | SettingsAt): SettingsAt {
  return typeof settings === 'function' ? settings : constantSettings(settings);
}
