import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATE_TABLES = ['aggregate_states', 'student_progress', 'student_progress_snapshots'];

const retypeStates = (type: 'json' | 'jsonb') =>
  STATE_TABLES.map(
    (table) => `ALTER TABLE ${table} ALTER COLUMN state TYPE ${type} USING state::${type};`,
  ).join('\n');

/**
 * Read-model states are documents the app writes and reads whole: `json` keeps them as checked
 * text, where `jsonb` built a binary form on every write and printed it again on every read.
 * A rebuild writes ~800 MB of them at 1M events, and with `json` the server's share of it fell
 * from ~23 to ~18 CPU seconds (ADR 9). SQL that looks inside a state (a cohort's advisors)
 * casts the one row it reads.
 */
export class JsonDocuments1764231000000 implements MigrationInterface {
  name = 'JsonDocuments1764231000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(retypeStates('json'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(retypeStates('jsonb'));
  }
}
