// The API's OpenAPI 3.1 document: valid against the OpenAPI 3.1 schema, and a client generated from it type-checks
// (and refuses a queue name the API does not have).
import { Validator } from '@seriousme/openapi-schema-validator';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateApi } from 'swagger-typescript-api';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/api/openapi.js';

const run = promisify(execFile);
const dir = join(process.cwd(), 'test-artifacts', 'openapi-client');

describe('OpenAPI document', () => {
  const document = openApiDocument('http://127.0.0.1:3000');

  it('validates against the OpenAPI 3.1 schema and documents every route with its errors', async () => {
    const result = await new Validator().validate(document as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    const paths = document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/work-items', '/work-items/next', '/claims/{claimId}/actions', '/reports/aging', '/config/settings']));
    expect(Object.keys(paths['/work-items']!.get!.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
  });

  it('generates a typed client that type-checks, and whose types catch a wrong queue name', { timeout: 60_000 }, async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await generateApi({ spec: document as never, output: dir, fileName: 'api-client.ts', silent: true, httpClientType: 'fetch' });
    writeFileSync(
      join(dir, 'use.ts'),
      `import { Api } from './api-client';
const api = new Api({ baseUrl: 'http://127.0.0.1:3000' });
export async function firstDenial(): Promise<[number, string, string[]]> {
  const page = await api.workItems.listWorkItems({ tenant: 'demo-lakeside', queue: 'denials', limit: 5 });
  const item = page.data.items[0]!;
  return [item.priority, item.queue, item.reasons];
}
export async function appeal(claimId: string): Promise<string> {
  const recorded = await api.claims.recordAction(claimId, { type: 'appeal-filed', appealLevel: 'first', outcome: 'sent' }, { tenant: 'demo-lakeside' });
  return recorded.data.recorded;
}
// @ts-expect-error: the API has no such queue
api.workItems.listWorkItems({ queue: 'bogus' });
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], skipLibCheck: true, types: [] }, include: ['*.ts'] }),
    );
    const tsc = join(process.cwd(), 'node_modules', '.bin', 'tsc');
    const result = await run(tsc, ['-p', join(dir, 'tsconfig.json')]).catch((error: { stdout: string; code: number }) => error);
    expect((result as { stdout: string }).stdout).toBe('');
    expect((result as { code?: number }).code ?? 0).toBe(0);
  });
});
