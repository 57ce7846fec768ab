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
/** Characters of values per statement: large documents go in several moderate statements. */
const MAX_CHARACTERS = 8_000_000;

/**
 * Inserts rows of the writer's tenant with one parameter per value. Each value reaches the
 * server as its own text, so a jsonb document is parsed once, on its own: extracting thousands
 * of them from one large document (`jsonb_to_recordset`) cost the server five times as much,
 * and array literals would need every quote escaped.
 *
 * Rows are taken from the iterable as they are needed, and a statement is sent once it holds
 * ~8 MB of values or 30,000 of them; the next one is built while the server runs it.
 */
export async function insertValues(
  writer: Writer,
  spec: InsertValuesSpec,
  rows: Iterable<readonly SqlValue[]>,
): Promise<void> {
  const width = spec.columns.length;
  const head = `INSERT INTO ${spec.table} (${['tenant_id', ...spec.columns.map(([name]) => name)].join(', ')}) VALUES `;
  let sent: Promise<unknown> = Promise.resolve();
  let params: SqlValue[] = [writer.tenantId];
  let tuples: string[] = [];
  let characters = 0;
  const send = async () => {
    const statement = `${head}${tuples.join(', ')} ${spec.onConflict ?? ''}`;
    const values = params;
    params = [writer.tenantId];
    tuples = [];
    characters = 0;
    await sent;
    sent = writer.query(statement, values);
  };
  try {
    for (const row of rows) {
      if (row.length !== width)
        throw new Error(`insertValues: ${spec.table} takes ${width} values, got ${row.length}`);
      const placeholders = ['$1'];
      for (let i = 0; i < width; i++) {
        const value = row[i];
        params.push(value);
        placeholders.push(`$${params.length}::${spec.columns[i][1]}`);
        if (typeof value === 'string') characters += value.length;
      }
      tuples.push(`(${placeholders.join(', ')})`);
      if (params.length + width > MAX_PARAMETERS || characters >= MAX_CHARACTERS) await send();
    }
    if (tuples.length > 0) await send();
  } catch (error) {
    // The statement in flight is not left to fail unobserved.
    await sent.catch(() => undefined);
    throw error;
  }
  await sent;
}
