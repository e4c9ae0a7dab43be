// What the ingest consumer logs (info to stdout, warnings to stderr): event id, tenant, type and outcome; never a patient's name, member or account
// number, claim number or date of service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaimStore } from '../../functions/store/claim-store.js';
import type { Runtime } from '../../local/runtime.js';
import { documentClient, localStack, sendTo, startTestRuntime, submittedEvent, testConfig, uniqueTenant, waitFor } from './harness.js';

process.env.LOG_LEVEL = 'INFO';
const tenant = uniqueTenant('logs');
const config = testConfig([tenant]);
let runtime: Runtime;
const lines: string[] = [];
const streams = [process.stdout, process.stderr] as const;
const writes = streams.map((stream) => stream.write.bind(stream));

beforeAll(async () => {
  // Before the handlers load: their logger keeps the stream it finds then.
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (writes[i] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  ({ runtime } = await startTestRuntime(config));
});
afterAll(async () => {
  streams.forEach((stream, i) => (stream.write = writes[i]!));
  await runtime.stop();
});

describe('ingest logs', () => {
  it('carry eventId, tenantId, type and outcome, and no patient identifiers, for applied and rejected events', async () => {
    const good = submittedEvent(tenant, 'CLM-LOG-7781');
    const bad = submittedEvent(tenant, 'CLM-LOG-7782');
    (bad.payload as { billingNpi: string }).billingNpi = '1234567890';
    await sendTo('ingest', good);
    await sendTo('ingest', bad);
    const claims = new ClaimStore(documentClient(), localStack().tableName, config.shardCount);
    await waitFor(() => claims.get(tenant, 'CLM-LOG-7781'), 20_000, 'the claim');
    await waitFor(async () => (lines.some((l) => l.includes('claim event rejected')) ? true : undefined), 20_000, 'the rejection log');
    const logs = lines.join('');
    expect(logs).toContain(`"eventId":"${good.eventId}"`);
    expect(logs).toContain('"outcome":"applied"');
    expect(logs).toContain('"outcome":"rejected"');
    expect(logs).toContain('billingNpi: NPI check digit');
    const p = good.payload as typeof good.payload & { patient: Record<string, string> };
    for (const identifier of [p.patient.lastName, p.patient.firstName, p.patient.memberId, p.patient.accountNumber, p.patient.dateOfBirth, 'CLM-LOG-7781', 'CLM-LOG-7782', '2026-09-28', '1234567890']) {
      expect(logs, identifier).not.toContain(identifier);
    }
  });
});
