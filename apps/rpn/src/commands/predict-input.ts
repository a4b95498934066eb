import * as fs from 'node:fs';
import { ValueError } from '@rpn/core';

/** Rows read by {@link readRows}, with where each came from (for messages). */
export interface InputRows {
  readonly rows: number[][];
  /** `row R (line N)` (CSV: data row and file line, 1-based) or `row R` (JSON) of each row. */
  readonly where: readonly string[];
  /** The header cells when the CSV had one. */
  readonly header: readonly string[] | null;
  /** True when the header is tinyBIG's `Name_type` table header: its id (first) and label (last) columns were dropped. */
  readonly tinybigTable: boolean;
  /** Feature names of a tinyBIG table header (between id and label). */
  readonly featureNames: readonly string[] | null;
}

/** A plain decimal number (what a data cell must hold): `-1`, `2.5`, `.5`, `1e-3`; not `0x10`, `Infinity`, `NaN`, ``. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** tinyBIG's column types (`Name_type` headers of its tabular CSVs). */
const TABLE_TYPE = /_(int|integer|float|double|str|string|strings)$/i;

const cellError = (message: string, file: string, where: string, column: number, name: string | undefined, expected: string, cell: string) =>
  new ValueError(message, { argument: `--input ${where}, column ${column}${name ? ` (${name})` : ''}`, expected, received: `${JSON.stringify(cell)} in ${file}` });

/** One cell as a finite number, else a ValueError naming line and column. */
function cellValue(raw: string, file: string, where: string, column: number, name?: string): number {
  const c = raw.trim();
  if (c === '') throw cellError('empty input cell', file, where, column, name, 'a number (empty cells are not read as 0)', raw);
  if (!NUMBER.test(c)) throw cellError('input cell is not a number', file, where, column, name, 'a decimal number', raw);
  const v = Number(c);
  if (!Number.isFinite(v)) throw cellError('input cell is out of range', file, where, column, name, 'a finite number (|x| < 1.8e308)', raw);
  return v;
}

function readCsv(text: string, file: string): InputRows {
  const lines = text.split(/\r?\n/).map((l, i) => ({ text: l, line: i + 1 })).filter((l) => l.text.trim() !== '');
  if (lines.length === 0) throw new ValueError('the input file holds no rows', { argument: '--input', expected: 'one or more rows of numbers', received: `an empty file ${file}` });
  const split = (l: string) => l.split(/[,;\t]/);
  const first = split(lines[0]!.text);
  const numeric = first.map((c) => NUMBER.test(c.trim()));
  let header: string[] | null = null;
  if (numeric.some((n) => !n)) {
    if (numeric.some((n) => n)) {
      const j = numeric.findIndex((n) => !n);
      throw cellError('the first row mixes numbers and text: it is neither a header (every cell text) nor a row of numbers', file, `row 1 (line ${lines[0]!.line})`, j + 1, undefined, 'a header of names only, or numbers only', first[j]!);
    }
    header = first.map((c) => c.trim());
    lines.shift();
  }
  if (lines.length === 0) throw new ValueError('the input file holds a header but no rows', { argument: '--input', expected: 'one or more rows of numbers after the header', received: `only the header of ${file}` });
  const tinybigTable = header !== null && header.length >= 3 && header.every((h) => TABLE_TYPE.test(h));
  const featureNames = tinybigTable ? header!.slice(1, -1).map((h) => h.replace(TABLE_TYPE, '')) : null;
  const rows: number[][] = [];
  const where: string[] = [];
  for (const { text: l, line } of lines) {
    const cells = split(l);
    const at = `row ${rows.length + 1} (line ${line})`;
    if (header && cells.length !== header.length) throw new ValueError('input row does not have the header\'s number of columns', { argument: `--input ${at}`, expected: `${header.length} columns`, received: `${cells.length} in ${file}` });
    // a tinyBIG table: first column id, last column label, as its data loader reads it
    const keep = tinybigTable ? cells.slice(1, -1) : cells;
    const offset = tinybigTable ? 2 : 1;
    rows.push(keep.map((c, j) => cellValue(c, file, at, j + offset, header?.[j + offset - 1])));
    where.push(at);
  }
  return Object.freeze({ rows, where, header, tinybigTable, featureNames });
}

function readJson(text: string, file: string): InputRows {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { throw new ValueError(`input is not valid JSON: ${(e as Error).message}`, { argument: '--input', expected: 'JSON rows', received: file }); }
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) doc = (doc as { rows?: unknown; inputs?: unknown }).rows ?? (doc as { inputs?: unknown }).inputs;
  if (!Array.isArray(doc)) throw new ValueError('JSON input must be an array of rows', { argument: '--input', expected: '[[x1, x2, …], …] or {"rows": […]}', received: typeof doc });
  if (doc.length === 0) throw new ValueError('the input file holds no rows', { argument: '--input', expected: 'one or more rows of numbers', received: `an empty list in ${file}` });
  const rows: number[][] = [];
  const where: string[] = [];
  doc.forEach((r: unknown, i) => {
    const row = typeof r === 'number' ? [r] : r;
    const at = `row ${i + 1}`;
    if (!Array.isArray(row) || row.length === 0) throw new ValueError('input row is not a list of numbers', { argument: `--input ${at}`, expected: 'a non-empty list of finite numbers', received: JSON.stringify(r)?.slice(0, 80) ?? String(r) });
    rows.push(row.map((v: unknown, j: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError('input value is not a finite number', { argument: `--input ${at}, column ${j + 1}`, expected: 'a finite number', received: JSON.stringify(v) ?? String(v) });
      return v;
    }));
    where.push(at);
  });
  return Object.freeze({ rows, where, header: null, tinybigTable: false, featureNames: null });
}

/**
 * Reads prediction inputs. CSV: one row per line (`,`, `;` or tab); the first line is a header
 * only when every cell of it is text; a tinyBIG `Name_type` header (`Id_int,…,Label_str`) marks
 * the dataset's own layout, whose id and label columns are dropped. JSON: `[[…], …]` or
 * `{"rows": […]}`. Empty cells, text in data rows, non-finite values and files without rows are
 * ValueErrors naming the line (row) and column.
 */
export function readInputRows(file: string): InputRows {
  if (!fs.existsSync(file)) throw new ValueError('input file not found', { argument: '--input', expected: 'a CSV or JSON file of rows', received: file });
  let text: string;
  try { text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''); } catch (e) {
    throw new ValueError(`cannot read the input file: ${(e as Error).message.split('\n')[0]}`, { argument: '--input', expected: 'a readable CSV or JSON file', received: file });
  }
  const t = text.trim();
  return file.endsWith('.json') || t.startsWith('[') || t.startsWith('{') ? readJson(t, file) : readCsv(text, file);
}

/** The rows of {@link readInputRows}. */
export function readRows(file: string): number[][] {
  return readInputRows(file).rows;
}
