// A biller's day through the API (issue 13): the right claims in the right order, pends kept, write-offs approved or
// declined, assignments to the roster only, rows to work from, filters, and no night older than the latest.
// Dates are relative to the tenant's today (the API's), worked out in the comments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDateAt } from '../../functions/domain/calendar.js';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { HistoryStore } from '../../functions/store/history-store.js';
import { WorkItemStore } from '../../functions/store/work-item-store.js';
import { type DevAuth } from '../../local/dev-auth.js';
import { runNight } from '../../local/nightly-driver.js';
import type { Runtime } from '../../local/runtime.js';
import { directIngest, fullDenialEvent, documentClient, localStack, readUtcDaysSince, startTestApi, submittedEvent, testConfig, uniqueTenant } from './harness.js';

const ranking = uniqueTenant('wl-rank');
const desk = uniqueTenant('wl-desk');
const nights = uniqueTenant('wl-nights');
const overdue = uniqueTenant('wl-overdue');
const config = testConfig([ranking, desk, nights, overdue]);
const tenantOf = (id: string) => config.tenants.find((t) => t.id === id)!;
// The API's today: the tenant's local date (America/Chicago).
const today = localDateAt(new Date().toISOString(), 'America/Chicago');
let runtime: Runtime;
let stopApi: () => Promise<void>;
let auth: DevAuth;
let base: string;
const claims = new ClaimStore(documentClient(), localStack().tableName, config.shardCount);
const workItems = new WorkItemStore(documentClient(), localStack().tableName);
const history = new HistoryStore(documentClient(), localStack().tableName);

const token = (sub: string, roles: Array<'biller' | 'manager' | 'admin'>, tenants: string[]) => auth.sign({ sub, email: `${sub}@x.example`, roles, tenants });
const call = async (method: string, path: string, bearer: string, body?: unknown) => {
  const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
};

/**
 * A commercial, in-network claim of `cents`, denied CO-197 in full on `remitOn`. Its first appeal closes 180 days after
 * the remit (commercial first level, no presumed-receipt days).
 */
const deniedClaim = async (tenantId: string, claimId: string, cents: number, remitOn: string, payer = { id: 'aetna', name: 'Aetna', type: 'commercial' }) => {
  const serviceOn = addDays(remitOn, -40);
  const base = submittedEvent(tenantId, claimId, { occurredAt: `${addDays(serviceOn, 2)}T15:00:00Z` });
  const submitted = {
    ...base,
    payload: { ...base.payload, payer, serviceDate: { from: serviceOn, through: serviceOn }, submittedOn: addDays(serviceOn, 2), lines: [{ procedureCode: '99214', modifiers: [], units: 1, chargeCents: cents }], totalChargeCents: cents },
  };
  const remit = fullDenialEvent(tenantId, claimId, cents, remitOn);
  for (const event of [submitted, remit]) await ingestClaimEvent(claims, claimEvent.parse(event), directIngest);
};

const night = (tenantId: string, date = today, rerun = false) => runNight(runtime.startNightly, documentClient(), localStack().tableName, [tenantOf(tenantId)], date, 60_000, rerun);

beforeAll(async () => {
  ({ runtime, auth, base, stop: stopApi } = await startTestApi(config));
  // Ranking tenant: appeal windows (remit + 180 days) closed 20 days ago ($900), 2 days left ($250), 150 days left ($250).
  await deniedClaim(ranking, 'DEAD-900', 90_000, addDays(today, -200));
  await deniedClaim(ranking, 'SOON-250', 25_000, addDays(today, -178));
  await deniedClaim(ranking, 'LATER-250', 25_000, addDays(today, -30));
  // The desk tenant: claims for pends, write-offs and assignment, all with appeal windows open (due today + 100 and later).
  for (const [n, cents] of [[1, 40_000], [2, 30_000], [3, 20_000], [4, 15_000], [5, 12_000]] as const) await deniedClaim(desk, `DESK-${n}`, cents, addDays(today, -80 + n));
  await deniedClaim(desk, 'DESK-CIGNA', 60_000, addDays(today, -70), { id: 'cigna', name: 'Cigna', type: 'commercial' });
  await deniedClaim(desk, 'DESK-SOON', 10_000, addDays(today, -177)); // appeal closes today + 3
  await deniedClaim(nights, 'NIGHT-1', 25_000, addDays(today, -30));
  for (const n of [1, 2]) await deniedClaim(overdue, `OVD-${n}`, 25_000, addDays(today, -30));
  await Promise.all([night(ranking), night(desk)]);
});
afterAll(async () => {
  await stopApi();
});

