import { type DomainEvent } from '../domain';
import { defaultInstitutionSettings } from '../institution/institution.settings';
import { day } from './read-models.fixtures';
import { evolveSettingsTimeline, settingsAtFrom, type SettingsTimeline } from './settings-timeline';

const registered: DomainEvent = {
  type: 'InstitutionRegistered',
  data: {
    name: 'Uni',
    slug: 'uni',
    timeZone: 'Europe/Berlin',
    settings: defaultInstitutionSettings,
    at: day(1),
  },
};
const changed: DomainEvent = {
  type: 'InstitutionSettingsChanged',
  data: {
    timeZone: 'Europe/Berlin',
    settings: { ...defaultInstitutionSettings, thankYouWindowDays: 5 },
    changed: ['thankYouWindowDays'],
    at: day(10),
  },
};

describe('settings timeline', () => {
  it('given registration and a change, then lookups return the settings in force', () => {
    const timeline = [changed, registered].reduce(evolveSettingsTimeline, [] as SettingsTimeline);
    const settingsAt = settingsAtFrom(timeline);
    expect(timeline.map((entry) => entry.at)).toEqual([day(1), day(10)]);
    expect(settingsAt('2025-08-01T00:00:00Z').thankYouWindowDays).toBe(3);
    expect(settingsAt(day(9)).thankYouWindowDays).toBe(3);
    expect(settingsAt(day(10)).thankYouWindowDays).toBe(5);
  });

  it('given no institution events, then the defaults apply', () => {
    expect(settingsAtFrom([])(day(1))).toBe(defaultInstitutionSettings);
  });
});
