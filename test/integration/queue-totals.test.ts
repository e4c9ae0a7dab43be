// GET /queues from the queue totals every work-item write keeps: after a night and billers' actions it answers what a
// full scan of the queue indexes gives, a failed or repeated write changes no total, and 50 leases at once count 50;
// a night's step moves the windows and folds (in pieces after months missed), racing writers and a repeated step
// change no figure, and writes made at once share one totals update per group.
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysBetween, localDateAt } from '../../functions/domain/calendar.js';
import { needsFar, windowMarginDays } from '../../functions/domain/queue-totals.js';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { isOverdue } from '../../functions/domain/overdue.js';
import { followUpQueues } from '../../functions/domain/tenant-settings.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { queueTotalsKey } from '../../functions/store/keys.js';
import { WorkItemStore } from '../../functions/store/work-item-store.js';
import type { DevAuth } from '../../local/dev-auth.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { runNight } from '../../local/nightly-driver.js';
import type { Runtime } from '../../local/runtime.js';
import { directIngest, documentClient, localStack, startTestApi, testConfig, uniqueTenant } from './harness.js';

const tenant = uniqueTenant('totals');
const config = testConfig([tenant]);
const timeZone = config.tenants[0]!.timeZone;
const client = documentClient();
const { tableName } = localStack();
const store = new WorkItemStore(client, tableName);
let runtime: Runtime;
let stopApi: () => Promise<void>;
let auth: DevAuth;
let base: string;

const biller = (n: number) => auth.sign({ sub: `biller-${n}`, email: `b${n}@x.example`, roles: ['biller'], tenants: [tenant] });
const manager = () => auth.sign({ sub: 'manager-1', email: 'm@x.example', roles: ['manager'], tenants: [tenant] });
const call = async (method: string, path: string, token: string, body?: unknown) =>
  fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

/** What GET /queues answered before the totals: every open item of every queue index, summed (test helper only). */
const fullScan = async (now: Date) => {
  const at = now.toISOString();
  const today = localDateAt(at, timeZone);
  return Promise.all(
    followUpQueues.map(async (queue) => {
      const items = await store.listQueue(tenant, queue);
      return {
        queue,
        count: items.length,
        dollarsCents: items.reduce((sum, i) => sum + i.dollarsCents, 0),
        oldestOpenedOn: items.map((i) => i.openedOn).sort()[0] ?? null,
        nearDeadline: items.filter((i) => i.dueOn !== undefined && daysBetween(today, i.dueOn) <= 14).length,
        leased: items.filter((i) => i.leasedBy && (i.leaseExpiresAt ?? '') > at).length,
        overdue: items.filter((i) => isOverdue(i, today)).length,
      };
    }),
  );
};

type Queues = Awaited<ReturnType<typeof fullScan>>;
const apiQueues = async (): Promise<Queues> => {
  const response = await call('GET', `/queues?tenant=${tenant}`, await biller(1));
  expect(response.status).toBe(200);
  const { tenants } = (await response.json()) as { tenants: Array<{ tenantId: string; queues: Queues }> };
  return tenants[0]!.queues;
};

/** GET /queues and the full scan agree (leases run for 30 minutes, so a moment between them changes nothing). */
const expectTotalsMatchScan = async (): Promise<Queues> => {
  const answered = await apiQueues();
  expect(answered).toEqual(await fullScan(new Date()));
  return answered;
};

