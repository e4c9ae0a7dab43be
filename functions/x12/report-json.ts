// The file report's JSON written in parts, so that a report is never one object or one string in memory: the same
// text JSON.stringify gives for the whole report (keys in the same order), put together from the file's head, each
// transaction line around its list, and each list entry.
import type { FileError, FileFacts, FileReport } from './file-report.js';

/**
 * A report line's JSON around its list: `before` ends with `"<listKey>":[`, `after` starts with `]`; entries go
 * between, comma-separated. Without a list key, `before` is the whole line.
 */
export const lineJson = (line: object, listKey?: string): { before: string; after: string } => {
  if (listKey === undefined) return { before: JSON.stringify(line), after: '' };
  let before = '{';
  let after: string | undefined;
  let first = true;
  for (const [key, value] of Object.entries(line)) {
    if (key === listKey) {
      before += `${first ? '' : ','}${JSON.stringify(key)}:[`;
      after = ']';
      first = false;
      continue;
    }
    // As JSON.stringify does: a property whose value has no JSON (undefined) is left out.
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) continue;
    const part = `${first ? '' : ','}${JSON.stringify(key)}:${json}`;
    first = false;
    if (after === undefined) before += part;
    else after += part;
  }
  if (after === undefined) throw new Error(`the line has no ${listKey} field`);
  return { before, after: `${after}}` };
};

/** The report's JSON up to its transactions' first line: `{"file":...,"errors":[...],"transactions":[`. */
export const reportHead = (facts: FileFacts, status: FileReport['status'], errors: readonly FileError[]): string => {
  const head = JSON.stringify({ file: facts.file, sha256: facts.sha256, bytes: facts.bytes, status, errors });
  return `${head.slice(0, -1)},"transactions":[`;
};
