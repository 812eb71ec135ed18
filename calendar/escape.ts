/**
 * Escaping by output format, one place each. Names, segment values and free text can come
 * from sdk keys (public input: they ship inside apps), so every export treats them as hostile:
 * - CSV (csv-stringify, RFC 4180): a cell that begins with `=`, `+`, `-`, `@`, tab or CR is
 *   prefixed with `'`, so a spreadsheet shows it as text instead of running it as a formula
 *   (OWASP "CSV injection"); numbers are written as numbers.
 * - Markdown: text can make no markup of its own: no HTML, no links or images, no headings,
 *   no emphasis or code, no table cells; line breaks become spaces.
 * - iCalendar text (RFC 5545 §3.3.11): backslash, `;`, `,` and line breaks escaped.
 */
import { stringify } from 'csv-stringify/sync';

/**
 * Rows as RFC 4180 CSV with CRLF line ends, formula cells neutralised.
 * @example toCsv([['name', 'users'], ['=HYPERLINK("http://evil.example")', 12]]) // 'name,users\r\n"\'=HYPERLINK(""http://evil.example"")",12\r\n'
 */
export function toCsv(rows: unknown[][]): string {
  return stringify(rows.map((r) => r.map(csvValue)), { record_delimiter: 'windows', escape_formulas: true, quoted_match: /[\r\n,"]/ });
}

function csvValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return String(value); // booleans as true/false
}

/**
 * Plain text for Markdown: every character Markdown or HTML could read as markup is escaped
 * with a backslash (CommonMark: any ASCII punctuation may be), line breaks become spaces.
 * @example markdownText('<img src=x> [x](javascript:alert(1))') // '\\<img src=x\\> \\[x\\]\\(javascript:alert\\(1\\)\\)'
 */
export function markdownText(text: string | number | null | undefined): string {
  return String(text ?? '').replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_{}[\]()<>#!|~&]/g, (c) => `\\${c}`)
    // At the start, a list marker or a setext underline would be markup too.
    .replace(/^([+=-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

/**
 * Text for an iCalendar property value (RFC 5545 §3.3.11).
 * @example icsText('Q1; plan, "retention"\r\nBEGIN:VEVENT') // 'Q1\\; plan\\, "retention"\\nBEGIN:VEVENT'
 */
export function icsText(text: string): string {
  return text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * One content line `NAME:value` with the value escaped (`icsText`) and folded at 75 octets
 * (RFC 5545 §3.1), never inside a UTF-8 character.
 * @example icsLine('X-WR-CALNAME', 'Q1\r\nBEGIN:VEVENT') // 'X-WR-CALNAME:Q1\\nBEGIN:VEVENT'
 */
export function icsLine(name: string, value: string): string {
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of `${name}:${icsText(value)}`) {
    const n = Buffer.byteLength(ch);
    // A continuation line starts with a space, which counts towards its 75 octets.
    if (octets + n > (lines.length === 0 ? 75 : 74)) { lines.push(current); current = ''; octets = 0; }
    current += ch;
    octets += n;
  }
  lines.push(current);
  return lines.join('\r\n ');
}
