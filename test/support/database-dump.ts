import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { databaseUrl, type TestDatabase, testServerUrl } from './test-database';

const run = promisify(execFile);

export interface DatabaseDump {
  /** `pg_dump` (PostgreSQL) or `sql-every-table` (PGlite, see below). */
  method: 'pg_dump' | 'sql-every-table';
  text: string;
  /** The tables the dump holds rows of, `schema.table` (only known for the SQL dump). */
  tables: string[];
}

/**
 * The whole test database as text, to search for personal data (issue #16, section 4).
 *
 * On PostgreSQL: the real `pg_dump` binary as the superuser (so row-level security hides
 * nothing), all schemas, schema and data, plain format.
 *
 * On PGlite: the `pg_dump` binary cannot be used (the embedded server is PostgreSQL 18, the
 * installed client refuses a newer server) and `@electric-sql/pglite-tools`' `pgDump` needs the
 * PGlite instance, which the event store keeps to itself. So every row of every table, view
 * materialised or not, in every schema outside the system catalogs is read as the superuser
 * (`to_jsonb(row)::text`, one line per row, and its `COPY ... TO STDOUT` text form, the very
 * bytes pg_dump would write), together with large objects and every function body, sequence
 * and column default.
 */
export async function dumpDatabase(db: TestDatabase): Promise<DatabaseDump> {
  const server = testServerUrl();
  if (server) {
    const url = databaseUrl(server, db.name);
    const { stdout } = await run('pg_dump', ['--no-password', '--dbname', url], {
      maxBuffer: 1024 * 1024 * 1024,
    });
    return { method: 'pg_dump', text: stdout, tables: [] };
  }
  return sqlDump((sql, params) =>
    // The embedded handle's own pool connects as the superuser; without SET ROLE, RLS is bypassed.
    db.owner.database.dataSource.query<Record<string, unknown>[]>(sql, params),
  );
}

type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Every table of every non-system schema, row by row; exported for a server URL too. */
export async function sqlDump(query: Query): Promise<DatabaseDump> {
  const tables = (await query(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND n.nspname NOT LIKE 'pg_temp%'
      ORDER BY 1, 2`,
  )) as { schema: string; name: string }[];
  const parts: string[] = [];
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  for (const { schema, name } of tables) {
    const rows = await query(
      `SELECT to_jsonb(t)::text AS line FROM ${quote(schema)}.${quote(name)} t`,
    );
    parts.push(`-- ${schema}.${name}: ${rows.length} rows`);
    for (const row of rows) parts.push(String(row.line));
  }
  for (const row of await query(
    `SELECT encode(lo_get(oid), 'escape') AS line FROM pg_largeobject_metadata`,
  ))
    parts.push(String(row.line));
  for (const row of await query(
    `SELECT p.prosrc AS line FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
     UNION ALL SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
     UNION ALL SELECT description FROM pg_description`,
  ))
    parts.push(String(row.line));
  return {
    method: 'sql-every-table',
    text: parts.join('\n'),
    tables: tables.map((t) => `${t.schema}.${t.name}`),
  };
}

/**
 * The forms a personal string may take in a dump: as written and lower-cased (searched
 * case-insensitively), JSON-escaped (inside jsonb), COPY-escaped on top (pg_dump doubles
 * backslashes), HTML-escaped and URL-encoded (mail bodies and links in the outbox), and base64
 * at each of the three alignments (headers, encoded mail parts, naive "encryption").
 */
export function searchForms(
  value: string,
): { form: string; text: string; caseSensitive: boolean }[] {
  const json = JSON.stringify(value).slice(1, -1);
  const ascii = JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const html = value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
  const forms = [
    { form: 'plain', text: value, caseSensitive: false },
    { form: 'json', text: json, caseSensitive: false },
    { form: 'json-ascii', text: ascii, caseSensitive: false },
    { form: 'copy', text: json.replaceAll('\\', '\\\\'), caseSensitive: false },
    { form: 'html', text: html, caseSensitive: false },
    { form: 'url', text: encodeURIComponent(value), caseSensitive: false },
    {
      form: 'url-plus',
      text: encodeURIComponent(value).replaceAll('%20', '+'),
      caseSensitive: false,
    },
  ];
  const bytes = Buffer.from(value, 'utf8');
  for (let shift = 0; shift < 3; shift++) {
    // Pad in front so the string starts at this offset in a 3-byte group; keep the stable middle.
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const start = shift === 0 ? 0 : Math.ceil((shift * 4) / 3);
    const whole = Math.floor((shift + bytes.length) / 3) * 4;
    const stable = encoded.slice(start, whole);
    if (stable.length >= 8)
      forms.push({ form: `base64+${shift}`, text: stable, caseSensitive: true });
  }
  const seen = new Set<string>();
  return forms.filter((f) => {
    const key = `${f.caseSensitive}|${f.caseSensitive ? f.text : f.text.toLowerCase()}`;
    if (seen.has(key) || f.text.length === 0) return false;
    seen.add(key);
    return true;
  });
}

export interface Finding {
  value: string;
  form: string;
  /** The dump's text around the first hit, for the failure message. */
  context: string;
}

/** Where any of `values`, in any of its forms, occurs in the dump. */
export function findPersonal(dump: string, values: readonly string[]): Finding[] {
  const lower = dump.toLowerCase();
  const findings: Finding[] = [];
  for (const value of values)
    for (const { form, text, caseSensitive } of searchForms(value)) {
      const at = caseSensitive ? dump.indexOf(text) : lower.indexOf(text.toLowerCase());
      if (at >= 0)
        findings.push({
          value,
          form,
          context: dump.slice(Math.max(0, at - 80), at + text.length + 80),
        });
    }
  return findings;
}
