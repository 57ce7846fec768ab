import { defaultInstitutionSettings } from '../institution/institution.settings';
import { followUpsOf } from './follow-ups';
import { day, events, progressOf } from './read-models.fixtures';
import { constantSettings, type SettingsAt } from './settings-timeline';

const e = events();
const settingsAt = constantSettings(defaultInstitutionSettings);
const ref = (interviewId: string, contactId: string) => ({ interviewId, contactId });

describe('followUpsOf', () => {
  it('given an enrolled student with nothing held, then only the target is owed', () => {
    const state = progressOf([e.enrolled(day(1))]);
    expect(followUpsOf(state, settingsAt, day(2), 3, { termEndDate: '2025-12-15' })).toEqual([
      {
        kind: 'reach_target',
        openedAt: day(1),
        dueAt: '2025-12-16T00:00:00.000Z',
        overdue: false,
        remaining: 3,
      },
    ]);
  });

  it('given a withdrawn student, then nothing is owed', () => {
    const state = progressOf([
      e.enrolled(day(1)),
      e.requested('i-1', 'k-1', day(2)),
      e.withdrawn(day(3)),
    ]);
    expect(followUpsOf(state, settingsAt, day(30), 3)).toEqual([]);
  });

  it('given a request without reply, then a nudge is due after nudgeAfterDays, twice at most', () => {
    const open = [e.enrolled(day(1)), e.requested('i-1', 'k-1', day(2))];
    expect(followUpsOf(progressOf(open), settingsAt, day(10), 0)).toEqual([
      { kind: 'nudge', openedAt: day(2), dueAt: day(9), overdue: true, ...ref('i-1', 'k-1') },
    ]);
    const once = [...open, e.nudged('i-1', 'k-1', day(9), 1)];
    expect(followUpsOf(progressOf(once), settingsAt, day(10), 0)).toEqual([
      { kind: 'nudge', openedAt: day(9), dueAt: day(16), overdue: false, ...ref('i-1', 'k-1') },
    ]);
    const twice = [...once, e.nudged('i-1', 'k-1', day(16), 2)];
    expect(followUpsOf(progressOf(twice), settingsAt, day(30), 0)).toEqual([]);
  });

  it('given a reply, then the nudge closes', () => {
    const state = progressOf([
      e.enrolled(day(1)),
      e.requested('i-1', 'k-1', day(2)),
      e.accepted('i-1', 'k-1', day(3)),
    ]);
    expect(followUpsOf(state, settingsAt, day(20), 0)).toEqual([]);
  });

  it('given a scheduled interview, then preparation shows within prepareBeforeDays of it', () => {
    const history = [
      e.enrolled(day(1)),
      e.requested('i-1', 'k-1', day(2)),
      e.scheduled('i-1', 'k-1', day(3), day(20, 16)),
    ];
    expect(followUpsOf(progressOf(history), settingsAt, day(17), 0)).toEqual([]);
    expect(followUpsOf(progressOf(history), settingsAt, day(18), 0)).toEqual([
      {
        kind: 'prepare',
        openedAt: day(17, 16),
        dueAt: day(20, 16),
        overdue: false,
        ...ref('i-1', 'k-1'),
      },
    ]);
    const prepared = [...history, e.prepared('i-1', 'k-1', day(18))];
    expect(followUpsOf(progressOf(prepared), settingsAt, day(19), 0)).toEqual([]);
  });

  it('given a held interview, then a thank-you is due and overdue after the window', () => {
    const history = [e.enrolled(day(1)), e.held('i-1', 'k-1', day(10), { withoutRequest: true })];
    expect(followUpsOf(progressOf(history), settingsAt, day(14), 0)).toEqual([
      { kind: 'thank_you', openedAt: day(10), dueAt: day(13), overdue: true, ...ref('i-1', 'k-1') },
    ]);
  });

  it('given the thank-you, then staying in touch is due stayInTouchDays after the last contact', () => {
    const history = [
      e.enrolled(day(1)),
      e.held('i-1', 'k-1', day(10)),
      e.thanked('i-1', 'k-1', day(11)),
      e.touchpoint('i-1', 'k-1', day(20)),
    ];
    expect(followUpsOf(progressOf(history), settingsAt, day(21), 0)).toEqual([
      {
        kind: 'stay_in_touch',
        openedAt: day(20),
        dueAt: '2025-11-19T09:00:00.000Z',
        overdue: false,
        ...ref('i-1', 'k-1'),
      },
    ]);
    const archived = [...history, e.archived('k-1', day(22))];
    expect(followUpsOf(progressOf(archived), settingsAt, day(23), 0)).toEqual([]);
  });

  it('given referrals, then reaching out is due until a request goes to the referred contact', () => {
    const history = [
      e.enrolled(day(1)),
      e.held('i-1', 'k-1', day(10)),
      e.thanked('i-1', 'k-1', day(10, 18)),
      e.referrals('i-1', 'k-1', day(11), [{ contactId: 'k-2' }, { contactId: 'k-3' }]),
      e.requested('i-2', 'k-3', day(12)),
    ];
    const items = followUpsOf(progressOf(history), settingsAt, day(19), 0);
    expect(items.filter((i) => i.kind === 'reach_out_to_referral')).toEqual([
      {
        kind: 'reach_out_to_referral',
        openedAt: day(11),
        dueAt: day(18),
        overdue: true,
        interviewId: 'i-1',
        contactId: 'k-2',
      },
    ]);
  });

  it('given settings that changed, then each item uses the settings from when it opened', () => {
    const settingsChanged: SettingsAt = (at) =>
      at < day(5)
        ? { ...defaultInstitutionSettings, nudgeAfterDays: 3 }
        : { ...defaultInstitutionSettings, nudgeAfterDays: 10 };
    const state = progressOf([
      e.enrolled(day(1)),
      e.requested('i-1', 'k-1', day(2)),
      e.requested('i-2', 'k-2', day(6)),
    ]);
    expect(followUpsOf(state, settingsChanged, day(7), 0).map((i) => i.dueAt)).toEqual([
      day(5),
      day(16),
    ]);
  });

  it('given several kinds, then thank-yous come first, overdue first, and the target last', () => {
    const state = progressOf([
      e.enrolled(day(1)),
      e.held('i-1', 'k-1', day(2)),
      e.held('i-2', 'k-2', day(9)),
      e.requested('i-3', 'k-3', day(3)),
      e.referrals('i-1', 'k-1', day(3), [{ contactId: 'k-4' }]),
    ]);
    expect(
      followUpsOf(state, settingsAt, day(11), 3).map((i) => [i.kind, i.interviewId, i.overdue]),
    ).toEqual([
      ['thank_you', 'i-1', true],
      ['thank_you', 'i-2', false],
      ['nudge', 'i-3', true],
      ['reach_out_to_referral', 'i-1', true],
      ['reach_target', undefined, false],
    ]);
  });
});