describe('ranking: work that can still recover money first', () => {
  it('moves a claim whose appeal window closed to deadline-passed, below every claim that can still be recovered', async () => {
    const biller = await token('rank-biller', ['biller'], [ranking]);
    const denials = await call('GET', `/work-items?tenant=${ranking}&queue=denials`, biller);
    // 2 days left first (35 deadline points), then 150 days left (0): dollars being equal, days left decide.
    expect(denials.body.items.map((i: { claimId: string }) => i.claimId)).toEqual(['SOON-250', 'LATER-250']);
    const passed = await call('GET', `/work-items?tenant=${ranking}&queue=deadline-passed`, biller);
    expect(passed.body.items).toHaveLength(1);
    const dead = passed.body.items[0];
    expect(dead).toMatchObject({ claimId: 'DEAD-900', dueOn: addDays(today, -20), daysLeft: -20, nextStep: 'review: proof of timely filing, or write it off' });
    expect(dead.reasons[0]).toBe(`first appeal closed 20 days ago (${addDays(today, -20)}): nothing left to recover unless you can prove timely filing; review for write-off`);
    // $900: floor(10 × log10(901)) = 29 points, and nothing else; the recoverable ones start at 100.
    expect(dead.priority).toBe(29);
    expect(Math.min(...denials.body.items.map((i: { priority: number }) => i.priority))).toBeGreaterThan(100);
  });

  it('hands out the recoverable claims before the dead one, and keeps every pend the API accepted', async () => {
    const biller = await token('pend-biller', ['biller'], [ranking]);
    const first = await call('POST', '/work-items/next', biller, { tenant: ranking });
    expect(first.body.claimId).toBe('SOON-250');
    // The appeal closes in 2 days: a pend to tomorrow is within it. Before, a deadline within 7 days dropped the pend
    // and the same claim came back from /next again and again.
    const pended = await call('POST', `/claims/SOON-250/actions?tenant=${ranking}`, biller, { type: 'called-payer', outcome: 'rep says reprocessing', callReference: 'REF-77', nextFollowUpOn: addDays(today, 1) });
    expect(pended.status).toBe(201);
    expect(pended.body).toMatchObject({ workItem: null, followUpOn: addDays(today, 1) });
    const taken: string[] = [];
    for (let i = 0; i < 3; i++) {
      const next = await call('POST', '/work-items/next', biller, { tenant: ranking });
      if (next.status === 200) taken.push(next.body.claimId);
    }
    // LATER-250 (the biller still holds it: the same lease renewed), never SOON-250; the dead claim never before it.
    expect(taken).toEqual(['LATER-250', 'LATER-250', 'LATER-250']);
    // The night keeps the pend too.
    await night(ranking, today, true);
    expect((await workItems.get(ranking, 'SOON-250'))?.status).toBe('closed');
    expect((await workItems.get(ranking, 'SOON-250'))?.followUpOn).toBe(addDays(today, 1));
  });
});

