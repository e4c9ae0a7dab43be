// Regenerates functions/domain/code-lists/*.json from the X12 code lists (CARC, RARC, 277 claim status categories).
// CARC/RARC lists change three times a year: drop the new CSVs in ../shared/fixtures/x12/codes and run
// `npx tsx scripts/build-code-lists.ts`, then commit the JSON.
import { parse } from 'csv-parse/sync';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = (name: string): string =>
  fileURLToPath(new URL(`../../shared/fixtures/x12/codes/DHR-Health__py835__py835_codes_dir_${name}.csv`, import.meta.url));
const target = (name: string): string => fileURLToPath(new URL(`../functions/domain/code-lists/${name}.json`, import.meta.url));

/** Code → { description, stoppedOn? }, with the list's "Start: … | Stop: …" notes taken off the description. */
const build = (csv: string, json: string): void => {
  const rows = parse(readFileSync(source(csv), 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Array<{ Code: string; Description: string }>;
  const list: Record<string, { description: string; stoppedOn?: string }> = {};
  for (const row of rows) {
    const stop = /Stop:\s*(\d{2})\/(\d{2})\/(\d{4})/.exec(row.Description);
    const description = row.Description.replace(/\s*(Start|Last Modified|Stop|Notes):.*$/s, '').trim();
    list[row.Code.trim()] = { description, ...(stop ? { stoppedOn: `${stop[3]}-${stop[1]}-${stop[2]}` } : {}) };
  }
  writeFileSync(target(json), `${JSON.stringify(list, null, 0).replace(/\},"/g, '},\n"')}\n`);
  console.log(`${json}: ${Object.keys(list).length} codes`);
};

build('claim_adjustment_reason_codes', 'carc');
build('remittance_advice_remark_codes', 'rarc');
build('claim_status_category_codes', 'claim-status-category');
