import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per institution and day the retention job ran (claimed before it erases anyone, so
 * two processes never sweep the same day), and the index the audit log pages through: an
 * institution's audited events, newest first (docs/adr/0026).
 */
export class RetentionAndAudit1764700200000 implements MigrationInterface {
  name = 'RetentionAndAudit1764700200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE TABLE retention_runs (
  tenant_id    uuid NOT NULL,
  day          date NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  erased       integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, day)
);
SELECT rapport_secure_tenant_table('retention_runs');

-- The audit log's types, written out: a migration never changes with the code after it.
CREATE INDEX events_audit_idx ON events (tenant_id, global_position DESC)
  WHERE type IN ('StudentEnrolled', 'StudentWithdrawn', 'InstitutionSettingsChanged',
    'InstitutionRenamed', 'IdentityProviderSet', 'AdvisorAssigned', 'AdvisorUnassigned',
    'StaffInvited', 'StaffInvitationResent', 'StaffActivated', 'StaffDeactivated',
    'IdentityLinked', 'StudentDataExported', 'StudentErased', 'StaffMemberErased',
    'RetentionSweepCompleted');
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX events_audit_idx; DROP TABLE retention_runs;`);
  }
}
