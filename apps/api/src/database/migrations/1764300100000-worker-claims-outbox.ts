import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Claiming due digests across tenants is background work: only rapport_worker may call
 * rapport_claim_outbox; the application role delivers each claimed message under RLS
 * (docs/adr/0011).
 */
export class WorkerClaimsOutbox1764300100000 implements MigrationInterface {
  name = 'WorkerClaimsOutbox1764300100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
REVOKE EXECUTE ON FUNCTION rapport_claim_outbox(int, int) FROM rapport_app, PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_claim_outbox(int, int) TO rapport_worker;
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
REVOKE EXECUTE ON FUNCTION rapport_claim_outbox(int, int) FROM rapport_worker;
GRANT EXECUTE ON FUNCTION rapport_claim_outbox(int, int) TO rapport_app;
`);
  }
}