describe('pends past a deadline', () => {
  it('answers 422 naming the deadline, writes nothing, and lets a manager override explicitly', async () => {
    const biller = await token('desk-biller', ['biller'], [desk]);
    const manager = await token('desk-manager', ['manager'], [desk]);
    const dueOn = addDays(today, 3);
    const before = (await history.actions(desk, 'DESK-SOON')).length;
    const refused = await call('POST', `/claims/DESK-SOON/actions?tenant=${desk}`, biller, { type: 'status-check', outcome: 'in process', nextFollowUpOn: addDays(today, 10) });
    expect(refused.status).toBe(422);
    expect(refused.type).toBe('application/problem+json');
    expect(refused.body.detail).toBe(`nextFollowUpOn: the first appeal deadline is ${dueOn}; follow up by then`);
    expect(refused.body.errors).toEqual([{ field: 'nextFollowUpOn', message: `the first appeal deadline is ${dueOn}; follow up by then` }]);
    expect((await history.actions(desk, 'DESK-SOON')).length).toBe(before);
    // A biller cannot override; a manager can, and the pend then holds past the deadline, tonight too.
    const notAllowed = await call('POST', `/claims/DESK-SOON/actions?tenant=${desk}`, biller, { type: 'status-check', outcome: 'in process', nextFollowUpOn: addDays(today, 10), overrideDeadline: true });
    expect(notAllowed.status).toBe(422);
    expect(notAllowed.body.errors[0].field).toBe('overrideDeadline');
    const overridden = await call('POST', `/claims/DESK-SOON/actions?tenant=${desk}`, manager, { type: 'status-check', outcome: 'payer agreed to reopen', nextFollowUpOn: addDays(today, 10), overrideDeadline: true });
    expect(overridden.status).toBe(201);
    expect(overridden.body).toMatchObject({ workItem: null, followUpOn: addDays(today, 10) });
    const detail = await call('GET', `/claims/DESK-SOON?tenant=${desk}`, manager);
    expect(detail.body.history.at(-1)).toMatchObject({ kind: 'action', type: 'status-check', nextFollowUpOn: addDays(today, 10), followUpPastDeadline: true });
  });
});

describe('write-off approval', () => {
  it('puts a write-off request in the managers\u2019 queue; approved, the claim is written off and leaves follow-up', async () => {
    const biller = await token('wo-biller', ['biller'], [desk]);
    const manager = await token('wo-manager', ['manager'], [desk]);
    const requested = await call('POST', `/claims/DESK-1/actions?tenant=${desk}`, biller, { type: 'write-off-requested', outcome: 'non-covered service, no ABN on file', writeOffReason: 'non-covered' });
    expect(requested.status).toBe(201);
    // $400.00 owed by the payer: the default amount is all of it.
    expect(requested.body.workItem).toMatchObject({ queue: 'write-off-approval', assignee: 'managers', dollarsCents: 40_000, writeOffRequest: { cents: 40_000, reason: 'non-covered', requestedBy: 'wo-biller', requestedOn: today } });
    const queue = await call('GET', `/work-items?tenant=${desk}&queue=write-off-approval`, manager);
    expect(queue.body.items.map((i: { claimId: string }) => i.claimId)).toEqual(['DESK-1']);
    // Never handed to a biller as work.
    const again = await call('POST', `/claims/DESK-1/actions?tenant=${desk}`, biller, { type: 'write-off-requested', outcome: 'again', writeOffReason: 'other' });
    expect(again.status).toBe(422);
    expect((await call('POST', `/work-items/DESK-1/write-off/approve?tenant=${desk}`, biller, {})).status).toBe(403);
    const approved = await call('POST', `/work-items/DESK-1/write-off/approve?tenant=${desk}`, manager, { note: 'ok per policy 4.2' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ recorded: 'write-off-approved', workItem: null });
    const claim = await call('GET', `/claims/DESK-1?tenant=${desk}`, manager);
    expect(claim.body).toMatchObject({ status: 'written-off', workItem: null });
    expect(claim.body.history.slice(-3)).toEqual([
      expect.objectContaining({ kind: 'action', type: 'write-off-requested', writeOffCents: 40_000, writeOffReason: 'non-covered', userId: 'wo-biller' }),
      expect.objectContaining({ kind: 'event', type: 'claim.written_off' }),
      expect.objectContaining({ kind: 'action', type: 'write-off-approved', outcome: 'ok per policy 4.2', writeOffCents: 40_000, userId: 'wo-manager' }),
    ]);
    // A retry of the approval finds nothing waiting, and writes nothing twice.
    expect((await call('POST', `/work-items/DESK-1/write-off/approve?tenant=${desk}`, manager, {})).status).toBe(409);
    const audits = await readUtcDaysSince(new Date(Date.now() - 60_000).toISOString(), (day) => history.auditEntries(desk, day));
    expect(audits.filter((a) => a.claimId === 'DESK-1').map((a) => a.action)).toEqual(expect.arrayContaining(['action:write-off-requested', 'approve-write-off']));
  });

  it('declined with a note, the work goes back to the biller who asked, in its queue', async () => {
    const biller = await token('wo-biller2', ['biller'], [desk]);
    const manager = await token('wo-manager', ['manager'], [desk]);
    await call('POST', `/claims/DESK-2/actions?tenant=${desk}`, biller, { type: 'write-off-requested', outcome: 'small balance', writeOffReason: 'small-balance', writeOffCents: 10_000 });
    expect((await call('POST', `/work-items/DESK-2/write-off/decline?tenant=${desk}`, manager, {})).status).toBe(422);
    const declined = await call('POST', `/work-items/DESK-2/write-off/decline?tenant=${desk}`, manager, { note: 'appeal first: CO-197 is often overturned' });
    expect(declined.status).toBe(200);
    expect(declined.body.workItem).toMatchObject({ queue: 'denials', assignee: 'biller:wo-biller2', dollarsCents: 30_000 });
    expect(declined.body.workItem.writeOffRequest).toBeUndefined();
    const detail = await call('GET', `/claims/DESK-2?tenant=${desk}`, manager);
    expect(detail.body.history.at(-1)).toMatchObject({ kind: 'action', type: 'write-off-declined', outcome: 'appeal first: CO-197 is often overturned', writeOffCents: 10_000, writeOffReason: 'small-balance' });
    const audits = await readUtcDaysSince(new Date(Date.now() - 60_000).toISOString(), (day) => history.auditEntries(desk, day));
    expect(audits.filter((a) => a.claimId === 'DESK-2').map((a) => a.action)).toContain('decline-write-off');
  });
});

