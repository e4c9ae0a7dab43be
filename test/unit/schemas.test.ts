// The JSON Schema files producers use: current with the zod contract, and accepting what the contract accepts.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoClaimEvents } from '../../local/demo-data.js';
import { jsonSchemaOf, schemaPath } from '../../scripts/export-schemas.js';

const committed = readFileSync(schemaPath(1), 'utf8');

describe('claim event JSON Schema v1', () => {
  it('is current with the zod contract (run `npm run schemas` after changing it)', () => {
    expect(committed).toBe(jsonSchemaOf(1));
  });

  it('accepts every kind of demo event and refuses one with a missing field', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(JSON.parse(committed));
    const events = [...demoClaimEvents({ tenantId: 'clinic-a', claims: 200, today: '2026-11-20' })].flat();
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThanOrEqual(6);
    for (const event of events) expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
    const broken = structuredClone(events[0]!) as { payload: Record<string, unknown> };
    delete broken.payload.billingNpi;
    expect(validate(broken)).toBe(false);
  });
});
