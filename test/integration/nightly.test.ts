// A night on the local stack: start-nightly-run → aging queue → shard workers → notification queue → SES.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { RunStore } from '../../functions/store/run-store.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { runNight } from '../../local/nightly-driver.js';
import type { Runtime } from '../../local/runtime.js';
import { directIngest, documentClient, localStack, startTestRuntime, testConfig, uniqueTenant, waitFor } from './harness.js';

const tenant = uniqueTenant('night');
const config = testConfig([tenant]);
const client = documentClient();
const { tableName, endpoints } = localStack();
const claims = new ClaimStore(client, tableName, config.shardCount);
let runtime: Runtime;
let openClaims = 0;
const patientNames = new Set<string>();

interface SentEmail {
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}
const sentEmails = async (): Promise<SentEmail[]> =>
  ((await (await fetch(`${endpoints.ses}/store`)).json()) as { emails: SentEmail[] }).emails.filter((e) =>
    e.destination.to.includes(`manager@${tenant}.example`),
  );

beforeAll(async () => {
  for (const events of demoClaimEvents({ tenantId: tenant, claims: 120, today: '2026-11-20', seed: 7 })) {
    for (const event of events) {
      const { event: applied } = await ingestClaimEvent(claims, claimEvent.parse(event), directIngest);
      if (applied.type === 'claim.submitted') {
        patientNames.add(applied.payload.patient.lastName);
        patientNames.add(applied.payload.patient.memberId);
        patientNames.add(applied.payload.claimId);
      }
    }
    const stored = await claims.get(tenant, events[0]!.payload.claimId);
    if (stored!.claim.open) openClaims++;
  }
  ({ runtime } = await startTestRuntime(config));
});
afterAll(async () => {
  await runtime.stop();
});

describe('the nightly run', () => {
  it('ages every open claim across all shards, completes the run, and emails the managers once', async () => {
    const [summary] = await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-21', 60_000);
    expect(summary!.outcome).toBe('started');
    expect(summary!.run).toMatchObject({ status: 'complete', shardCount: 4, claimsAged: openClaims, claimsChanged: openClaims });
    expect([...summary!.run.finishedShards].sort()).toEqual(['000', '001', '002', '003']);

    const emails = await waitFor(async () => ((await sentEmails()).length > 0 ? sentEmails() : undefined), 20_000, 'the digest');
    expect(emails).toHaveLength(1);
    expect(emails[0]!.body.text).toContain(`Open claims aged: ${openClaims}`);
    expect(emails[0]!.body.html).toContain('<table');
    for (const identifier of patientNames) {
      expect(JSON.stringify(emails[0])).not.toContain(identifier);
    }
  });

  it('writes only claims whose bucket changed on the next night, and a re-run of a date changes nothing', async () => {
    const [next] = await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-22', 60_000);
    expect(next!.run.claimsAged).toBe(openClaims);
    expect(next!.run.claimsChanged).toBeLessThan(openClaims / 4);

    const [again] = await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-22', 60_000);
    expect(again!.outcome).toBe('already-complete');
    expect(again!.run).toEqual(next!.run);
    const run = await new RunStore(client, tableName).get(tenant, '2026-11-22');
    expect(run?.finishedShards).toHaveLength(4);
  });
});