describe('assignment to the roster', () => {
  it('assigns only to billers and teams the tenant knows, naming an unknown assignee', async () => {
    const admin = await token('desk-admin', ['admin'], [desk]);
    const manager = await token('desk-manager', ['manager'], [desk]);
    const put = await call('PUT', `/config/settings?tenant=${desk}`, admin, { billers: [{ userId: 'ana', email: 'ana@desk.example', teams: ['denials'] }] });
    expect(put.status).toBe(200);
    const unknown = await call('POST', `/work-items/DESK-3/assign?tenant=${desk}`, manager, { assignee: 'biller:nobody-here' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ field: 'assignee', message: expect.stringContaining('biller:nobody-here is not on this practice') }]);
    expect((await workItems.get(desk, 'DESK-3'))?.assignee).toBe('pool');
    expect((await call('POST', `/work-items/DESK-3/assign?tenant=${desk}`, manager, { assignee: 'team:denials' })).status).toBe(200);
    expect((await call('POST', `/work-items/DESK-4/assign?tenant=${desk}`, manager, { assignee: 'biller:ana' })).status).toBe(200);
    expect((await workItems.get(desk, 'DESK-4'))?.assignee).toBe('biller:ana');
  });
});

describe('rows and filters', () => {
  it('gives each row the payer, service dates, claim status, balance, days left and the next step', async () => {
    const biller = await token('row-biller', ['biller'], [desk]);
    const { body } = await call('GET', `/work-items?tenant=${desk}&queue=denials&payer=cigna`, biller);
    const serviceOn = addDays(today, -110);
    expect(body.items).toEqual([
      expect.objectContaining({
        claimId: 'DESK-CIGNA',
        payerId: 'cigna',
        payerName: 'Cigna',
        serviceFrom: serviceOn,
        serviceThrough: serviceOn,
        claimStatus: 'denied',
        balanceCents: 60_000,
        // Remit today − 70, appeal closes 180 days later: today + 110.
        dueOn: addDays(today, 110),
        daysLeft: 110,
        nextStep: expect.stringMatching(/appeal|medical necessity|corrected/i),
      }),
    ]);
  });

  it('filters by dollars, service dates and claim status, and refuses a cursor from another filter', async () => {
    const biller = await token('row-biller', ['biller'], [desk]);
    const ids = async (query: string) => ((await call('GET', `/work-items?tenant=${desk}&queue=denials&${query}`, biller)).body.items as Array<{ claimId: string }>).map((i) => i.claimId).sort();
    // Open denials: DESK-2 ($300, back from the declined write-off), 3 ($200), 4 ($150), 5 ($120), CIGNA ($600).
    expect(await ids('minCents=15000&maxCents=30000')).toEqual(['DESK-2', 'DESK-3', 'DESK-4']);
    // Service dates: DESK-n on today − 120 + n; CIGNA on today − 110.
    expect(await ids(`serviceOnOrAfter=${addDays(today, -115)}&serviceOnOrBefore=${addDays(today, -110)}`)).toEqual(['DESK-5', 'DESK-CIGNA']);
    expect(await ids('status=denied&payer=aetna&minCents=20000')).toEqual(['DESK-2', 'DESK-3']);
    const first = await call('GET', `/work-items?tenant=${desk}&queue=denials&limit=1`, biller);
    expect(first.body.cursor).toBeDefined();
    const other = await call('GET', `/work-items?tenant=${desk}&queue=denials&limit=1&payer=aetna&cursor=${encodeURIComponent(first.body.cursor)}`, biller);
    expect(other.status).toBe(400);
    // Pages under a filter are full pages, and together they are the whole filtered listing.
    const page1 = await call('GET', `/work-items?tenant=${desk}&queue=denials&limit=2&payer=aetna`, biller);
    const page2 = await call('GET', `/work-items?tenant=${desk}&queue=denials&limit=2&payer=aetna&cursor=${encodeURIComponent(page1.body.cursor)}`, biller);
    expect(page1.body.items).toHaveLength(2);
    expect([...page1.body.items, ...page2.body.items].map((i: { claimId: string }) => i.claimId).sort()).toEqual(['DESK-2', 'DESK-3', 'DESK-4', 'DESK-5']);
  });
});

