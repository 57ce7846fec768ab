import { type CsvError, type Options, parse, type Parser } from 'csv-parse';
import type { Readable } from 'node:stream';
import { ImportError, ImportErrorCode } from './imports.errors';

/** The columns a roster file may have; headers match case-insensitively, in any order. */
export const ROSTER_COLUMNS = [
  'email',
  'name',
  'external_id',
  'program',
  'graduation_year',
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];
const REQUIRED: readonly RosterColumn[] = ['email', 'name'];

/** A roster row as text, before any rule looked at it; `row` counts the header as row 1. */
export interface RosterRecord {
  row: number;
  fields: Partial<Record<RosterColumn, string>>;
  /** Set when the record has another number of fields than the header. */
  fieldCount: number;
  headerCount: number;
}

/** A record beyond this is refused as malformed: an unclosed quote must not swallow the file. */
const MAX_RECORD_BYTES = 64 * 1024;

const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by other characters',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a closing quote is followed by other characters',
  CSV_MAX_RECORD_SIZE: `a record is longer than ${MAX_RECORD_BYTES / 1024} KB`,
};

/**
 * Reads a CSV body chunk by chunk, yielding the data records of each chunk as a batch once the
 * chunk is parsed: memory holds one chunk's records, never the file. Records before a malformed
 * spot are yielded first; then the MALFORMED_CSV error is thrown. The source is never
 * destroyed here, so an answer can still be sent on the same connection.
 */
export async function* rosterRecords(
  source: Readable,
  limits: { maxBytes: number },
): AsyncGenerator<RosterRecord[]> {
  const parsed: string[][] = [];
  const options: Options = {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    // Collected synchronously as the parser finds them; nothing is buffered in the stream.
    on_record: (record: string[]) => {
      parsed.push(record);
      return null;
    },
  };
  const parser = parse(options);
  parser.on('error', () => undefined); // Reported through the write and end callbacks.
  let header: (RosterColumn | null)[] | null = null;
  let rows = 0;
  let bytes = 0;

  const drain = (): RosterRecord[] => {
    const out: RosterRecord[] = [];
    for (const record of parsed.splice(0)) {
      rows += 1;
      if (!header) {
        header = readHeader(record);
        continue;
      }
      const fields: Partial<Record<RosterColumn, string>> = {};
      header.forEach((column, i) => {
        if (column) fields[column] = record[i] ?? '';
      });
      out.push({ row: rows, fields, fieldCount: record.length, headerCount: header.length });
    }
    return out;
  };
  const malformed = (error: unknown): ImportError => {
    const csv = error as CsvError;
    const what = CSV_PROBLEMS[csv.code] ?? 'the text is not valid CSV';
    const line = typeof csv.lines === 'number' ? csv.lines : null;
    return new ImportError(
      ImportErrorCode.MalformedCsv,
      `The file is not valid CSV at row ${rows + 1} (line ${line ?? '?'}): ${what}.`,
      { row: rows + 1, line },
    );
  };

  for await (const chunk of source.iterator({ destroyOnReturn: false })) {
    bytes += (chunk as Buffer).length;
    if (bytes > limits.maxBytes) {
      throw new ImportError(
        ImportErrorCode.TooLarge,
        `A roster file may be at most ${limits.maxBytes / (1024 * 1024)} MB; split it`,
      );
    }
    const failure = await write(parser, chunk as Buffer);
    yield drain();
    if (failure) throw malformed(failure);
  }
  const failure = await end(parser);
  yield drain();
  if (failure) throw malformed(failure);
  if (!header) throw new ImportError(ImportErrorCode.EmptyFile, 'The file has no header row');
}

function write(parser: Parser, chunk: Buffer): Promise<unknown> {
  return new Promise((resolve) => parser.write(chunk, (error) => resolve(error ?? null)));
}

function end(parser: Parser): Promise<unknown> {
  return new Promise((resolve) => {
    parser.once('error', resolve);
    parser.once('finish', () => resolve(null));
    parser.end();
  });
}

function readHeader(record: string[]): (RosterColumn | null)[] {
  const names = record.map((name) => name.trim().toLowerCase());
  const known = new Set<string>(ROSTER_COLUMNS);
  const unknown = names.filter((name) => !known.has(name));
  const missing = REQUIRED.filter((column) => !names.includes(column));
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (unknown.some((name) => name.includes('@'))) {
    // Never echoed: such a "column name" is someone's address.
    throw new ImportError(
      ImportErrorCode.BadHeader,
      `The first row looks like data, not a header row; start the file with a header such as ${ROSTER_COLUMNS.join(',')}`,
      { unknownColumns: [], missingColumns: missing },
    );
  }
  if (unknown.length || missing.length || repeated.length) {
    const problems = [
      unknown.length
        ? `unknown column(s) ${unknown.map((n) => `"${n.slice(0, 40)}"`).join(', ')}`
        : '',
      missing.length ? `missing column(s) ${missing.join(', ')}` : '',
      repeated.length ? `repeated column(s) ${repeated.join(', ')}` : '',
    ].filter(Boolean);
    throw new ImportError(
      ImportErrorCode.BadHeader,
      `The header row has ${problems.join('; ')}. Allowed: ${ROSTER_COLUMNS.join(', ')} (email and name required)`,
      { unknownColumns: unknown, missingColumns: missing },
    );
  }
  return names as RosterColumn[];
}
