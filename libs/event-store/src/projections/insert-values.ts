import { type Writer } from './projection';

export type SqlValue = string | number | boolean | null;

export interface InsertValuesSpec {
  table: string;
  /** The columns after `tenant_id`, each with the SQL type its parameter is cast to. */
  columns: readonly (readonly [name: string, type: string])[];
  /** Appended after the VALUES list, e.g. `ON CONFLICT (...) DO UPDATE SET ...`. */
  onConflict?: string;
}

/** Parameters per statement, well under the protocol's 65,535. */
const MAX_PARAMETERS = 30_000;

/**
 * Inserts rows of the writer's tenant with one parameter per value, in as few statements as the
 * protocol allows. Each value reaches the server as its own text, so a jsonb document is parsed
 * once, on its own: extracting thousands of them from one large document (`jsonb_to_recordset`)
 * cost the server five times as much, and array literals would need every quote escaped.
 */
export async function insertValues(
  writer: Writer,
  spec: InsertValuesSpec,
  rows: readonly (readonly SqlValue[])[],
): Promise<void> {
  const width = spec.columns.length;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / width));
  const wrong = rows.find((row) => row.length !== width);
  if (wrong)
    throw new Error(`insertValues: ${spec.table} takes ${width} values, got ${wrong.length}`);
  const names = ['tenant_id', ...spec.columns.map(([name]) => name)].join(', ');
  for (let from = 0; from < rows.length; from += perStatement) {
    const chunk = rows.slice(from, from + perStatement);
    const params: SqlValue[] = [writer.tenantId];
    const tuples: string[] = [];
    for (const row of chunk) {
      const placeholders = ['$1'];
      for (let i = 0; i < width; i++) {
        params.push(row[i]);
        placeholders.push(`$${params.length}::${spec.columns[i][1]}`);
      }
      tuples.push(`(${placeholders.join(', ')})`);
    }
    await writer.query(
      `INSERT INTO ${spec.table} (${names}) VALUES ${tuples.join(', ')} ${spec.onConflict ?? ''}`,
      params,
    );
  }
}