describe('overdue in GET /queues', () => {
  it('counts work whose follow-up date passed with nobody acting since, not work opened before today', async () => {
    const manager = await token('ovd-manager', ['manager'], [overdue]);
    const biller = await token('ovd-biller', ['biller'], [overdue]);
    const denials = async () => ((await call('GET', `/queues?tenant=${overdue}`, manager)).body.tenants[0].queues as Array<{ queue: string; overdue: number; count: number }>).find((q) => q.queue === 'denials')!;
    // Opened by the night of today − 8: each was due for a first touch by today − 1, which passed; the appeal
    // deadlines (remit today − 30 + 180 = today + 150) are far off. Tonight's run (today) keeps their opened date.
    await night(overdue, addDays(today, -8));
    await night(overdue, today);
    expect(await denials()).toMatchObject({ count: 2, overdue: 2 });
    // A biller acts on one today: it is no longer overdue. Before, overdue meant "opened before today": still 2.
    expect((await call('POST', `/claims/OVD-1/actions?tenant=${overdue}`, biller, { type: 'status-check', outcome: 'in review at the payer' })).status).toBe(201);
    expect(await denials()).toMatchObject({ count: 2, overdue: 1 });
  });
});

describe('nights out of order', () => {
  it('refuses a night older than the latest completed one, in one line, and leaves the queues as they are', async () => {
    await night(nights, today);
    const before = await workItems.get(nights, 'NIGHT-1');
    const [older] = await night(nights, addDays(today, -1));
    expect(older!.outcome).toBe('older-than-latest');
    expect(older!.refused).toBe(`refused: ${addDays(today, -1)} is older than the latest completed night (${today}); running it would roll the queues back, so they stay as they are`);
    const [rerunOlder] = await night(nights, addDays(today, -1), true);
    expect(rerunOlder!.outcome).toBe('older-than-latest');
    expect(await workItems.get(nights, 'NIGHT-1')).toEqual(before);
    // The latest night itself can be run again.
    expect((await night(nights, today, true))[0]!.outcome).toBe('restarted');
  });
});
