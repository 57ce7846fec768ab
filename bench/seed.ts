/**
 * Fast, valid seeding for benchmarks. Every event comes out of the real deciders (`decide` then
 * `evolve`, in memory, no database), exactly like CommandExecutor would produce it; only the
 * storage step is bypassed: events are bulk-inserted into a staging table, then copied into
 * `events` in global `data.at` order (one INSERT … SELECT per week of the term, so commit order is
 * chronological), with gapless stream versions computed here and `transaction_id` left to its
 * default. Runs as the superuser (the tables' RLS does not apply to it).
 */
import {
  type DomainCommand,
  type DomainEvent,
  eventSchemaVersions,
  idsIn,
  isDomainError,
  personaWeights,
  reactionsTo,
  Rng,
  seedFrom,
  streamIdForCommand,
  studentJourney,
} from '@rapport/domain';
import { randomUUID } from 'node:crypto';
import { type Client } from 'pg';
import { aggregateOf } from '../apps/api/src/write/aggregates';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Contact and interview ids: the same seed gives the same ids in every run. */
const ids = idsIn('rapport-bench');

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

function iso(ms: number): string {
  return new Date(ms).toISOString();
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
    for (const reaction of reactionsTo(enrolled))
      log.exec(adminActor, new Date(enrolledAt), reaction);
    for (const row of rows) {
      const rng = new Rng(seedFrom(row.studentId) ^ (options.seed ?? 0));
      const steps = studentJourney({
        studentId: row.studentId,
        persona: rng.weighted(personaWeights),
        rng,
        ids,
        clock: { start: new Date(start), now: new Date(now), lastRequestDay: options.termDays - 6 },
      });
      const student: Actor = { subject: `user-${row.studentId}`, role: 'student' };
      for (const { at, command } of steps) {
        const events = log.exec(student, new Date(at), command);
        for (const reaction of reactionsTo(events)) log.exec(student, new Date(at), reaction);
      }
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
