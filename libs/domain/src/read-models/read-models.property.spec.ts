import { cohortDecider } from '../cohort/cohort.decider';
import { contactDecider } from '../contact/contact.decider';
import { contactRelationships } from '../contact/contact.events';
import { streamIdForCommand, type DomainCommand, type DomainEvent } from '../domain';
import {
  defaultInstitutionSettings,
  type InstitutionSettings,
} from '../institution/institution.settings';
import { type InterviewCommand } from '../interview/interview.commands';
import { interviewDecider } from '../interview/interview.decider';
import { interviewFormats, touchpointKinds } from '../interview/interview.events';
import { allowedInterviewCommands, type InterviewState } from '../interview/interview.state';
import { addContactsForReferrals, registerStudentOnEnrollment } from '../policies/reactions.policy';
import { addDays, addMinutes } from '../shared/dates';
import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { parseStreamId, streamIds } from '../shared/stream-ids';
import { studentDecider } from '../student/student.decider';
import { idsIn } from '../testing/ids';
import {
  type Persona,
  personas,
  reactionsTo,
  smallPlans,
  studentJourney,
} from '../testing/journey';
import { Rng } from '../testing/random';
import { cohortDashboard } from './cohort-dashboard';
import { compareFollowUps, followUpsOf } from './follow-ups';
import { summarizeProgress } from './progress-summary';
import { referralNetwork, sharedProfessionals } from './referral-network';
import { riskOf } from './risk';
import { evolveSettingsTimeline, settingsAtFrom, type SettingsTimeline } from './settings-timeline';
import {
  evolveStudentProgress,
  evolveStudentProgressInPlace,
  foldAsOf,
  initialStudentProgress,
  studentIdOf,
  type StudentProgress,
} from './student-progress';
import { describeEvent } from './timeline';

// ---- Valid histories, decided by the real deciders ----------------------------------------

const COHORT = { cohortId: 'c-1', startDate: '2025-09-01', endDate: '2025-12-15', target: 3 };
const deciders: Record<string, Decider<DomainCommand, DomainEvent, unknown>> = {
  cohort: cohortDecider,
  student: studentDecider,
  contact: contactDecider,
  interview: interviewDecider,
};

interface History {
  events: DomainEvent[];
  studentIds: string[];
  interviewStates: Map<string, InterviewState>;
}

class World {
  readonly states = new Map<string, unknown>();

  /** Decides against the stream's state; a rejected command records nothing (or throws). */
  run(kind: keyof typeof deciders, command: DomainCommand, strict = false): DomainEvent[] {
    const decider = deciders[kind];
    const stream = streamIdForCommand(command);
    const state = this.states.has(stream) ? this.states.get(stream) : decider.initialState();
    const result = decider.decide(command, state);
    if (result instanceof DomainError) {
      if (strict) throw new Error(`${command.type} rejected: ${result.message}`);
      return [];
    }
    this.states.set(
      stream,
      result.reduce((s, e) => decider.evolve(s, e), state),
    );
    return result;
  }

  /** A command that must be accepted (a rejection throws), then the API's reactions to it. */
  runAccepted(command: DomainCommand): DomainEvent[] {
    const kind = parseStreamId(streamIdForCommand(command))?.kind;
    if (!kind || !(kind in deciders)) throw new Error(`${command.type}: no decider here`);
    const events = this.run(kind, command, true);
    return [...events, ...reactionsTo(events).flatMap((reaction) => this.runAccepted(reaction))];
  }

  interview(id: string): InterviewState {
    return (this.states.get(streamIds.interview(id)) as InterviewState) ?? { status: 'none' };
  }
}

/**
 * A student's term from the shared journey generator (what the demo and the bench seed), in time
 * order; every command must be accepted.
 */
function journeyBatches(world: World, rng: Rng, h: number, studentId: string, base: string) {
  const steps = studentJourney({
    studentId,
    persona: rng.pick<Persona>(personas),
    rng,
    ids: idsIn(`property-${h}`),
    clock: { start: new Date(base), now: new Date(addDays(base, 84)), lastRequestDay: 78 },
    plans: smallPlans,
  });
  // Each stream's steps are in time order already; a stable sort keeps them so.
  steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return steps.map(({ command }) => world.runAccepted(command));
}

