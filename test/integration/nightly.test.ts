// A night on the local stack: start-nightly-run → aging queue → shard workers → work items → notification → SES.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimEvent } from '../../functions/domain/claim-events.js';
import type { Claim } from '../../functions/domain/claim.js';
import { followUpQueues, tenantSettings } from '../../functions/domain/tenant-settings.js';
import { planWorkItem } from '../../functions/domain/work-item.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { TenantSettingsStore } from '../../functions/store/tenant-settings-store.js';
import { WorkItemStore } from '../../functions/store/work-item-store.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { runNight } from '../../local/nightly-driver.js';
import type { Runtime } from '../../local/runtime.js';
import { directIngest, documentClient, localStack, startTestRuntime, testConfig, uniqueTenant, waitFor } from './harness.js';

const tenant = uniqueTenant('night');
const config = testConfig([tenant]);
const client = documentClient();
const { tableName, endpoints } = localStack();
const claims = new ClaimStore(client, tableName, config.shardCount);
const workItems = new WorkItemStore(client, tableName);
const settings = tenantSettings.parse({ assignmentRules: [{ queue: 'denials', minDollarsCents: 20_000, assignee: 'biller:senior-1' }, { queue: 'rejections', assignee: 'team:front-end' }] });
let runtime: Runtime;
const claimIds: string[] = [];
const identifiers = new Set<string>();

interface SentEmail {
  destination: { to: string[] };
  body: { html?: string; text?: string };
}
const sentEmails = async (): Promise<SentEmail[]> =>
  ((await (await fetch(`${endpoints.ses}/store`)).json()) as { emails: SentEmail[] }).emails.filter((e) => e.destination.to.includes(`manager@${tenant}.example`));

/** What the stored queues hold: claim id → queue. */
const storedQueues = async (): Promise<Map<string, string>> => {
  const found = new Map<string, string>();
  for (const queue of followUpQueues) for (const item of await workItems.listQueue(tenant, queue)) found.set(item.claimId, item.queue);
  return found;
};
/** What the pure domain says the queues should hold on `date`. */
const expectedQueues = async (date: string): Promise<Map<string, string>> => {
  const expected = new Map<string, string>();
  for (const id of claimIds) {
    const stored = await claims.get(tenant, id);
    const plan = stored && planWorkItem(stored.claim as Claim, settings, date);
    if (plan) expected.set(id, plan.queue);
  }
  return expected;
};

beforeAll(async () => {
  await new TenantSettingsStore(client, tableName).put(tenant, settings, 'test', new Date().toISOString());
  for (const events of demoClaimEvents({ tenantId: tenant, claims: 150, today: '2026-11-20', seed: 7 })) {
    for (const event of events) await ingestClaimEvent(claims, claimEvent.parse(event), directIngest);
    const first = events[0]!;
    claimIds.push(first.payload.claimId);
    if (first.type === 'claim.submitted') for (const value of [first.payload.patient.lastName, first.payload.patient.memberId, first.payload.claimId]) identifiers.add(value);
  }
  ({ runtime } = await startTestRuntime(config));
});
afterAll(async () => {
  await runtime.stop();
});

describe('the nightly run', () => {
  it('ages every claim in follow-up across all shards, routes them into the queues the domain decides, and emails once', async () => {
    const inFollowUp = (await Promise.all(claimIds.map((id) => claims.get(tenant, id)))).filter((s) => s?.claim.inFollowUp).length;
    const [summary] = await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-21', 60_000);
    expect(summary!.outcome).toBe('started');
    expect(summary!.run).toMatchObject({ status: 'complete', shardCount: 4 });
    expect([...summary!.run.finishedShards].sort()).toEqual(['000', '001', '002', '003']);
    expect(summary!.run.counts.claimsAged).toBe(inFollowUp);

    const stored = await storedQueues();
    expect(stored).toEqual(await expectedQueues('2026-11-21'));
    expect(new Set(stored.values()).size).toBeGreaterThanOrEqual(4);
    const opened = Object.entries(summary!.run.counts).filter(([k]) => k.startsWith('opened:')).reduce((sum, [, n]) => sum + n, 0);
    expect(opened).toBe(stored.size);
    const denials = await workItems.listQueue(tenant, 'denials');
    for (const item of denials) expect(item.assignee).toBe(item.dollarsCents >= 20_000 ? 'biller:senior-1' : 'pool');
    expect(denials.map((d) => d.priority)).toEqual([...denials.map((d) => d.priority)].sort((a, b) => b - a));

    const emails = await waitFor(async () => ((await sentEmails()).length > 0 ? sentEmails() : undefined), 20_000, 'the email');
    expect(emails).toHaveLength(1);
    expect(emails[0]!.body.text).toMatch(new RegExp(`Claims aged +${inFollowUp.toLocaleString('en-US')}\\n`));
    for (const identifier of identifiers) expect(JSON.stringify(emails[0])).not.toContain(identifier);
  });

  it('re-running a date gives the same queues and writes nothing', async () => {
    const before = await storedQueues();
    const [again] = await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-21', 60_000, true);
    expect(again!.outcome).toBe('restarted');
    expect(again!.run.counts.writes ?? 0).toBe(0);
    expect(await storedQueues()).toEqual(before);
    const [plain] = await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-21', 60_000);
    expect(plain!.outcome).toBe('already-complete');
  });

  it('on the next nights writes only what changed, and follows the domain as deadlines pass', async () => {
    const [next] = await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-22', 60_000);
    expect(next!.run.counts.writes ?? 0).toBeLessThan(claimIds.length * 0.1);
    expect(await storedQueues()).toEqual(await expectedQueues('2026-11-22'));
    // An admin saved recipients for the tenant: they get the emails from now on.
    await new TenantSettingsStore(client, tableName).put(tenant, { ...settings, managerEmails: [`lead@${tenant}.example`] }, 'test', new Date().toISOString());
    const [later] = await runNight(runtime.startNightly, client, tableName, config.tenants, '2027-02-15', 60_000);
    const toLead = async () =>
      ((await (await fetch(`${endpoints.ses}/store`)).json()) as { emails: SentEmail[] }).emails.filter((e) => e.destination.to.includes(`lead@${tenant}.example`));
    await waitFor(async () => ((await toLead()).length === 1 ? true : undefined), 20_000, 'the email to the saved recipient');
    expect(await storedQueues()).toEqual(await expectedQueues('2027-02-15'));
    expect(Object.keys(later!.run.counts).some((k) => k.startsWith('closed:') || k.startsWith('updated:'))).toBe(true);
  });
});
