/**
 * A minimal RFC 4180 writer (no dependency needed for this much): fields with a quote, comma
 * or line break are quoted with inner quotes doubled, and records end with CRLF.
 */
export type CsvValue = string | number | boolean | null | undefined;

// Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field. Text that a spreadsheet would evaluate gets a leading single quote. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // Numbers and booleans are ours, not user text: a negative number stays a number.
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** Header then records, one string per record, produced only as the consumer pulls them. */
export function* csvLines(
  header: readonly string[],
  rows: Iterable<readonly CsvValue[]>,
): Generator<string> {
  yield csvRow(header);
  for (const row of rows) yield csvRow(row);
}
