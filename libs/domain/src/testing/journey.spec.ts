import { type DomainCommand, streamIdForCommand } from '../domain';
import { deterministicId, idsIn, seedFrom, sha256Hex, uuidV8 } from './ids';
import { InMemoryStreams } from './in-memory';
import {
  type JourneyOptions,
  type JourneyStep,
  type Persona,
  personas,
  personaWeights,
  type PersonaPlan,
  smallPlans,
  studentJourney,
  termPlans,
} from './journey';
import { Rng } from './random';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DAY = 86_400_000;
const start = new Date('2026-09-07T00:00:00.000Z');
const now = new Date(start.getTime() + 84 * DAY);
const ids = idsIn('journey-spec');

describe('deterministic ids', () => {
  it('hashes with SHA-256 (FIPS 180-4 vectors, one and two blocks, UTF-8)', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256Hex('a'.repeat(1_000_000))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
    // Multi-byte UTF-8 (the value node:crypto gives for the same text).
    expect(sha256Hex('é – 日本')).toBe(
      '534e83049971c41b134ab388ffbe670b05e6553eb0fa8dfca1b7edf456ab4d59',
    );
  });

  it('gives the same RFC 9562 version-8 UUID for the same namespace and parts, and another for others', () => {
    const id = deterministicId('rapport-demo', 'student', 3);
    expect(id).toMatch(UUID_V8);
    expect(deterministicId('rapport-demo', 'student', 3)).toBe(id);
    expect(deterministicId('rapport-demo', 'student', 4)).not.toBe(id);
    expect(deterministicId('rapport-bench', 'student', 3)).not.toBe(id);
    // Parts are separated: moving a character between parts is another id.
    expect(deterministicId('n', 'a', 'bc')).not.toBe(deterministicId('n', 'ab', 'c'));
    expect(ids('interview', 's1', 0)).toBe(deterministicId('journey-spec', 'interview', 's1', 0));
    // Every variant nibble comes out as 8, 9, a or b.
    const variants = new Set(
      Array.from({ length: 200 }, (_, i) => deterministicId('v', i)[19]).values(),
    );
    expect([...variants].sort()).toEqual(['8', '9', 'a', 'b']);
    expect(uuidV8('0123456789abcdef0123456789abcdef')).toBe('01234567-89ab-8def-8123-456789abcdef');
  });

  it('derives a 32-bit seed from a readable key, the same on every run', () => {
    expect(seedFrom('s000001')).toBe(seedFrom('s000001'));
    expect(seedFrom('s000001')).not.toBe(seedFrom('s000002'));
    expect(seedFrom('')).toBe(2166136261);
  });
});

describe('seeded random generator', () => {
  it('repeats its sequence for the same seed and stays in range', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const draws = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(draws);
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Rng(43).next()).not.toBe(draws[0]);

    const r = new Rng(7);
    const ints = Array.from({ length: 2000 }, () => r.between(2, 5));
    expect(new Set(ints)).toEqual(new Set([2, 3, 4, 5]));
    expect(Array.from({ length: 2000 }, () => r.int(3)).every((n) => n >= 0 && n < 3)).toBe(true);
    const items = [1, 2, 3, 4, 5, 6];
    const shuffled = r.shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(Array.from({ length: 500 }, () => r.weighted(personaWeights)))).toEqual(
      new Set(personas),
    );
  });
});

function journey(seed: number, persona: Persona, plans: Record<Persona, PersonaPlan>) {
  const options: JourneyOptions = {
    studentId: `s${seed}`,
    persona,
    rng: new Rng(seed),
    ids,
    clock: { start, now, lastRequestDay: plans === termPlans ? 78 : 62 },
    plans,
  };
  return studentJourney(options);
}

