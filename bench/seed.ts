/**
 * Fast, valid seeding for benchmarks. Every event comes out of the real deciders (`decide` then
 * `evolve`, in memory, no database), exactly like CommandExecutor would produce it; only the
 * storage step is bypassed: events are bulk-inserted into a staging table, then copied into
 * `events` in global `data.at` order (one INSERT … SELECT per week of the term, so commit order is
 * chronological), with gapless stream versions computed here and `transaction_id` left to its
 * default. Runs as the superuser (the tables' RLS does not apply to it).
 */
import {
  addContactsForReferrals,
  type ContactRelationship,
  type DomainCommand,
  type DomainEvent,
  eventSchemaVersions,
  isDomainError,
  registerStudentOnEnrollment,
  streamIdForCommand,
} from '@rapport/domain';
import { createHash, randomUUID } from 'node:crypto';
import { type Client } from 'pg';
import { aggregateOf } from '../apps/api/src/write/aggregates';

const DAY = 86_400_000;

/** A stable UUID for a readable seed id: the API validates interview ids as UUIDs. */
function uuidFor(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const HOUR = 3_600_000;

export interface SeedOptions {
  /** Stop adding cohorts once at least this many events were generated. */
  events: number;
  studentsPerCohort: number;
  termStart: Date;
  termDays: number;
  seed?: number;
}

export interface SeedResult {
  tenantId: string;
  events: number;
  streams: number;
  students: number;
  cohortIds: string[];
  termStart: Date;
  termEnd: Date;
  generateSeconds: number;
  writeSeconds: number;
}

interface StagedEvent {
  streamId: string;
  version: number;
  type: string;
  data: string;
  metadata: string;
  at: string;
  seq: number;
}

interface Actor {
  subject: string;
  role: 'admin' | 'advisor' | 'student';
}

interface StreamSlot {
  state: unknown;
  version: number;
  lastAt: string;
  createdAt: string;
}

/**
 * CommandExecutor without the database: decide against the in-memory state, evolve, and stage
 * the events with the metadata the executor would write. Throws on any DomainError, so a seed
 * that runs to completion only contains histories the deciders accepted.
 */
class MemoryLog {
  readonly streams = new Map<string, StreamSlot>();
  staged: StagedEvent[] = [];
  total = 0;
  private seq = 0;

  exec(actor: Actor, at: Date, command: DomainCommand): DomainEvent[] {
    const streamId = streamIdForCommand(command);
    const aggregate = aggregateOf(streamId);
    const iso = at.toISOString();
    let slot = this.streams.get(streamId);
    if (!slot) {
      slot = { state: aggregate.decider.initialState(), version: 0, lastAt: iso, createdAt: iso };
      this.streams.set(streamId, slot);
    }
    if (iso < slot.lastAt) throw new Error(`${command.type} on ${streamId} goes back in time`);
    const decided = aggregate.decider.decide(command as never, slot.state);
    if (isDomainError(decided)) {
      throw new Error(`seed produced an invalid ${command.type}: ${decided.message}`);
    }
    const events = decided as DomainEvent[];
    const metadata = JSON.stringify({
      correlationId: `bench-${this.seq}`,
      actorId: actor.subject,
      actorRole: actor.role,
    });
    for (const event of events) {
      slot.state = aggregate.decider.evolve(slot.state, event);
      slot.version++;
      this.staged.push({
        streamId,
        version: slot.version,
        type: event.type,
        data: JSON.stringify(event.data),
        metadata,
        at: iso,
        seq: this.seq++,
      });
      this.total++;
    }
    slot.lastAt = iso;
    return events;
  }

  /** Hands over staged events and forgets streams that will get no more events. */
  drain(keep: (streamId: string) => boolean): {
    events: StagedEvent[];
    streams: [string, StreamSlot][];
  } {
    const events = this.staged;
    this.staged = [];
    const done: [string, StreamSlot][] = [];
    for (const [id, slot] of this.streams) {
      if (!keep(id)) {
        done.push([id, slot]);
        this.streams.delete(id);
      }
    }
    return { events, streams: done };
  }
}

/** mulberry32: small, fast, deterministic. */
class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

type Persona = 'star' | 'steady' | 'overdue' | 'stalled' | 'new';
const personaWeights: [Persona, number][] = [
  ['star', 0.25],
  ['steady', 0.35],
  ['overdue', 0.15],
  ['stalled', 0.15],
  ['new', 0.1],
];

const professionals = [
  {
    organization: 'Riverside General Hospital',
    role: 'Nurse Practitioner',
    industry: 'Healthcare',
  },
  { organization: 'County Public Health Dept.', role: 'Epidemiologist', industry: 'Public Health' },
  { organization: 'MedBridge Labs', role: 'Research Coordinator', industry: 'Biotech' },
  { organization: 'Brightline Software', role: 'Software Engineer', industry: 'Software' },
  { organization: 'Cobalt Analytics', role: 'Data Scientist', industry: 'Data & Analytics' },
  { organization: 'Meridian Bank', role: 'Product Manager', industry: 'Finance' },
  { organization: 'Northwind Consulting', role: 'Management Consultant', industry: 'Consulting' },
  { organization: 'Pixelworks Studio', role: 'UX Designer', industry: 'Design' },
  { organization: 'Greenfield Energy', role: 'Operations Analyst', industry: 'Energy' },
  { organization: 'Atlas Logistics', role: 'Supply Chain Manager', industry: 'Logistics' },
  { organization: 'Harbor Law Group', role: 'Associate Attorney', industry: 'Legal' },
  { organization: 'Civic Museum', role: 'Curator', industry: 'Arts & Culture' },
];
const names = ['Alex', 'Jordan', 'Morgan', 'Riley', 'Casey', 'Jamie', 'Avery', 'Parker', 'Rowan'];
const surnames = ['Okafor', 'Lindqvist', 'Moreau', 'Alvarez', 'Petrova', 'Haddad', 'Kim', 'Singh'];
const relationships: ContactRelationship[] = [
  'family',
  'friend',
  'faculty',
  'coworker',
  'classmate',
  'neighbor',
  'mentor',
];
const touchpoints = [
  'shared_article',
  'updated_on_next_steps',
  'met_at_event',
  'offered_help',
] as const;

interface ContactSlot {
  id: string;
  addedAt: number;
  used: boolean;
}

/** One student's term, issued command by command through the deciders. */
class Journey {
  private contacts: ContactSlot[] = [];
  private contactNo = 0;
  private interviewNo = 0;

  constructor(
    private readonly log: MemoryLog,
    private readonly rng: Rng,
    private readonly studentId: string,
    private readonly start: number,
    private readonly now: number,
  ) {}

  private get actor(): Actor {
    return { subject: `user-${this.studentId}`, role: 'student' };
  }

  private exec(at: number, command: DomainCommand): DomainEvent[] {
    return this.log.exec(this.actor, new Date(at), command);
  }

  /** A weekday-ish daytime instant on day `n` of the term. */
  private day(n: number): number {
    return this.start + n * DAY + (9 + this.rng.next() * 9) * HOUR;
  }

  play(persona: Persona): void {
    const r = this.rng;
    const first = persona === 'new' ? 52 + r.int(10) : 1 + r.int(6);
    this.exec(this.day(first), {
      type: 'UpdateStudentProfile',
      data: {
        studentId: this.studentId,
        careerInterests: [r.pick(professionals).industry, r.pick(professionals).industry],
        at: new Date(this.day(first)).toISOString(),
      },
    });
    if (r.chance(0.2)) {
      const at = this.day(first + 1 + r.int(20));
      this.exec(at, {
        type: 'SetDigestPreference',
        data: { studentId: this.studentId, preference: 'off', at: new Date(at).toISOString() },
      });
    }
    const brainstorm = persona === 'new' ? 2 + r.int(3) : 6 + r.int(5);
    for (let i = 0; i < brainstorm; i++) this.addContact(this.day(first + 1 + r.int(4)));

    const [interviews, requests] = {
      star: [r.between(32, 40), r.between(4, 8)],
      steady: [r.between(18, 26), r.between(3, 6)],
      overdue: [r.between(10, 14), r.between(2, 4)],
      stalled: [r.between(1, 3), r.between(8, 12)],
      new: [r.int(2), r.between(1, 3)],
    }[persona];
    const slots = [
      ...Array<'interview'>(interviews).fill('interview'),
      ...Array<'request'>(requests).fill('request'),
    ].sort(() => r.next() - 0.5);
    const from = first + 5;
    const span = Math.max(3, 78 - from);
    slots.forEach((kind, i) => {
      const requestedAt = this.day(from + Math.floor((i / slots.length) * span) + r.int(3));
      if (requestedAt > this.now) return;
      const contactId = this.contactFor(requestedAt);
      if (kind === 'request') {
        const outcome =
          requestedAt > this.now - 20 * DAY
            ? 'pending'
            : r.pick(['unanswered', 'declined'] as const);
        this.request(contactId, requestedAt, outcome);
      } else {
        // The overdue persona leaves its latest interviews without a thank-you.
        const lastOnes = persona === 'overdue' && i >= slots.length - 3;
        const thank = lastOnes
          ? 'none'
          : r.chance(0.75)
            ? 'prompt'
            : r.chance(0.6)
              ? 'late'
              : 'none';
        this.interview(contactId, requestedAt, thank);
      }
    });
  }

  private addContact(at: number, referredBy: string | null = null): string {
    const r = this.rng;
    const contactId = `${this.studentId}-c${this.contactNo++}`;
    const pro = r.pick(professionals);
    this.exec(at, {
      type: 'AddContact',
      data: {
        contactId,
        studentId: this.studentId,
        relationship: r.pick(relationships),
        organization: pro.organization,
        role: pro.role,
        industry: pro.industry,
        referredByContactId: referredBy,
        personal: {
          name: `${r.pick(names)} ${r.pick(surnames)}`,
          email: null,
          linkedinUrl: null,
          notes: null,
        },
        at: new Date(at).toISOString(),
      },
    });
    this.contacts.push({ id: contactId, addedAt: at, used: false });
    if (r.chance(0.1)) {
      const later = at + (1 + r.int(10)) * DAY;
      if (later <= this.now) {
        this.exec(later, {
          type: 'UpdateContact',
          data: { contactId, role: `Senior ${pro.role}`, at: new Date(later).toISOString() },
        });
      }
    }
    return contactId;
  }

  /** An unused contact known before `at`, else a new one added just before. */
  private contactFor(at: number): string {
    const free = this.contacts.find((c) => !c.used && c.addedAt < at - HOUR);
    if (free) {
      free.used = true;
      return free.id;
    }
    const id = this.addContact(at - 2 * HOUR);
    this.contacts[this.contacts.length - 1].used = true;
    return id;
  }

  private request(
    contactId: string,
    at: number,
    outcome: 'pending' | 'unanswered' | 'declined',
  ): void {
    const interviewId = uuidFor(`${contactId}-i${this.interviewNo++}`);
    const steps: [number, DomainCommand][] = [
      [
        at,
        {
          type: 'SendRequest',
          data: {
            interviewId,
            studentId: this.studentId,
            contactId,
            channel: 'email',
            askMinutes: 30,
            proposedFormats: ['coffee', 'video'],
            at: iso(at),
          },
        },
      ],
    ];
    if (outcome !== 'pending') {
      steps.push([
        at + 6 * DAY,
        { type: 'NudgeRequest', data: { interviewId, at: iso(at + 6 * DAY) } },
      ]);
      if (outcome === 'declined') {
        steps.push([
          at + 9 * DAY,
          { type: 'RecordDecline', data: { interviewId, at: iso(at + 9 * DAY) } },
        ]);
      } else {
        steps.push([
          at + 12 * DAY,
          { type: 'NudgeRequest', data: { interviewId, at: iso(at + 12 * DAY) } },
        ]);
        steps.push([
          at + 19 * DAY,
          { type: 'CloseUnanswered', data: { interviewId, at: iso(at + 19 * DAY) } },
        ]);
      }
    }
    this.run(steps);
  }

  private interview(
    contactId: string,
    requestedAt: number,
    thank: 'prompt' | 'late' | 'none',
  ): void {
    const r = this.rng;
    const interviewId = uuidFor(`${contactId}-i${this.interviewNo++}`);
    const nudged = r.chance(0.3);
    const acceptedAt = requestedAt + (nudged ? 4 + r.int(3) : 1 + r.int(3)) * DAY;
    let scheduledFor = acceptedAt + (3 + r.int(6)) * DAY;
    const steps: [number, DomainCommand][] = [
      [
        requestedAt,
        {
          type: 'SendRequest',
          data: {
            interviewId,
            studentId: this.studentId,
            contactId,
            channel: r.pick(['email', 'linkedin'] as const),
            askMinutes: 30,
            proposedFormats: ['coffee', 'video', 'phone'],
            at: iso(requestedAt),
          },
        },
      ],
    ];
    if (nudged) {
      steps.push([
        requestedAt + 3 * DAY,
        { type: 'NudgeRequest', data: { interviewId, at: iso(requestedAt + 3 * DAY) } },
      ]);
    }
    steps.push([
      acceptedAt,
      { type: 'RecordAcceptance', data: { interviewId, at: iso(acceptedAt) } },
    ]);
    steps.push([
      acceptedAt + HOUR,
      {
        type: 'ScheduleInterview',
        data: {
          interviewId,
          scheduledFor: iso(scheduledFor),
          format: 'coffee',
          durationMinutes: 30,
          at: iso(acceptedAt + HOUR),
        },
      },
    ]);
    if (r.chance(0.15)) {
      scheduledFor += 2 * DAY;
      steps.push([
        acceptedAt + DAY,
        {
          type: 'RescheduleInterview',
          data: {
            interviewId,
            scheduledFor: iso(scheduledFor),
            requestedBy: 'contact',
            at: iso(acceptedAt + DAY),
          },
        },
      ]);
    }
    if (r.chance(0.04)) {
      steps.push([
        acceptedAt + 2 * DAY,
        {
          type: 'CancelInterview',
          data: { interviewId, cancelledBy: 'contact', at: iso(acceptedAt + 2 * DAY) },
        },
      ]);
      this.run(steps);
      return;
    }
    steps.push([
      scheduledFor - DAY,
      {
        type: 'RecordPreparation',
        data: {
          interviewId,
          questionIds: ['q-typical-day', 'q-career-path', 'q-critical-skills', 'q-anyone-else'],
          personal: {
            researchNotes: 'Read the organization’s annual report and recent news',
            customQuestions: ['What surprised you most in your first year?'],
          },
          at: iso(scheduledFor - DAY),
        },
      },
    ]);
    const recordedHeld = scheduledFor + 2 * HOUR;
    steps.push([
      recordedHeld,
      {
        type: 'RecordInterviewHeld',
        data: {
          interviewId,
          studentId: this.studentId,
          contactId,
          heldAt: iso(scheduledFor),
          format: 'coffee',
          questionIdsAsked: ['q-typical-day', 'q-career-path', 'q-anyone-else'],
          personal: {
            notes: 'Warm conversation, offered to review my resume',
            keyInsights: ['Internships matter more than grades for the first job'],
            advice: 'Talk to people in adjacent roles too',
          },
          at: iso(recordedHeld),
        },
      },
    ]);
    if (thank !== 'none') {
      const sent = scheduledFor + (thank === 'prompt' ? 20 * HOUR : 5 * DAY);
      steps.push([
        sent,
        {
          type: 'RecordThankYou',
          data: { interviewId, sentAt: iso(sent), channel: 'email', at: iso(sent) },
        },
      ]);
    }
    if (r.chance(0.4)) {
      const at = scheduledFor + DAY + 3 * HOUR;
      steps.push([
        at,
        {
          type: 'RecordReferrals',
          data: {
            interviewId,
            referrals: Array.from({ length: 1 + r.int(2) }, () => ({
              contactId: `${this.studentId}-c${this.contactNo++}`,
              name: `${r.pick(names)} ${r.pick(surnames)}`,
              ...r.pick(professionals),
            })),
            at: iso(at),
          },
        },
      ]);
    }
    if (r.chance(0.1)) {
      const at = scheduledFor + 2 * DAY;
      steps.push([
        at,
        { type: 'RequestShadowing', data: { interviewId, kind: 'shadowing', at: iso(at) } },
      ]);
    }
    if (thank === 'prompt' && r.chance(0.35)) {
      const at = scheduledFor + (10 + r.int(15)) * DAY;
      steps.push([
        at,
        { type: 'RecordTouchpoint', data: { interviewId, kind: r.pick(touchpoints), at: iso(at) } },
      ]);
    }
    this.run(steps);
  }

  /** Steps in time order; the ones after "now" have not happened yet. */
  private run(steps: [number, DomainCommand][]): void {
    steps.sort((a, b) => a[0] - b[0]);
    for (const [at, command] of steps) {
      if (at > this.now) return;
      const events = this.exec(at, command);
      for (const event of events) {
        if (event.type !== 'ReferralsReceived') continue;
        for (const add of addContactsForReferrals(event)) {
          this.exec(at, add);
          this.contacts.push({ id: add.data.contactId, addedAt: at, used: false });
        }
      }
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function weightedPersona(rng: Rng): Persona {
  let x = rng.next();
  for (const [persona, weight] of personaWeights) {
    if ((x -= weight) < 0) return persona;
  }
  return 'steady';
}

/** Seeds one institution (tenant) into a migrated database, through the superuser client. */
export async function seed(admin: Client, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  let writeMs = 0;
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await work();
    } finally {
      writeMs += performance.now() - t;
    }
  };
  const tenantId = randomUUID();
  const start = options.termStart.getTime();
  const now = start + options.termDays * DAY;
  const log = new MemoryLog();
  const adminActor: Actor = { subject: 'admin-bench', role: 'admin' };

  await timed(async () => {
    await admin.query(`SELECT rapport_create_tenant($1, 'bench', 'Benchmark State University')`, [
      tenantId,
    ]);
    await admin.query(`DROP TABLE IF EXISTS bench_staging`);
    await admin.query(`CREATE UNLOGGED TABLE bench_staging (
      stream_id text, stream_version bigint, event_id uuid, type text, schema_version int,
      data text, metadata text, at timestamptz, seq bigint)`);
  });

  log.exec(adminActor, new Date(start - 30 * DAY), {
    type: 'RegisterInstitution',
    data: {
      name: 'Benchmark State University',
      slug: 'bench',
      timeZone: 'America/Chicago',
      at: iso(start - 30 * DAY),
    },
  });
  log.exec(adminActor, new Date(start + 40 * DAY), {
    type: 'ChangeInstitutionSettings',
    data: { settings: { interviewTarget: 4 }, at: iso(start + 40 * DAY) },
  });

  const baseEvents = log.total;
  const cohortIds: string[] = [];
  let students = 0;
  let streams = 0;
  for (let c = 0; log.total < options.events; c++) {
    const cohortId = `cohort-${String(c).padStart(3, '0')}`;
    cohortIds.push(cohortId);
    const created = start - 10 * DAY + c * HOUR;
    log.exec(adminActor, new Date(created), {
      type: 'CreateCohort',
      data: {
        cohortId,
        name: `Career Exploration ${c + 1}`,
        term: 'Fall 2026',
        startDate: iso(start).slice(0, 10),
        endDate: iso(now).slice(0, 10),
        at: iso(created),
      },
    });
    for (const advisor of [`advisor-${c}-a`, `advisor-${c}-b`]) {
      log.exec(adminActor, new Date(created + HOUR), {
        type: 'AssignAdvisor',
        data: { cohortId, advisorId: advisor, at: iso(created + HOUR) },
      });
    }
    const enrolledAt = start - 3 * DAY + c * HOUR;
    // The last cohort is cut to land near the target, at the average history length so far.
    const perStudent = students > 0 ? (log.total - baseEvents) / students : 0;
    const size =
      perStudent > 0
        ? Math.max(
            1,
            Math.min(
              options.studentsPerCohort,
              Math.ceil((options.events - log.total) / perStudent),
            ),
          )
        : options.studentsPerCohort;
    const rows = Array.from({ length: size }, (_, i) => {
      const studentId = `s${String(students + i).padStart(6, '0')}`;
      return {
        studentId,
        name: `Student ${students + i}`,
        email: `${studentId}@students.bench.test`,
      };
    });
    const enrolled = log.exec(adminActor, new Date(enrolledAt), {
      type: 'EnrollStudents',
      data: { cohortId, rows, at: iso(enrolledAt) },
    });
    for (const event of enrolled) {
      if (event.type === 'StudentEnrolled') {
        log.exec(adminActor, new Date(enrolledAt), registerStudentOnEnrollment(event));
      }
    }
    for (const row of rows) {
      const studentRng = new Rng(hash(row.studentId) ^ (options.seed ?? 0));
      new Journey(log, studentRng, row.studentId, start, now).play(weightedPersona(studentRng));
    }
    students += rows.length;
    const drained = log.drain((id) => id === 'institution');
    streams += drained.streams.length;
    await timed(() => stage(admin, drained.events));
    await timed(() => writeStreams(admin, tenantId, drained.streams));
  }
  const rest = log.drain(() => false);
  streams += rest.streams.length;
  await timed(async () => {
    await stage(admin, rest.events);
    await writeStreams(admin, tenantId, rest.streams);
    // Copy into the log in global time order, one transaction per week: commit order = time order.
    for (let week = -6; week <= Math.ceil(options.termDays / 7) + 1; week++) {
      await admin.query(
        `INSERT INTO events (tenant_id, stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at)
         SELECT $1, stream_id, stream_version, event_id, type, schema_version, data::jsonb, metadata::jsonb, at
           FROM bench_staging WHERE at >= $2 AND at < $3 ORDER BY at, seq`,
        [tenantId, new Date(start + week * 7 * DAY), new Date(start + (week + 1) * 7 * DAY)],
      );
    }
    const [{ missing }] = (
      await admin.query<{ missing: string }>(
        `SELECT (SELECT count(*) FROM bench_staging) - (SELECT count(*) FROM events WHERE tenant_id = $1) AS missing`,
        [tenantId],
      )
    ).rows;
    if (Number(missing) !== 0)
      throw new Error(`${missing} staged events fell outside the copied weeks`);
    await admin.query(`DROP TABLE bench_staging`);
    await admin.query(`VACUUM ANALYZE events`);
    await admin.query(`ANALYZE streams`);
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    tenantId,
    events: log.total,
    streams,
    students,
    cohortIds,
    termStart: new Date(start),
    termEnd: new Date(now),
    generateSeconds: seconds - writeMs / 1000,
    writeSeconds: writeMs / 1000,
  };
}

const CHUNK = 10_000;

async function stage(admin: Client, events: StagedEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    await admin.query(
      `INSERT INTO bench_staging (stream_id, stream_version, event_id, type, schema_version, data, metadata, at, seq)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[],
                            $8::timestamptz[], $9::bigint[])`,
      [
        chunk.map((e) => e.streamId),
        chunk.map((e) => e.version),
        chunk.map(() => randomUUID()),
        chunk.map((e) => e.type),
        chunk.map((e) => (eventSchemaVersions as Record<string, number>)[e.type] ?? 1),
        chunk.map((e) => e.data),
        chunk.map((e) => e.metadata),
        chunk.map((e) => e.at),
        chunk.map((e) => e.seq),
      ],
    );
  }
}

async function writeStreams(
  admin: Client,
  tenantId: string,
  streams: [string, StreamSlot][],
): Promise<void> {
  for (let i = 0; i < streams.length; i += CHUNK) {
    const chunk = streams.slice(i, i + CHUNK);
    await admin.query(
      `INSERT INTO streams (tenant_id, stream_id, version, created_at, updated_at)
       SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::timestamptz[], $5::timestamptz[])`,
      [
        tenantId,
        chunk.map(([id]) => id),
        chunk.map(([, s]) => s.version),
        chunk.map(([, s]) => s.createdAt),
        chunk.map(([, s]) => s.lastAt),
      ],
    );
  }
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
