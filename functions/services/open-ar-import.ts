// Bulk onboarding: reads an open-AR export (CSV or JSON Lines) row by row and applies each row's events through the
// same validation, state machine and store as the ingest consumer. Re-runs are safe: event ids come from the
// claim, so a row imported before changes nothing.
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { eventsFromRow } from '../domain/open-ar-row.js';
import { PermanentError } from '../shared/errors.js';
import type { ClaimStore } from '../store/claim-store.js';
import { ingestClaimEvent, type IngestContext } from './ingest-claim-event.js';

export type RowOutcome = 'imported' | 'already-imported' | 'rejected';

export interface RowReport {
  /** 1-based data row (the CSV header is not counted); the line number in JSON Lines. */
  readonly row: number;
  readonly outcome: RowOutcome;
  /** Field names and what is wrong with them; never the values. */
  readonly errors: readonly string[];
}

export interface ImportSummary {
  readonly rows: number;
  readonly imported: number;
  readonly alreadyImported: number;
  readonly rejected: number;
  readonly reports: RowReport[];
}

export type ExportFormat = 'csv' | 'jsonl';

export const formatOf = (path: string): ExportFormat | undefined =>
  /\.csv$/i.test(path) ? 'csv' : /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : undefined;

/** Rows of the file as objects keyed by column, or a parse error for the row. */
async function* readRows(path: string, format: ExportFormat): AsyncGenerator<{ row: number; value?: Record<string, unknown>; error?: string }> {
  if (format === 'csv') {
    let row = 0;
    const parser = createReadStream(path).pipe(parse({ columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), bom: true, skip_empty_lines: true, relax_column_count: true }));
    for await (const record of parser) yield { row: ++row, value: record as Record<string, unknown> };
    return;
  }
  let row = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    row++;
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) yield { row, error: '(row): expected a JSON object' };
      else yield { row, value: value as Record<string, unknown> };
    } catch {
      yield { row, error: '(row): not valid JSON' };
    }
  }
}

/** Counts data rows quickly, for the progress bar. */
export const countRows = async (path: string, format: ExportFormat): Promise<number> => {
  let count = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) if (line.trim() !== '') count++;
  return format === 'csv' ? Math.max(0, count - 1) : count;
};

const importRow = async (store: ClaimStore, tenantId: string, raw: Record<string, unknown>, context: IngestContext): Promise<Omit<RowReport, 'row'>> => {
  const mapped = eventsFromRow(tenantId, raw);
  if (!mapped.ok) return { outcome: 'rejected', errors: mapped.errors };
  let applied = 0;
  try {
    for (const event of mapped.events) if ((await ingestClaimEvent(store, event, context)).outcome === 'applied') applied++;
  } catch (error) {
    if (error instanceof PermanentError) return { outcome: 'rejected', errors: [error.message] };
    throw error;
  }
  return { outcome: applied > 0 ? 'imported' : 'already-imported', errors: [] };
};

export interface ImportOptions {
  readonly path: string;
  readonly format: ExportFormat;
  readonly tenantId: string;
  readonly store: ClaimStore;
  readonly context: IngestContext;
  readonly concurrency?: number;
  readonly onRow?: (report: RowReport) => void;
}

/** Imports every row, a few at a time; a bad row is reported and skipped, never half-written. */
export const importOpenAr = async (options: ImportOptions): Promise<ImportSummary> => {
  const reports: RowReport[] = [];
  const rows = readRows(options.path, options.format);
  const worker = async (): Promise<void> => {
    for (;;) {
      const next = await rows.next();
      if (next.done) return;
      const { row, value, error } = next.value;
      const report: RowReport = error || !value ? { row, outcome: 'rejected', errors: [error ?? '(row): empty'] } : { row, ...(await importRow(options.store, options.tenantId, value, options.context)) };
      reports.push(report);
      options.onRow?.(report);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  reports.sort((a, b) => a.row - b.row);
  const count = (outcome: RowOutcome) => reports.filter((r) => r.outcome === outcome).length;
  return { rows: reports.length, imported: count('imported'), alreadyImported: count('already-imported'), rejected: count('rejected'), reports };
};

/** The per-row report as CSV: row, outcome, errors (field names and reasons only). */
export const reportCsv = (reports: readonly RowReport[]): string =>
  ['row,outcome,errors', ...reports.map((r) => `${r.row},${r.outcome},"${r.errors.join(' | ').replace(/"/g, '""')}"`)].join('\n') + '\n';
