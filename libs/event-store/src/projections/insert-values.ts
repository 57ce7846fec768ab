import { createHash } from 'node:crypto';
import { type Writer } from './projection';

export type SqlValue = string | number | boolean | null;

export interface InsertValuesSpec {
  table: string;
  /** The columns after `tenant_id`, each with the SQL type its parameter is cast to. */
  columns: readonly (readonly [name: string, type: string])[];
  /** Appended after the VALUES list, e.g. `ON CONFLICT (...) DO UPDATE SET ...`. */
  onConflict?: string;
}

/**
 * Rows per statement. Every full statement of a table has the same text and is sent as a named
 * statement, so the server parses and plans it once per connection: parsing and planning a
 * fresh VALUES list of thousands of parameters cost the server more than inserting the rows.
 */
const ROWS_PER_STATEMENT = 100;
/** Keeps a full statement well under the protocol's 65,535 parameters. */
const MAX_COLUMNS = 300;
/** Characters of values per statement: large documents go in several moderate statements. */
const MAX_CHARACTERS = 8_000_000;

/**
 * Inserts rows of the writer's tenant with one parameter per value. Each value reaches the
 * server as its own text, so a JSON document is parsed once, on its own: extracting thousands
 * of them from one large document (`jsonb_to_recordset`) cost the server five times as much,
 * and array literals would need every quote escaped.
 *
 * Rows are taken from the iterable as they are needed, and a statement is sent once it holds
 * 100 rows or ~8 MB of values; the next one is built while the server runs it.
 */
export async function insertValues(
  writer: Writer,
  spec: InsertValuesSpec,
  rows: Iterable<readonly SqlValue[]>,
): Promise<void> {
  const width = spec.columns.length;
  if (width > MAX_COLUMNS)
    throw new Error(`insertValues: ${spec.table} has ${width} columns, at most ${MAX_COLUMNS}`);
  // Built on the first full statement: most live writes are a row or two.
  let full: { text: string; name: string } | null = null;
  let sent: Promise<unknown> = Promise.resolve();
  let params: SqlValue[] = [writer.tenantId];
  let count = 0;
  let characters = 0;
  const send = async () => {
    const values = params;
    const rowsInStatement = count;
    params = [writer.tenantId];
    count = 0;
    characters = 0;
    await sent;
    if (rowsInStatement === ROWS_PER_STATEMENT) {
      full ??= named(statement(spec, ROWS_PER_STATEMENT));
      sent = writer.query(full.text, values, full.name);
    } else sent = writer.query(statement(spec, rowsInStatement), values);
  };
  try {
    for (const row of rows) {
      if (row.length !== width)
        throw new Error(`insertValues: ${spec.table} takes ${width} values, got ${row.length}`);
      for (const value of row) {
        params.push(value);
        if (typeof value === 'string') characters += value.length;
      }
      count++;
      if (count === ROWS_PER_STATEMENT || characters >= MAX_CHARACTERS) {
        await send();
        // The driver sends it a few promise steps later: let it go out before the next is
        // built, or the server waits for that one to be built too and the two take turns.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (count > 0) await send();
  } catch (error) {
    // The statement in flight is not left to fail unobserved.
    await sent.catch(() => undefined);
    throw error;
  }
  await sent;
}

/** `INSERT … VALUES` for `rows` rows: `$1` is the tenant, then one parameter per value. */
function statement(spec: InsertValuesSpec, rows: number): string {
  const columns = ['tenant_id', ...spec.columns.map(([column]) => column)].join(', ');
  const tuples: string[] = [];
  let n = 1;
  for (let r = 0; r < rows; r++) {
    const placeholders = ['$1'];
    for (const [, type] of spec.columns) placeholders.push(`$${++n}::${type}`);
    tuples.push(`(${placeholders.join(', ')})`);
  }
  return `INSERT INTO ${spec.table} (${columns}) VALUES ${tuples.join(', ')} ${spec.onConflict ?? ''}`;
}

const names = new Map<string, string>();

/** The statement with a name of its own (a connection refuses one name for two texts). */
function named(text: string): { text: string; name: string } {
  let name = names.get(text);
  if (!name) {
    name = `rapport_insert_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    if (names.size > 1_000) names.clear();
    names.set(text, name);
  }
  return { text, name };
}