function generateHistory(rng: Rng, h: number, journeys = false): History {
  const world = new World();
  const base = addMinutes('2025-09-01T08:00:00.000Z', rng.between(0, 60 * 24 * 10));
  const studentIds = Array.from({ length: rng.between(2, 4) }, (_, n) => `h${h}-s${n}`);

  const cohortEvents = [
    ...world.run('cohort', {
      type: 'CreateCohort',
      data: { ...COHORT, name: 'Fall', term: 'Fall 2025', at: base },
    }),
    ...world.run('cohort', {
      type: 'EnrollStudents',
      data: {
        cohortId: COHORT.cohortId,
        rows: studentIds.map((studentId) => ({
          studentId,
          name: `Student ${studentId}`,
          email: `${studentId}@uni.edu`,
        })),
        at: addMinutes(base, 60),
      },
    }),
  ];

  const queues = studentIds.map((studentId) => {
    const enrolled = cohortEvents.find(
      (e) => e.type === 'StudentEnrolled' && e.data.studentId === studentId,
    );
    if (enrolled?.type !== 'StudentEnrolled') throw new Error('enrolment failed');
    const batches: DomainEvent[][] = [
      [enrolled, ...world.run('student', registerStudentOnEnrollment(enrolled))],
    ];
    if (journeys) return [...batches, ...journeyBatches(world, rng, h, studentId, base)];
    let clock = enrolled.data.at;
    const contacts: string[] = [];
    const interviews: string[] = [];
    let nextId = 0;
    const newId = (prefix: string) => `${prefix}-${studentId}-${(nextId += 1)}`;

    const addContact = (at: string) => {
      const contactId = newId('k');
      contacts.push(contactId);
      return world.run('contact', {
        type: 'AddContact',
        data: {
          contactId,
          studentId,
          relationship: rng.pick(contactRelationships),
          organization: rng.pick(['Acme', 'acme inc', 'Globex', null]),
          role: rng.pick(['Engineer', 'Designer', null]),
          industry: rng.pick(['Tech', 'Finance', null]),
          personal: { name: 'Pat Doe' },
          at,
        },
      });
    };

    const steps = rng.between(4, 30);
    for (let step = 0; step < steps; step += 1) {
      clock = addMinutes(clock, rng.between(60, 60 * 72));
      const at = clock;
      const batch: DomainEvent[] = [];
      const roll = rng.next();
      if (contacts.length < 2 || roll < 0.12) {
        batch.push(...addContact(at));
      } else if (roll < 0.2) {
        const interviewId = newId('i');
        interviews.push(interviewId);
        batch.push(
          ...world.run('interview', {
            type: 'RecordInterviewHeld',
            data: {
              interviewId,
              studentId,
              contactId: rng.pick(contacts),
              heldAt: addMinutes(at, -rng.between(0, 600)),
              format: rng.pick([...interviewFormats, null]),
              personal: {},
              at,
            },
          }),
        );
      } else if (roll < 0.4 || interviews.length === 0) {
        const interviewId = newId('i');
        interviews.push(interviewId);
        batch.push(
          ...world.run('interview', {
            type: 'SendRequest',
            data: {
              interviewId,
              studentId,
              contactId: rng.pick(contacts),
              channel: rng.pick(['email', 'linkedin', 'phone'] as const),
              askMinutes: 30,
              proposedFormats: ['coffee'],
              at,
            },
          }),
        );
      } else if (roll < 0.45) {
        const contactId = rng.pick(contacts);
        batch.push(
          ...(rng.chance(0.5)
            ? world.run('contact', {
                type: 'UpdateContact',
                data: { contactId, relationship: rng.pick(contactRelationships), at },
              })
            : world.run('contact', { type: 'ArchiveContact', data: { contactId, at } })),
        );
      } else if (roll < 0.48) {
        batch.push(
          ...world.run('student', {
            type: 'SetDigestPreference',
            data: { studentId, preference: rng.pick(['weekly', 'off'] as const), at },
          }),
        );
      } else {
        const interviewId = rng.pick(interviews);
        const state = world.interview(interviewId);
        const allowed = allowedInterviewCommands(state.status).filter(
          (type) => type !== 'SendRequest',
        );
        if (state.status === 'none' || allowed.length === 0) continue;
        const type = rng.pick(allowed);
        // Meetings happen at their time: jump the clock past it when the command needs that.
        if (
          state.scheduledFor &&
          state.status === 'scheduled' &&
          (type === 'RecordNoShow' || type === 'RecordInterviewHeld')
        ) {
          clock = addMinutes(state.scheduledFor > clock ? state.scheduledFor : clock, 60);
        }
        const when = clock;
        const command = interviewCommand(rng, type, interviewId, state, when, newId);
        if (command === null) continue;
        const decided = world.run('interview', command);
        batch.push(...decided);
        for (const event of decided) {
          if (event.type !== 'ReferralsReceived') continue;
          for (const add of addContactsForReferrals(event)) {
            contacts.push(add.data.contactId);
            batch.push(...world.run('contact', add));
          }
        }
      }
      if (batch.length > 0) batches.push(batch);
    }
    if (rng.chance(0.1)) {
      clock = addMinutes(clock, 60);
      batches.push(
        world.run('cohort', {
          type: 'WithdrawStudent',
          data: { cohortId: COHORT.cohortId, studentId, at: clock },
        }),
      );
    }
    return batches;
  });

  // Institution settings change now and then; their events sit anywhere in the stream.
  const institution: DomainEvent[] = [
    {
      type: 'InstitutionRegistered',
      data: {
        name: 'Uni',
        slug: 'uni',
        timeZone: 'UTC',
        settings: defaultInstitutionSettings,
        at: addDays(base, -1),
      },
    },
    ...Array.from({ length: rng.between(0, 2) }, (): DomainEvent => {
      const settings: InstitutionSettings = {
        ...defaultInstitutionSettings,
        thankYouWindowDays: rng.between(1, 7),
        nudgeAfterDays: rng.between(2, 14),
        prepareBeforeDays: rng.between(1, 5),
        referralFollowUpDays: rng.between(3, 14),
        stayInTouchDays: rng.between(20, 90),
      };
      return {
        type: 'InstitutionSettingsChanged',
        data: {
          timeZone: 'UTC',
          settings,
          changed: ['thankYouWindowDays'],
          at: addMinutes(base, rng.between(0, 60 * 24 * 60)),
        },
      };
    }),
  ];

  // Interleave students' batches (each student's own order is kept), as commits would.
  const events: DomainEvent[] = [institution[0], cohortEvents[0]];
  const pending = [...institution.slice(1).map((e) => [[e]]), ...queues];
  while (pending.some((q) => q.length > 0)) {
    const queue = rng.pick(pending.filter((q) => q.length > 0));
    events.push(...(queue.shift() ?? []));
  }

  const interviewStates = new Map<string, InterviewState>();
  for (const [stream, state] of world.states) {
    if (stream.startsWith(streamIds.interview(''))) {
      const s = state as InterviewState;
      if (s.status !== 'none') interviewStates.set(s.interviewId, s);
    }
  }
  return { events, studentIds, interviewStates };
}

