// Billers taking work: the ranked list, and leases that never give two billers the same claim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../functions/domain/calendar.js';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { kpiContributions } from '../../functions/domain/kpis.js';
import { followUpQueues } from '../../functions/domain/tenant-settings.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { HistoryStore } from '../../functions/store/history-store.js';
import { WorkItemStore } from '../../functions/store/work-item-store.js';
import { type DevAuth } from '../../local/dev-auth.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { runNight } from '../../local/nightly-driver.js';
import type { Runtime } from '../../local/runtime.js';
import { directIngest, documentClient, localStack, readUtcDaysSince, startTestApi, testConfig, uniqueTenant } from './harness.js';

/** Demo claims in tenant A: enough for 50 billers at once to each get an item. */
const demoClaims = 320;
const tenantA = uniqueTenant('work-a');
const tenantB = uniqueTenant('work-b');
const config = testConfig([tenantA, tenantB]);
let runtime: Runtime;
let stopApi: () => Promise<void>;
let auth: DevAuth;
let base: string;
let openItems = 0;

const biller = (n: number, tenants = [tenantA]) => auth.sign({ sub: `biller-${n}`, email: `b${n}@x.example`, roles: ['biller'], tenants });
const call = async (method: string, path: string, token: string, body?: unknown) =>
  fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });

beforeAll(async () => {
  const claims = new ClaimStore(documentClient(), localStack().tableName, config.shardCount);
  for (const events of demoClaimEvents({ tenantId: tenantA, claims: demoClaims, today: '2026-11-20', seed: 31 })) {
    for (const event of events) await ingestClaimEvent(claims, claimEvent.parse(event), directIngest);
  }
  ({ runtime, auth, base, stop: stopApi } = await startTestApi(config));
  await runNight(runtime.startNightly, documentClient(), localStack().tableName, [config.tenants[0]!], '2026-11-21', 60_000);
  const store = new WorkItemStore(documentClient(), localStack().tableName);
  for (const queue of followUpQueues) openItems += (await store.listQueue(tenantA, queue)).length;
});
afterAll(async () => {
  await stopApi();
});

