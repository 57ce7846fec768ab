import { Injectable } from '@nestjs/common';
import { Database } from '@rapport/event-store';

/** A claim on a day's sweep older than this, never completed, is taken over (its process died). */
const STALE_CLAIM = `interval '10 minutes'`;

@Injectable()
export class RetentionRepository {
  constructor(private readonly database: Database) {}

  /**
   * Students of the institution whose last cohort (the latest end date among every cohort they
   * were ever on, docs/adr/0019) ended more than `months` months before `today`, not erased yet.
   * On the boundary day itself (end date + months = today) a student is kept.
   */
  async due(tenantId: string, today: string, months: number): Promise<string[]> {
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query<{ student_id: string }>(
        `WITH stays AS (
           SELECT student_id, cohort_id FROM student_enrolments WHERE tenant_id = $1
           UNION
           -- The current cohort from the inline state too: a move the async projection has
           -- not applied yet must not make a returning student look due.
           SELECT student_id, cohort_id FROM aggregate_states
            WHERE tenant_id = $1 AND kind = 'student' AND cohort_id IS NOT NULL
         )
         SELECT e.student_id
           FROM stays e
           JOIN aggregate_states c
             ON c.tenant_id = $1 AND c.stream_id = 'cohort-' || e.cohort_id
          WHERE NOT EXISTS (
                  SELECT 1 FROM events ev
                   WHERE ev.tenant_id = $1 AND ev.stream_id = 'student-' || e.student_id
                     AND ev.type = 'StudentErased')
          GROUP BY e.student_id
         HAVING max((c.state ->> 'endDate')::date) + make_interval(months => $3::int) < $2::date
          ORDER BY e.student_id`,
        [tx.tenantId, today, months],
      ),
    );
    return rows.map((r) => r.student_id);
  }

  /** Whether this process may sweep the institution's day: once per day, whoever asks first. */
  async claim(tenantId: string, day: string): Promise<boolean> {
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query(
        `INSERT INTO retention_runs (tenant_id, day) VALUES ($1, $2)
         ON CONFLICT (tenant_id, day) DO UPDATE SET started_at = now()
           WHERE retention_runs.completed_at IS NULL
             AND retention_runs.started_at < now() - ${STALE_CLAIM}
         RETURNING day`,
        [tx.tenantId, day],
      ),
    );
    return rows.length > 0;
  }
}