function interviewCommand(
  rng: Rng,
  type: InterviewCommand['type'],
  interviewId: string,
  state: Exclude<InterviewState, { status: 'none' }>,
  at: string,
  newId: (prefix: string) => string,
): InterviewCommand | null {
  const target = { interviewId, at };
  switch (type) {
    case 'SendRequest':
      return null;
    case 'NudgeRequest':
    case 'RecordAcceptance':
    case 'CloseUnanswered':
      return { type, data: target };
    case 'RecordDecline':
      return { type, data: { ...target, personal: { reason: 'Busy' } } };
    case 'ScheduleInterview':
      return {
        type,
        data: {
          ...target,
          scheduledFor: addMinutes(at, rng.between(60, 60 * 24 * 10)),
          format: rng.pick(interviewFormats),
          durationMinutes: 30,
        },
      };
    case 'RescheduleInterview':
      return {
        type,
        data: { ...target, scheduledFor: addMinutes(at, rng.between(60, 60 * 24 * 5)) },
      };
    case 'CancelInterview':
      return { type, data: { ...target, cancelledBy: rng.pick(['student', 'contact'] as const) } };
    case 'RecordNoShow':
      return { type, data: { ...target, missedBy: rng.pick(['student', 'contact'] as const) } };
    case 'RecordPreparation':
      return { type, data: { ...target, questionIds: ['q-typical-day'], personal: {} } };
    case 'RecordInterviewHeld':
      return {
        type,
        data: {
          ...target,
          studentId: state.studentId,
          contactId: state.contactId,
          heldAt:
            state.status === 'scheduled' && state.scheduledFor
              ? state.scheduledFor
              : addMinutes(at, -30),
          questionIdsAsked: rng.chance(0.5) ? ['q-anyone-else'] : ['q-trends'],
          personal: { notes: 'private' },
        },
      };
    case 'RecordThankYou':
      return { type, data: { ...target, sentAt: at, channel: 'email' } };
    case 'RecordReferrals':
      return {
        type,
        data: {
          ...target,
          referrals: Array.from({ length: rng.between(1, 2) }, () => ({
            contactId: newId('k'),
            name: 'Sam Roe',
            organization: rng.pick(['Acme', 'Globex', null]),
            role: rng.pick(['Engineer', null]),
          })),
        },
      };
    case 'RequestShadowing':
      return { type, data: { ...target, kind: rng.pick(['shadowing', 'site_visit'] as const) } };
    case 'RecordTouchpoint':
      return { type, data: { ...target, kind: rng.pick(touchpointKinds) } };
    default: {
      const _exhaustive: never = type;
      return _exhaustive;
    }
  }
}

