/**
 * A minimal RFC 4180 writer (no dependency needed for this much): fields with a quote, a
 * separator or a line break are quoted with inner quotes doubled, and records end with CRLF.
 * Text is defused against formula (CSV) injection as OWASP's "CSV Injection" page advises.
 */
export type CsvValue = string | number | boolean | null | undefined;

// Spreadsheets may split a cell again on `;` or a tab (locale, paste, text import), so the
// start of every part such a split could make a cell of its own is defused, past any blanks.
const FORMULA_PART = /(^|[,;\t\r\n])([ \t\r\n]*)(?=[=+\-@])/g;
// A cell starting with one of these is run as a formula, or trimmed into one (OWASP).
const DANGEROUS_START = /^[=+\-@\t\r\n]/;
// Quoted: whatever a reader could take for a separator, a quote or a line break.
const NEEDS_QUOTES = /[",;\t\r\n]/;

/**
 * One field. Text gets a single quote before anything a spreadsheet would evaluate; numbers and
 * booleans are ours, not typed-in text, and stay numbers (`-5` is not escaped).
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const parts = value.replace(FORMULA_PART, "$1$2'");
  const text = DANGEROUS_START.test(parts) ? `'${parts}` : parts;
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
