import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The current state of every aggregate, kept by an inline projection with the deciders' own
 * `evolve`: commands load it instead of folding their stream, and mutations read their result
 * from it (read-your-writes). `student_id` and `cohort_id` are lifted out of the state for
 * authorization lookups.
 */
export class AggregateStates1764230500000 implements MigrationInterface {
  name = 'AggregateStates1764230500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE TABLE aggregate_states (
  tenant_id    uuid NOT NULL,
  stream_id    text NOT NULL,
  kind         text NOT NULL,
  aggregate_id text,
  student_id   text,
  cohort_id    text,
  version      bigint NOT NULL,
  state        jsonb NOT NULL,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, stream_id)
);
CREATE INDEX aggregate_states_by_student_idx ON aggregate_states (tenant_id, kind, student_id);
CREATE INDEX aggregate_states_by_cohort_idx ON aggregate_states (tenant_id, kind, cohort_id);
SELECT rapport_secure_tenant_table('aggregate_states');
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE aggregate_states`);
  }
}