// ---- Projection-style folds ----------------------------------------------------------------

type States = Record<string, StudentProgress>;

/** What a projection does: route by student, fold, store as JSON. */
function project(states: States, events: readonly DomainEvent[]): States {
  const next = { ...states };
  for (const event of events) {
    const studentId = studentIdOf(event);
    if (studentId === null) continue;
    next[studentId] = evolveStudentProgress(
      next[studentId] ?? initialStudentProgress(studentId),
      event,
    );
  }
  return next;
}

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function asOfAll(history: History, asOf: string, from?: States, events = history.events): States {
  return Object.fromEntries(
    history.studentIds.map((id) => [
      id,
      foldAsOf(from?.[id] ?? initialStudentProgress(id), events, asOf),
    ]),
  );
}

/** The last instant at or before which each student's events were recorded, in commit order. */
function truncated(history: History, asOf: string): States {
  const states: States = {};
  for (const id of history.studentIds) {
    const own = history.events.filter((e) => studentIdOf(e) === id);
    const cut = own.findIndex((e) => e.data.at > asOf);
    const prefix = cut === -1 ? own : own.slice(0, cut);
    states[id] = prefix.reduce(evolveStudentProgress, initialStudentProgress(id));
  }
  return states;
}

function views(states: States, history: History, settingsTimeline: SettingsTimeline, asOf: string) {
  const settingsAt = settingsAtFrom(settingsTimeline);
  const students = history.studentIds.map((id) => states[id] ?? initialStudentProgress(id));
  return {
    perStudent: students.map((progress) => {
      const summary = summarizeProgress(progress, settingsAt, { asOf, target: COHORT.target });
      const followUps = followUpsOf(progress, settingsAt, asOf, COHORT.target, {
        termEndDate: COHORT.endDate,
      });
      return {
        summary,
        followUps,
        risk: riskOf(summary, followUps, COHORT, asOf),
        network: referralNetwork(progress),
      };
    }),
    dashboard: cohortDashboard(students, COHORT, settingsAt, asOf),
    shared: sharedProfessionals(students),
  };
}

// ---- The properties -------------------------------------------------------------------------

/** Random walks over every interview command, then journeys from the shared generator. */
const WALKS = 200;
const HISTORIES = WALKS + 25;