/** The stored slice items, as they are. */
const storedSlices = async () =>
  (await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': queueTotalsKey(tenant).pk }, ConsistentRead: true }))).Items ?? [];

beforeAll(async () => {
  const claims = new ClaimStore(client, tableName, config.shardCount);
  for (const events of demoClaimEvents({ tenantId: tenant, claims: 320, today: '2026-11-20', seed: 47 })) {
    for (const event of events) await ingestClaimEvent(claims, claimEvent.parse(event), directIngest);
  }
  ({ runtime, auth, base, stop: stopApi } = await startTestApi(config));
  await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-21', 60_000);
});
afterAll(async () => {
  await stopApi();
});

describe('queue totals', () => {
  it('after a night, answer what a full scan of the queue indexes gives', async () => {
    const queues = await expectTotalsMatchScan();
    expect(queues.reduce((sum, q) => sum + q.count, 0)).toBeGreaterThan(60);
    expect(queues.some((q) => q.nearDeadline > 0)).toBe(true);
  });

  it('follow leases, renewals, releases, actions that close or move an item, and reassignments', async () => {
    const tokens = await Promise.all([biller(2), biller(3), biller(4)]);
    const taken: Array<{ claimId: string; queue: string; daysLeft?: number }> = [];
    for (const token of tokens) taken.push((await (await call('POST', '/work-items/next', token, {})).json()) as { claimId: string; queue: string; daysLeft?: number });
    const denial = (await (await call('POST', '/work-items/next', await biller(5), { queue: 'denials' })).json()) as { claimId: string };
    const rejection = (await (await call('POST', '/work-items/next', await biller(6), { queue: 'rejections' })).json()) as { claimId: string };
    await expectTotalsMatchScan();

    expect((await call('POST', `/work-items/${taken[0]!.claimId}/renew?tenant=${tenant}`, tokens[0]!)).status).toBe(200);
    expect((await call('POST', `/work-items/${taken[1]!.claimId}/release?tenant=${tenant}`, tokens[1]!)).status).toBe(204);
    await expectTotalsMatchScan();

    // An appeal filed closes the denial's work (nothing due until the decision is late) and gives the lease back.
    const appealed = await call('POST', `/claims/${denial.claimId}/actions?tenant=${tenant}`, await biller(5), { type: 'appeal-filed', appealLevel: 'first', outcome: 'appeal faxed' });
    expect(appealed.status).toBe(201);
    // A corrected claim re-plans the rejection (another queue, or none).
    const corrected = await call('POST', `/claims/${rejection.claimId}/actions?tenant=${tenant}`, await biller(6), { type: 'corrected-claim-sent', outcome: 'fixed the NPI' });
    expect(corrected.status).toBe(201);
    // A pend re-plans a leased item in place.
    // (Not past the item's deadline, which the API refuses: issue 13.)
    const left = taken[2]!.daysLeft;
    const pendOn = addDays(localDateAt(new Date().toISOString(), timeZone), left !== undefined && left >= 1 ? Math.min(left, 30) : 30);
    const pended = await call('POST', `/claims/${taken[2]!.claimId}/actions?tenant=${tenant}`, tokens[2]!, { type: 'status-check', outcome: 'in process', nextFollowUpOn: pendOn });
    expect(pended.status).toBe(201);
    await expectTotalsMatchScan();

    const [item] = await store.listQueue(tenant, 'no-response');
    // Work is assigned to the roster only (issue 13): biller-77 joins it.
    const admin = await auth.sign({ sub: 'admin-1', email: 'a@x.example', roles: ['admin'], tenants: [tenant] });
    expect((await call('PUT', `/config/settings?tenant=${tenant}`, admin, { billers: [{ userId: 'biller-77', email: 'b77@x.example' }] })).status).toBe(200);
    expect((await call('POST', `/work-items/${item!.claimId}/assign?tenant=${tenant}`, await manager(), { assignee: 'biller:biller-77' })).status).toBe(200);
    await expectTotalsMatchScan();
  });

  it('count a lease taken over an expired one once, whatever the caller read', async () => {
    const item = (await store.listQueue(tenant, 'denials')).find((i) => !i.leasedBy);
    const hourAgo = new Date(Date.now() - 60 * 60_000).toISOString();
    const halfHourAgo = new Date(Date.now() - 30 * 60_000).toISOString();
    // A lease that ran out half an hour ago (taken an hour ago).
    expect(await store.lease(item!, 'biller-old', hourAgo, halfHourAgo)).toBe(true);
    // Another biller leases it from the item as first read (no lease on it): the store sees the expired one and counts
    // only the new lease.
    const now = new Date().toISOString();
    expect(await store.lease(item!, 'biller-new', now, new Date(Date.now() + 30 * 60_000).toISOString())).toBe(true);
    // A third, from the same stale read, loses: the lease is live.
    expect(await store.lease(item!, 'biller-late', now, new Date(Date.now() + 30 * 60_000).toISOString())).toBe(false);
    await expectTotalsMatchScan();
  });

  it('stay unchanged when the work item\'s condition fails, and when a night is run again', async () => {
    const before = await storedSlices();
    const [item] = await store.listQueue(tenant, 'denials');
    const plan = { ...item!, queue: 'appeal-pending' as const, dollarsCents: item!.dollarsCents + 100 };
    // Written from an old version: the transaction is cancelled, the totals with it.
    expect(await store.update({ ...item!, version: item!.version - 1 }, plan, '2026-11-21')).toBe(false);
    expect(await store.close({ ...item!, version: item!.version + 5 }, '2026-11-21')).toBe(false);
    expect(await store.open(tenant, item!.claimId, plan, '2026-11-21')).toBe(false);
    expect(await storedSlices()).toEqual(before);

    // The same night again (a re-run: every shard redone) re-plans what the day's actions changed; once more, and
    // its claims already are as planned: nothing moves.
    await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-21', 60_000, true);
    await expectTotalsMatchScan();
    const rerun = await storedSlices();
    await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-21', 60_000, true);
    expect(await storedSlices()).toEqual(rerun);

    // The next night writes, and then a repeat of it writes nothing more.
    await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-22', 60_000);
    const afterNext = await expectTotalsMatchScan();
    await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-22', 60_000, true);
    expect(await apiQueues()).toEqual(afterNext);
    await expectTotalsMatchScan();
  });

  it('count 50 leases at once: leased grows by the number of 200 answers', async () => {
    const before = await apiQueues();
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, n) => biller(100 + n)));
    const responses = await Promise.all(tokens.map((token) => call('POST', '/work-items/next', token, {})));
    expect(responses.every((r) => r.status === 200 || r.status === 204)).toBe(true);
    const taken = await Promise.all(responses.filter((r) => r.status === 200).map(async (r) => (await r.json()) as { claimId: string; leaseExpiresAt: string }));
    const ids = taken.map((t) => t.claimId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(50);
    const after = await expectTotalsMatchScan();
    const leased = (queues: Queues) => queues.reduce((sum, q) => sum + q.leased, 0);
    expect(leased(after) - leased(before)).toBe(ids.length);
    // Every lease ends on a whole minute, 30 minutes from when it was taken plus under one: the 50, taken within a
    // few seconds, end on at most 2 minutes, so each queue's near item holds at most 2 lease counters for them.
    const ends = new Set(taken.map((t) => t.leaseExpiresAt));
    for (const end of ends) expect(end, end).toMatch(/:00\.000Z$/);
    expect(ends.size).toBeLessThanOrEqual(2);
    for (const end of ends) expect(Date.parse(end) - Date.now()).toBeGreaterThan(29 * 60_000 - 5_000);
    for (const slice of await storedSlices()) {
      const live = Object.keys(slice).filter((name) => name.startsWith('l_') && Number(name.slice(2)) * 1000 >= Date.parse([...ends].sort()[0]!));
      expect(live.length, String(slice.sk)).toBeLessThanOrEqual(2);
      expect(live.every((name) => Number(name.slice(2)) % 60 === 0), live.join()).toBe(true);
      // The items GET /queues reads name their queue by their key alone.
      expect(slice.kind).toBeUndefined();
      expect(slice.queue).toBeUndefined();
    }
  });

  it('prune what they no longer need, and can be rebuilt from the queue indexes', async () => {
    const answered = await expectTotalsMatchScan();
    // Tonight's start pruned what the day left at zero; an item that moves off a date leaves one like these.
    const [slice] = await storedSlices();
    await client.send(new UpdateCommand({ TableName: tableName, Key: { pk: slice!.pk, sk: slice!.sk }, UpdateExpression: 'ADD #o :zero, #d :zero', ExpressionAttributeNames: { '#o': 'o_2001-01-01', '#d': 'd_2001-01-01' }, ExpressionAttributeValues: { ':zero': 0 } }));
    expect(await store.pruneQueueTotals(tenant, new Date())).toBeGreaterThanOrEqual(2);
    for (const slice of await storedSlices()) for (const [name, value] of Object.entries(slice)) if (/^[od]_/.test(name)) expect(value, name).not.toBe(0);
    expect(await apiQueues()).toEqual(answered);

    // Data written before the totals existed: none stored, then recounted.
    for (const slice of await storedSlices()) await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: slice.pk, sk: slice.sk } }));
    expect((await apiQueues()).every((q) => q.count === 0)).toBe(true);
    await store.rebuildQueueTotals(tenant, { settleMs: 0 });
    await expectTotalsMatchScan();
    expect(await apiQueues()).toEqual(answered);
  });

  it('move their windows on a night, fold what every reader sums whole, and stay exact beside racing writers', async () => {
    const today = localDateAt(new Date().toISOString(), timeZone);
    // A step may not be after any reader's today: the nights here are the two before today and today.
    const [first, second] = [addDays(today, -2), addDays(today, -1)];
    // Recounted as the night two days ago left them: windows through that day + 3, folded at it.
    await store.rebuildQueueTotals(tenant, { settleMs: 0, today: first });
    const recounted = await expectTotalsMatchScan();
    const near = (await storedSlices()).filter((slice) => String(slice.sk).startsWith('NEAR#'));
    expect(near.length).toBeGreaterThan(0);
    for (const slice of near) expect(slice.nearThrough).toBe(addDays(first, windowMarginDays));

    // Yesterday's step: every slice moves on a day; what it folds leaves no due counter through yesterday + 14 and
    // no overdue counter before yesterday in the near item, and nothing the new window covers in the far item.
    expect(await store.advanceQueueTotals(tenant, second)).toBeGreaterThan(0);
    const moved = await storedSlices();
    for (const slice of moved) {
      expect(slice.nearThrough).toBe(addDays(second, windowMarginDays));
      for (const name of Object.keys(slice)) {
        if (String(slice.sk).startsWith('NEAR#')) {
          expect(name.startsWith('d_') && name.slice(2) <= addDays(second, 14), name).toBe(false);
          expect(name.startsWith('v_') && name.slice(2) < second, name).toBe(false);
        } else {
          expect(name.startsWith('d_') && name.slice(2) <= addDays(second, 14 + windowMarginDays), name).toBe(false);
          expect(name.startsWith('v_') && name.slice(2) < addDays(second, windowMarginDays), name).toBe(false);
        }
      }
    }
    // The same figures, now from the near items alone wherever a slice has an opened date near.
    expect(await apiQueues()).toEqual(recounted);
    expect(moved.filter((slice) => String(slice.sk).startsWith('NEAR#') && !needsFar(slice, today)).length).toBeGreaterThan(0);

    // A retried night's step: nothing left to do, nothing written.
    expect(await store.advanceQueueTotals(tenant, second)).toBe(0);
    expect(await storedSlices()).toEqual(moved);

    // Writers that never saw the moved windows (a new store, as a new Lambda: it believes there are none) place their
    // counters by the wrong window, fail on its condition, learn the window and write again: exact.
    const fresh = new WorkItemStore(client, tableName);
    const items = (await Promise.all(followUpQueues.map((queue) => store.listQueue(tenant, queue)))).flat().filter((item) => !item.leasedBy).slice(0, 12);
    expect(items.length).toBe(12);
    expect(await fresh.close(items[0]!, today)).toBe(true);
    expect(await fresh.setMarks(items[1]!, { lastActionOn: today })).toBe(true);
    await expectTotalsMatchScan();

    // Writers racing today's step (its far condition fails on their writes, so it reads the slice again; theirs fails
    // on the moved window, so they learn it): afterwards the totals are what a scan gives.
    await Promise.all([
      store.advanceQueueTotals(tenant, today),
      ...items.slice(2, 7).map((item) => fresh.close(item, today)),
      ...items.slice(7).map((item) => new WorkItemStore(client, tableName).setMarks(item, { lastActionOn: today, followUpOn: addDays(today, 40) })),
    ]);
    for (const slice of await storedSlices()) expect(slice.nearThrough).toBe(addDays(today, windowMarginDays));
    await expectTotalsMatchScan();
    // The store that learned yesterday's windows writes after the move: it learns again.
    const [next] = (await store.listQueue(tenant, items[2]!.queue)).filter((item) => !item.leasedBy);
    expect(await store.close(next!, today)).toBe(true);
    await expectTotalsMatchScan();
  });

  it('step in pieces after months without a night, and stay exact', async () => {
    const today = localDateAt(new Date().toISOString(), timeZone);
    // As a night 150 days ago left them: every due and overdue date since is far, dozens of them per slice.
    await store.rebuildQueueTotals(tenant, { settleMs: 0, today: addDays(today, -150) });
    const recounted = await expectTotalsMatchScan();
    const datedFar = (await storedSlices()).filter((slice) => String(slice.sk).startsWith('FAR#')).map((slice) => Object.keys(slice).filter((name) => /^[dv]_/.test(name)).length);
    expect(Math.max(...datedFar)).toBeGreaterThan(5);
    // Today's step, at most 5 counters a transaction: each slice goes in pieces, each an earlier night's step.
    expect(await store.advanceQueueTotals(tenant, today, 5)).toBeGreaterThan(0);
    for (const slice of await storedSlices()) {
      expect(slice.nearThrough).toBe(addDays(today, windowMarginDays));
      expect(slice.foldedThrough ?? today, String(slice.sk)).toBe(today);
    }
    expect(await apiQueues()).toEqual(recounted);
    await expectTotalsMatchScan();
    expect(await store.advanceQueueTotals(tenant, today, 5)).toBe(0);
  });

  it('write the totals of writes made at once in groups: one update of a queue\'s totals item per group', async () => {
    const today = localDateAt(new Date().toISOString(), timeZone);
    const open = (await Promise.all(followUpQueues.map((queue) => store.listQueue(tenant, queue)))).flat().filter((item) => !item.leasedBy).slice(0, 15);
    expect(open).toHaveLength(15);
    const queues = new Set(open.map((item) => item.queue)).size;
    const revs = async () => (await storedSlices()).filter((slice) => String(slice.sk).startsWith('NEAR#')).reduce((sum, slice) => sum + Number(slice.rev ?? 0), 0);
    const before = await revs();
    // 15 closes at once from one store (as a night's shard worker writes its claims): one group (up to 25), writing
    // each queue's near item it touches once, so at most one write per queue, not 15 in all; and a close of one of
    // them from a stale version fails alone (it goes in a group of its own: a transaction writes an item once).
    const results = await Promise.all([...open.map((item) => store.close(item, today)), store.close({ ...open[0]!, version: open[0]!.version - 1 }, today)]);
    expect(results.filter(Boolean)).toHaveLength(15);
    expect(results.at(-1)).toBe(false);
    expect((await revs()) - before).toBeLessThanOrEqual(queues);
    expect(queues).toBeLessThan(15);
    await expectTotalsMatchScan();
  });
});