/** A cohort with the student enrolled, then the journey with the API's reactions. */
function play(studentId: string, steps: JourneyStep[]): InMemoryStreams {
  const streams = new InMemoryStreams();
  const at = new Date(start.getTime() - 3 * DAY).toISOString();
  streams.run({
    type: 'CreateCohort',
    data: {
      cohortId: 'c1',
      name: 'Cohort',
      term: 'Fall 2026',
      startDate: '2026-09-07',
      endDate: '2026-12-15',
      at,
    },
  });
  streams.runWithReactions({
    type: 'EnrollStudents',
    data: { cohortId: 'c1', rows: [{ studentId, name: 'Sam', email: 's@uni.test' }], at },
  });
  for (const step of steps) {
    if (step.command.data.at !== step.at) throw new Error(`${step.command.type} at another time`);
    streams.runWithReactions(step.command);
  }
  return streams;
}

describe('journey generator', () => {
  it('gives the same journey for the same seed, and another for another seed', () => {
    expect(journey(1, 'star', termPlans)).toEqual(journey(1, 'star', termPlans));
    expect(JSON.stringify(journey(1, 'star', termPlans))).not.toBe(
      JSON.stringify(journey(2, 'star', termPlans)),
    );
  });

  for (const [name, plans] of [
    ['term', termPlans],
    ['small', smallPlans],
  ] as const) {
    it(`(${name} plans) gives 200 seeds' journeys that the real deciders accept in full`, () => {
      const seen = new Set<DomainCommand['type']>();
      for (let seed = 0; seed < 200; seed++) {
        const persona = personas[seed % personas.length];
        const steps = journey(seed, persona, plans);
        // Throws on the first rejected command, naming it.
        const streams = play(`s${seed}`, steps);
        const byStream = new Map<string, string>();
        const wrong: string[] = [];
        for (const { at, command } of steps) {
          seen.add(command.type);
          if (at > now.toISOString()) wrong.push(`${command.type} after now`);
          const stream = streamIdForCommand(command);
          // Each stream's commands come in time order.
          if (at < (byStream.get(stream) ?? '')) wrong.push(`${command.type} back in time`);
          byStream.set(stream, at);
          const data = command.data as { interviewId?: string; contactId?: string };
          for (const id of [data.interviewId, data.contactId]) {
            if (id !== undefined && !UUID_V8.test(id)) wrong.push(`${command.type} id ${id}`);
          }
        }
        expect(wrong).toEqual([]);
        expect(streams.events.length).toBeGreaterThan(steps.length);
      }
      // The journeys are varied: every kind of step shows up somewhere.
      expect([...seen].sort()).toEqual(
        [
          'AddContact',
          'CancelInterview',
          'CloseUnanswered',
          'NudgeRequest',
          'RecordAcceptance',
          'RecordDecline',
          'RecordInterviewHeld',
          'RecordPreparation',
          'RecordReferrals',
          'RecordThankYou',
          'RecordTouchpoint',
          'RequestShadowing',
          'RescheduleInterview',
          'ScheduleInterview',
          'SendRequest',
          'SetDigestPreference',
          'UpdateContact',
          'UpdateStudentProfile',
        ].sort(),
      );
    });
  }

  it('follows referrals on the small plans: a star asks the people they were introduced to', () => {
    let deepest = 0;
    for (let seed = 0; seed < 40; seed++) {
      const streams = play(`s${seed}`, journey(seed, 'star', smallPlans));
      const referredBy = new Map<string, string | null>();
      for (const e of streams.events) {
        if (e.type === 'ContactAdded') referredBy.set(e.data.contactId, e.data.referredByContactId);
      }
      const depth = (id: string): number => {
        const by = referredBy.get(id);
        return by ? 1 + depth(by) : 0;
      };
      const asked = streams.events.flatMap((e) =>
        e.type === 'InterviewRequested' ? [depth(e.data.contactId)] : [],
      );
      deepest = Math.max(deepest, ...asked);
    }
    expect(deepest).toBeGreaterThanOrEqual(2);
  });

  it('leaves out what has not happened yet', () => {
    const early = new Date(start.getTime() + 20 * DAY);
    const steps = studentJourney({
      studentId: 's1',
      persona: 'star',
      rng: new Rng(1),
      ids,
      clock: { start, now: early, lastRequestDay: 78 },
    });
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((s) => s.at <= early.toISOString())).toBe(true);
    play('s1', steps);
  });
});