describe('work items', () => {
  it('lists a queue ranked highest priority first, with reasons in words and days left', async () => {
    const response = await call('GET', `/work-items?tenant=${tenantA}&queue=denials&limit=200`, await biller(1));
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: Array<{ priority: number; reasons: string[]; queue: string; daysLeft?: number }> };
    expect(items.length).toBeGreaterThan(5);
    expect(items.map((i) => i.priority)).toEqual([...items.map((i) => i.priority)].sort((a, b) => b - a));
    expect(items[0]!.reasons[0]).toMatch(/^denied (CO|OA|PR|PI)-\w+: /);
    expect(items.every((i) => i.queue === 'denials')).toBe(true);
  });

  it('gives 50 billers asking at once 50 different items (or nothing), never the same one twice', async () => {
    expect(openItems).toBeGreaterThanOrEqual(50);
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, n) => biller(100 + n)));
    const responses = await Promise.all(tokens.map((token) => call('POST', '/work-items/next', token, {})));
    const taken = await Promise.all(responses.map(async (r) => (r.status === 200 ? ((await r.json()) as { claimId: string; leasedBy: string }) : undefined)));
    expect(responses.every((r) => r.status === 200 || r.status === 204)).toBe(true);
    const ids = taken.filter((t) => t !== undefined).map((t) => t!.claimId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(50);
    taken.forEach((t, n) => expect(t?.leasedBy).toBe(`biller-${100 + n}`));
  });

  it('renews and releases only the holder\'s lease, and a released item can be taken again', async () => {
    const holder = await biller(7);
    const other = await biller(8);
    const first = (await (await call('POST', '/work-items/next', holder, { queue: 'denials' })).json()) as { claimId: string; queue: string };
    expect(first.queue).toBe('denials');
    expect((await call('POST', `/work-items/${first.claimId}/renew?tenant=${tenantA}`, other)).status).toBe(409);
    expect((await call('POST', `/work-items/${first.claimId}/renew?tenant=${tenantA}`, holder)).status).toBe(200);
    expect((await call('POST', `/work-items/${first.claimId}/release?tenant=${tenantA}`, other)).status).toBe(409);
    expect((await call('POST', `/work-items/${first.claimId}/release?tenant=${tenantA}`, holder)).status).toBe(204);
    const again = (await (await call('POST', '/work-items/next', other, { queue: 'denials' })).json()) as { claimId: string };
    expect(again.claimId).toBe(first.claimId);
  });

  it('keeps tenants apart: another tenant\'s biller gets 404 for this tenant\'s work', async () => {
    const outsider = await biller(9, [tenantB]);
    const store = new WorkItemStore(documentClient(), localStack().tableName);
    const [item] = await store.listQueue(tenantA, 'denials');
    expect((await call('GET', `/work-items?tenant=${tenantA}&queue=denials`, outsider)).status).toBe(404);
    expect((await call('POST', `/work-items/${item!.claimId}/renew?tenant=${tenantA}`, outsider)).status).toBe(404);
    expect((await call('POST', '/work-items/next', outsider, { tenant: tenantA })).status).toBe(404);
    expect((await call('POST', '/work-items/next', outsider, {})).status).toBe(204); // tenant B has no work
  });

  it('records an action: the claim changes, its work item is re-planned at once, and it is history and audit', async () => {
    const token = await biller(11);
    const since = new Date().toISOString();
    const taken = (await (await call('POST', '/work-items/next', token, { queue: 'denials', tenant: tenantA })).json()) as { claimId: string };
    const response = await call('POST', `/claims/${taken.claimId}/actions?tenant=${tenantA}`, token, { type: 'appeal-filed', appealLevel: 'first', outcome: 'faxed records with the appeal' });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ recorded: 'appeal-filed', workItem: null }); // nothing due until the decision is late
    const claim = (await (await call('GET', `/claims/${taken.claimId}?tenant=${tenantA}`, token)).json()) as { status: string; history: Array<{ kind: string; type: string }>; clocks: Array<{ kind: string }> };
    expect(claim.status).toBe('appealed');
    expect(claim.history.at(-1)).toMatchObject({ kind: 'action', type: 'appeal-filed' });
    expect(claim.history.some((h) => h.kind === 'event' && h.type === 'claim.appealed')).toBe(true);
    expect(claim.clocks.map((c) => c.kind)).toContain('appeal-decision');
    const history = new HistoryStore(documentClient(), localStack().tableName);
    const entries = await readUtcDaysSince(since, (day) => history.auditEntries(tenantA, day));
    const mine = entries.filter((e) => e.userId === 'biller-11' && e.claimId === taken.claimId).map((e) => e.action);
    expect(mine).toEqual(expect.arrayContaining(['take-work', 'action:appeal-filed', 'read-claim']));
  });

  it('pends a claim: the next follow-up date hides its work until then', async () => {
    const token = await biller(12);
    const taken = (await (await call('POST', '/work-items/next', token, { queue: 'no-response', tenant: tenantA })).json()) as { claimId: string };
    const later = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const response = await call('POST', `/claims/${taken.claimId}/actions?tenant=${tenantA}`, token, { type: 'status-check', outcome: 'payer says in process', nextFollowUpOn: later });
    expect(await response.json()).toMatchObject({ workItem: null, followUpOn: later });
  });

  it('refuses an action missing what it needs, naming the field, and writes nothing', async () => {
    const token = await biller(13);
    const [item] = await new WorkItemStore(documentClient(), localStack().tableName).listQueue(tenantA, 'denials');
    const before = await new HistoryStore(documentClient(), localStack().tableName).actions(tenantA, item!.claimId);
    const response = await call('POST', `/claims/${item!.claimId}/actions?tenant=${tenantA}`, token, { type: 'called-payer', outcome: 'spoke to rep' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: 'callReference' }] });
    expect(await new HistoryStore(documentClient(), localStack().tableName).actions(tenantA, item!.claimId)).toEqual(before);
  });

  it('summarizes the queues of the caller\'s tenants: counts, dollars, oldest, near a deadline', async () => {
    const response = await call('GET', '/queues', await biller(1));
    const { tenants } = (await response.json()) as { tenants: Array<{ tenantId: string; queues: Array<{ queue: string; count: number; dollarsCents: number }> }> };
    expect(tenants.map((t) => t.tenantId)).toEqual([tenantA]);
    const store = new WorkItemStore(documentClient(), localStack().tableName);
    for (const q of tenants[0]!.queues) {
      const items = await store.listQueue(tenantA, q.queue as (typeof followUpQueues)[number]);
      expect(q.count, q.queue).toBe(items.length);
      expect(q.dollarsCents, q.queue).toBe(items.reduce((sum, i) => sum + i.dollarsCents, 0));
    }
  });

  it('lets a manager, and only a manager, reassign work; the new assignee sees it as theirs', async () => {
    const manager = await auth.sign({ sub: 'manager-1', email: 'm@x.example', roles: ['manager'], tenants: [tenantA, tenantB] });
    const store = new WorkItemStore(documentClient(), localStack().tableName);
    const [item] = (await Promise.all(followUpQueues.map((queue) => store.listQueue(tenantA, queue)))).flat().filter((i) => i.assignee === 'pool');
    // Work goes only to the roster (issue 13 item 6): biller-77 joins it first.
    const admin = await auth.sign({ sub: 'admin-1', email: 'a@x.example', roles: ['admin'], tenants: [tenantA] });
    const settings = await (await call('GET', `/config/settings?tenant=${tenantA}`, admin)).json();
    expect((await call('PUT', `/config/settings?tenant=${tenantA}`, admin, { ...settings, billers: [...settings.billers, { userId: 'biller-77', email: 'b77@x.example' }] })).status).toBe(200);
    expect((await call('POST', `/work-items/${item!.claimId}/assign?tenant=${tenantA}`, await biller(1), { assignee: 'biller:biller-77' })).status).toBe(403);
    expect((await call('POST', `/work-items/${item!.claimId}/assign?tenant=${tenantA}`, manager, { assignee: 'somebody' })).status).toBe(400);
    const response = await call('POST', `/work-items/${item!.claimId}/assign?tenant=${tenantA}`, manager, { assignee: 'biller:biller-77' });
    expect(response.status).toBe(200);
    const mine = (await (await call('GET', `/work-items?tenant=${tenantA}&assignee=me`, await biller(77))).json()) as { items: Array<{ claimId: string }> };
    expect(mine.items.map((i) => i.claimId)).toContain(item!.claimId);
  });

  it('lets admins read and replace a tenant\'s settings, validated in full before saving', async () => {
    const admin = await auth.sign({ sub: 'admin-1', email: 'a@x.example', roles: ['admin'], tenants: [tenantA] });
    expect((await call('GET', `/config/settings?tenant=${tenantA}`, await biller(1))).status).toBe(403);
    const before = await (await call('GET', `/config/settings?tenant=${tenantA}`, admin)).json();
    const bad = await call('PUT', `/config/settings?tenant=${tenantA}`, admin, { agingBuckets: [60, 30], assignmentRules: [{ assignee: 'nobody' }] });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['agingBuckets', 'assignmentRules.0.assignee']));
    expect(await (await call('GET', `/config/settings?tenant=${tenantA}`, admin)).json()).toEqual(before);
    const good = await call('PUT', `/config/settings?tenant=${tenantA}`, admin, { agingBuckets: [30, 60, 90, 120, 180], underpaymentThresholdCents: 1000 });
    expect(good.status).toBe(200);
    expect(await (await call('GET', `/config/settings?tenant=${tenantA}`, admin)).json()).toMatchObject({ agingBuckets: [30, 60, 90, 120, 180], underpaymentThresholdCents: 1000 });
  });

  it('honours Idempotency-Key: a repeated POST is answered again without doing the work twice', async () => {
    const token = await biller(14);
    const store = new WorkItemStore(documentClient(), localStack().tableName);
    const [item] = await store.listQueue(tenantA, 'denials');
    const history = new HistoryStore(documentClient(), localStack().tableName);
    const before = (await history.actions(tenantA, item!.claimId)).length;
    const post = (body: unknown) =>
      fetch(`${base}/claims/${item!.claimId}/actions?tenant=${tenantA}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'retry-key-0001' },
        body: JSON.stringify(body),
      });
    const first = await post({ type: 'note', outcome: 'left a voicemail' });
    const second = await post({ type: 'note', outcome: 'left a voicemail' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect((await history.actions(tenantA, item!.claimId)).length).toBe(before + 1);
    expect((await post({ type: 'note', outcome: 'something else' })).status).toBe(422);
  });

  it('reports AR aging to managers only: totals equal the open claims\' payer balances', async () => {
    const manager = await auth.sign({ sub: 'manager-2', email: 'm2@x.example', roles: ['manager'], tenants: [tenantA] });
    expect((await call('GET', `/reports/aging?tenant=${tenantA}`, await biller(1))).status).toBe(403);
    expect((await call('GET', `/reports/aging?tenant=${tenantA}&groupBy=month`, manager)).status).toBe(400);
    const report = (await (await call('GET', `/reports/aging?tenant=${tenantA}`, manager)).json()) as { totalArCents: number; rows: Array<{ key: string; arCents: number }>; percentOver90: number };
    const claims = new ClaimStore(documentClient(), localStack().tableName, config.shardCount);
    let expected = 0;
    for (let n = 1; n <= demoClaims; n++) {
      const stored = await claims.get(tenantA, `DEMO-${tenantA.replace(/^demo-/, '').slice(0, 3).toUpperCase()}-${String(n).padStart(6, '0')}`);
      if (stored?.claim.open) expected += stored.claim.money.payerBalanceCents;
    }
    expect(expected).toBeGreaterThan(0);
    expect(report.totalArCents).toBe(expected);
    expect(report.rows.reduce((sum, r) => sum + r.arCents, 0)).toBe(expected);
    // The tenant's own buckets (an earlier test saved 30, 60, 90, 120, 180).
    expect(report.rows.map((r) => r.key)).toEqual(['0-30', '31-60', '61-90', '91-120', '121-180', '180+']);
    const byPayer = (await (await call('GET', `/reports/aging?tenant=${tenantA}&groupBy=payer&basis=submission`, manager)).json()) as { totalArCents: number; basis: string };
    expect(byPayer).toMatchObject({ totalArCents: expected, basis: 'submission' });
  });

  it('gives managers Days in AR, denial rate and net collection rate from the claims it holds, and refuses a past asOf', async () => {
    const manager = await auth.sign({ sub: 'manager-3', email: 'm3@x.example', roles: ['manager'], tenants: [tenantA] });
    type Report = { asOf: string; totalArCents: number; daysInAr: number | null; denialRatePercent: number | null; netCollectionRatePercent: number | null; kpiBasis: Record<string, number> };
    const report = (await (await call('GET', `/reports/aging?tenant=${tenantA}`, manager)).json()) as Report;
    // The same sums worked out from the claims themselves: each claim's contribution to the day tallies, in the windows.
    const claims = new ClaimStore(documentClient(), localStack().tableName, config.shardCount);
    const in90 = (d: string) => d >= addDays(report.asOf, -89) && d <= report.asOf;
    const in30 = (d: string) => d >= addDays(report.asOf, -29) && d <= report.asOf;
    const sums = { service: 0, submitted: 0, adjudicated: 0, denied: 0, paid: 0, reduced: 0 };
    for (let n = 1; n <= demoClaims; n++) {
      const stored = await claims.get(tenantA, `DEMO-${tenantA.replace(/^demo-/, '').slice(0, 3).toUpperCase()}-${String(n).padStart(6, '0')}`);
      for (const [date, day] of kpiContributions(stored?.claim)) {
        if (in90(date)) Object.assign(sums, { service: sums.service + day.chargesByService, submitted: sums.submitted + day.chargesBySubmission, paid: sums.paid + day.paymentsCents, reduced: sums.reduced + day.contractualCents });
        if (in30(date)) Object.assign(sums, { adjudicated: sums.adjudicated + day.adjudicated, denied: sums.denied + day.deniedFirst });
      }
    }
    expect(sums.service).toBeGreaterThan(0);
    expect(report.kpiBasis).toMatchObject({ chargesLast90DaysByServiceCents: sums.service, claimsFirstAdjudicatedLast30Days: sums.adjudicated, claimsDeniedFirstLast30Days: sums.denied, paymentsLast90DaysCents: sums.paid });
    expect(report.daysInAr).toBe(Math.round((report.totalArCents / (sums.service / 90)) * 10) / 10);
    expect(report.denialRatePercent).toBe(sums.adjudicated ? Math.round((sums.denied / sums.adjudicated) * 1000) / 10 : null);
    // The run record of the night carries the same figures for its date.
    const run = (await (await call('GET', `/runs/2026-11-21?tenant=${tenantA}`, manager)).json()) as { kpis: { daysInAr: number | null; basis: { asOf: string } } };
    expect(run.kpis.basis.asOf).toBe('2026-11-21');
    expect(run.kpis.daysInAr).not.toBeNull();
    // A past date would re-age today's balances: refused, pointing at the night's run record.
    const past = await call('GET', `/reports/aging?tenant=${tenantA}&asOf=${addDays(report.asOf, -1)}`, manager);
    expect(past.status).toBe(400);
    expect(await past.json()).toMatchObject({ errors: [{ field: 'asOf' }], detail: expect.stringContaining('GET /runs/') });
  });

  it('computes every figure of a claim for one date: the clocks and the work item both for asOf', async () => {
    const token = await biller(7);
    const { items } = (await (await call('GET', `/work-items?tenant=${tenantA}&queue=denials&limit=5`, token)).json()) as { items: Array<{ claimId: string; dueOn?: string }> };
    const withDue = items.find((i) => i.dueOn)!;
    const asOf = '2026-12-20';
    const claim = (await (await call('GET', `/claims/${withDue.claimId}?tenant=${tenantA}&asOf=${asOf}`, token)).json()) as { workItem: { dueOn: string; daysLeft: number; reasons: string[] }; clocks: Array<{ dueOn: string; daysLeft: number }> };
    expect(claim.workItem.daysLeft).toBe(daysBetween(asOf, claim.workItem.dueOn));
    for (const clock of claim.clocks) expect(clock.daysLeft).toBe(daysBetween(asOf, clock.dueOn));
  });

  it('answers malformed requests with 400 problem+json naming the field', async () => {
    const token = await biller(1);
    const badQueue = await call('GET', `/work-items?tenant=${tenantA}&queue=bogus`, token);
    expect(badQueue.status).toBe(400);
    expect(badQueue.headers.get('content-type')).toBe('application/problem+json');
    expect(await badQueue.json()).toMatchObject({ errors: [{ field: 'queue' }] });
    expect(await (await call('POST', '/work-items/next', token, '{not json')).json()).toMatchObject({ status: 400, errors: [{ field: '(body)' }] });
    expect(await (await call('POST', '/work-items/next', token, { queue: 'nope' })).json()).toMatchObject({ status: 400, errors: [{ field: 'queue' }] });
  });
});
