// A shard that runs short of time hands the rest to a continuation message with its cursor and counts, and the
// continuation finishes the shard and the run exactly once.
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { followUpQueues } from '../../functions/domain/tenant-settings.js';
import { agingShardMessage } from '../../functions/shared/messages.js';
import { ageClaimsShard, startNightlyRun, type NightlyDeps } from '../../functions/services/nightly-run.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { RunStore } from '../../functions/store/run-store.js';
import { TenantSettingsStore } from '../../functions/store/tenant-settings-store.js';
import { WorkItemStore } from '../../functions/store/work-item-store.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { directIngest, documentClient, localStack, sqsClient, uniqueTenant } from './harness.js';

/** A tenant of one shard with `count` demo claims, its nightly deps, and how many of its claims are in follow-up. */
const oneShardTenant = async (label: string, count: number, seed: number) => {
  const tenant = uniqueTenant(label);
  const client = documentClient();
  const { tableName, queueUrls } = localStack();
  const sqs = sqsClient();
  const claims = new ClaimStore(client, tableName, 1);
  const deps: NightlyDeps = {
    claims,
    workItems: new WorkItemStore(client, tableName),
    settings: new TenantSettingsStore(client, tableName),
    runs: new RunStore(client, tableName),
    sqs,
    agingQueueUrl: queueUrls.aging,
    notificationQueueUrl: queueUrls.notifications,
    shardCount: 1,
  };
  let inFollowUp = 0;
  for (const events of demoClaimEvents({ tenantId: tenant, claims: count, today: '2026-11-20', seed })) {
    for (const event of events) await ingestClaimEvent(claims, claimEvent.parse(event), directIngest);
    if ((await claims.get(tenant, events[0]!.payload.claimId))?.claim.inFollowUp) inFollowUp++;
  }
  return { tenant, client, sqs, deps, inFollowUp };
};

/** Takes the next aging message off the queue, as the event source would hand it to a shard worker. */
const receiveAgingMessage = async (sqs: ReturnType<typeof sqsClient>) => {
  const { queueUrls } = localStack();
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrls.aging, MaxNumberOfMessages: 1, WaitTimeSeconds: 2 }));
  const message = Messages[0]!;
  await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrls.aging, ReceiptHandle: message.ReceiptHandle! }));
  return agingShardMessage.parse(JSON.parse(message.Body!));
};

describe('a shard continued before its time runs out', () => {
  it('re-enqueues itself with a cursor (its page recorded once), and the continuation completes the run', async () => {
    const { tenant, client, sqs, deps, inFollowUp } = await oneShardTenant('cont', 500, 21);
    const { tableName, queueUrls } = localStack();
    const { claims } = deps;
    expect(inFollowUp).toBeGreaterThan(250); // more than one page of 200

    const receive = () => receiveAgingMessage(sqs);
    await startNightlyRun(deps, { tenantId: tenant, timeZone: 'America/Chicago', runDate: '2026-11-21' }, new Date().toISOString());
    const first = await receive();
    expect(first).toMatchObject({ shard: 0, counts: {} });

    // Plenty of time for one page, then the clock says 5 s are left.
    let calls = 0;
    const outcome = await ageClaimsShard(deps, first, () => (calls++ === 0 ? 300_000 : 5_000), () => new Date().toISOString());
    expect(outcome).toBe('continued');
    const continuation = await receive();
    expect(continuation.cursor).toBeDefined();
    // The page's result is recorded once as the shard's first segment, not carried in the message.
    expect(await deps.runs.segment(tenant, '2026-11-21', 1, 0, undefined)).toMatchObject({ done: true, end: continuation.cursor, counts: { claimsAged: 200 } });

    expect(await ageClaimsShard(deps, continuation, () => 300_000, () => new Date().toISOString())).toBe('run-complete');
    const run = await deps.runs.get(tenant, '2026-11-21');
    expect(run).toMatchObject({ status: 'complete', finishedShards: ['000'] });
    expect(run!.counts.claimsAged).toBe(inFollowUp);
    // A redelivered continuation is not counted twice.
    expect(await ageClaimsShard(deps, continuation, () => 300_000, () => new Date().toISOString())).toBe('already-counted');
    expect((await deps.runs.get(tenant, '2026-11-21'))!.counts.claimsAged).toBe(inFollowUp);
    // The completed run announced itself once; take the announcement off the queue (no sender runs in this file).
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrls.notifications, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
    const mine = Messages.filter((m) => JSON.parse(m.Body!).tenantId === tenant);
    expect(mine.map((m) => JSON.parse(m.Body!))).toEqual([{ kind: 'run-complete', tenantId: tenant, runDate: '2026-11-21' }]);
    for (const m of mine) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrls.notifications, ReceiptHandle: m.ReceiptHandle! }));
    sqs.destroy();
  });
  it('a worker that dies after its page but before handing over the continuation: the redelivery counts that page once', async () => {
    const { tenant, client, sqs, deps, inFollowUp } = await oneShardTenant('cont-crash', 320, 22);
    const { tableName, queueUrls } = localStack();
    const { claims } = deps;
    expect(inFollowUp).toBeGreaterThan(200);
    const receive = () => receiveAgingMessage(sqs);
    await startNightlyRun(deps, { tenantId: tenant, timeZone: 'America/Chicago', runDate: '2026-11-21' }, new Date().toISOString());
    const first = await receive();

    // The first page is written, then handing over the continuation fails (the queue is unreachable): the try dies.
    let calls = 0;
    const unreachable = { ...deps, agingQueueUrl: `${queueUrls.aging}-unreachable` };
    await expect(ageClaimsShard(unreachable, first, () => (calls++ === 0 ? 300_000 : 5_000), () => new Date().toISOString())).rejects.toThrow();
    // The queue delivers the message again; this time the night runs to its end.
    expect(await ageClaimsShard(deps, first, () => 300_000, () => new Date().toISOString())).toBe('run-complete');

    const run = (await deps.runs.get(tenant, '2026-11-21'))!;
    expect(run.counts.claimsAged).toBe(inFollowUp);
    // Worked out from what the table holds: every open work item was opened tonight, once, and every write counted.
    const openItems = (await Promise.all(followUpQueues.map((q) => deps.workItems.listQueue(tenant, q)))).flat().length;
    const opened = Object.entries(run.counts).filter(([k]) => k.startsWith('opened:')).reduce((sum, [, n]) => sum + n, 0);
    expect(opened).toBe(openItems);
    expect(run.counts.bucketChanged! + (run.counts.retired ?? 0)).toBe(inFollowUp);
    expect(run.counts.writes).toBe(run.counts.bucketChanged! + (run.counts.retired ?? 0) + opened);
    // The failed hand-over is the run health's one retry.
    expect(run.counts.shardRetries).toBe(1);

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrls.notifications, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
    for (const m of Messages.filter((m) => JSON.parse(m.Body!).tenantId === tenant)) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrls.notifications, ReceiptHandle: m.ReceiptHandle! }));
    sqs.destroy();
  });
});