describe('read models over random valid histories', () => {
  const histories = Array.from({ length: HISTORIES }, (_, h) => ({
    rng: new Rng(0x5eed + h * 7919),
    history: generateHistory(new Rng(1000 + h), h, h >= WALKS),
  }));

  it('given the generator, then histories are non-trivial', () => {
    const held = histories.filter(({ history }) =>
      history.events.some((e) => e.type === 'InterviewHeld'),
    );
    const referrals = histories.filter(({ history }) =>
      history.events.some((e) => e.type === 'ReferralsReceived'),
    );
    expect(held.length).toBeGreaterThan(HISTORIES / 2);
    expect(referrals.length).toBeGreaterThan(HISTORIES / 10);
  });

  it('(a) given all events at once or in random batches stored as JSON, then states are equal', () => {
    for (const { rng, history } of histories) {
      const all = project({}, history.events);
      let incremental: States = {};
      let rest = history.events;
      while (rest.length > 0) {
        const size = rng.between(1, Math.max(1, Math.ceil(rest.length / 3)));
        incremental = json(project(incremental, rest.slice(0, size)));
        rest = rest.slice(size);
      }
      expect(incremental).toStrictEqual(all);
      // Plain JSON: a round trip changes nothing (no Map, Set, Date or undefined).
      expect(json(all)).toStrictEqual(all);
      // The projection agrees with the write side's own state machine.
      for (const [interviewId, state] of history.interviewStates) {
        if (state.status === 'none') continue;
        const progress = all[state.studentId].interviews[interviewId];
        expect({ id: interviewId, status: progress.status, held: progress.heldAt }).toEqual({
          id: interviewId,
          status: state.status,
          held: state.heldAt,
        });
        expect(progress.thankYouSentAt).toBe(state.thankYouSentAt);
        expect(progress.nudgedAt.length).toBe(state.nudgeCount);
      }
    }
  });

  it('(b) given random instants, then folding events up to T equals the history truncated at T', () => {
    for (const { rng, history } of histories) {
      const instants = history.events.map((e) => e.data.at).sort();
      for (let k = 0; k < 4; k += 1) {
        const T = rng.chance(0.3)
          ? rng.pick(instants)
          : addMinutes(instants[0], rng.between(0, 60 * 24 * 120));
        const asOf = asOfAll(history, T);
        expect(asOf).toStrictEqual(truncated(history, T));
        // From a snapshot taken at an earlier instant, then the rest up to T.
        const T0 = addMinutes(T, -rng.between(0, 60 * 24 * 30));
        const snapshot = json(asOfAll(history, T0));
        const later = history.events.filter((e) => e.data.at > T0);
        expect(asOfAll(history, T, snapshot, later)).toStrictEqual(asOf);
      }
      // Order does not matter at all: a shuffled stream folds to the same state.
      expect(project({}, rng.shuffle(history.events))).toStrictEqual(project({}, history.events));
    }
  });

  it('(d) given in-place folding with copies kept along the way, then every state equals the pure fold', () => {
    for (const { rng, history } of histories) {
      // Pure states before each event, to compare the copies with.
      const pure: States[] = [];
      let states: States = {};
      for (const event of history.events) {
        pure.push(states);
        states = project(states, [event]);
      }
      const frozen = json(pure);
      const owned: States = {};
      const kept: { index: number; studentId: string; copy: StudentProgress }[] = [];
      history.events.forEach((event, index) => {
        const studentId = studentIdOf(event);
        if (studentId === null) return;
        // A copy now and then (as a projection keeps a snapshot), folding carries on in place.
        if (owned[studentId] && rng.chance(0.2))
          kept.push({ index, studentId, copy: structuredClone(owned[studentId]) });
        const state = owned[studentId] ?? initialStudentProgress(studentId);
        owned[studentId] = evolveStudentProgressInPlace(state, event);
        expect(owned[studentId]).toBe(state);
      });
      expect(json(owned)).toStrictEqual(json(states));
      expect(owned).toStrictEqual(states);
      for (const { index, studentId, copy } of kept) {
        expect(copy).toStrictEqual(frozen[index][studentId]);
      }
      // The pure fold never changed a state it was given.
      expect(json(pure)).toStrictEqual(frozen);
    }
  });

  it('(c) given equal states, then summaries, follow-ups, risks and dashboards are identical', () => {
    for (const { rng, history } of histories) {
      const timeline = history.events.reduce(evolveSettingsTimeline, [] as SettingsTimeline);
      const shuffledTimeline = rng
        .shuffle(history.events)
        .reduce(evolveSettingsTimeline, [] as SettingsTimeline);
      expect(shuffledTimeline).toStrictEqual(timeline);
      const a = project({}, history.events);
      const b = json(project({}, rng.shuffle(history.events)));
      const last =
        history.events
          .map((e) => e.data.at)
          .sort()
          .at(-1) ?? '';
      const asOf = addMinutes(last, rng.between(0, 60 * 24 * 20));
      const first = views(a, history, timeline, asOf);
      expect(JSON.stringify(views(b, history, shuffledTimeline, asOf))).toBe(JSON.stringify(first));
      for (const { followUps, summary } of first.perStudent) {
        expect([...followUps].sort(compareFollowUps)).toEqual(followUps);
        expect(summary.requests.accepted).toBeLessThanOrEqual(summary.requests.sent);
      }
      const counts = first.dashboard.funnel.slice(1, 5).map((s) => s.count);
      expect(counts).toEqual([...counts].sort((x, y) => y - x));
      for (const event of history.events) {
        expect(describeEvent(event, null)).toEqual(describeEvent(event, null));
      }
    }
  });
});
