// Automatic status checks (issue 15) through the real local path: a completed night puts its no-response claims of the
// payers that answer 276 into one 276 per receiver in the outbox (fauxqs' S3: two payers of one clearinghouse share a
// file, a payer of another has its own); the file reads back as a valid 276; a 277 answering its traces, dropped in the
// inbox, moves each claim and marks the inquiry answered; the digest counts what was sent, answered and moved; the
// next night asks nobody again.
import { S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxKeyOf, sendStatusInquiries } from '../../functions/services/status-inquiries.js';
import { onRunComplete } from '../../functions/services/notifications.js';
import { notificationDeps, statusInquiryDeps } from '../../functions/handlers/notification-deps.js';
import { inboxBucketEnv } from '../../functions/shared/resources.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { HistoryStore } from '../../functions/store/history-store.js';
import { RunStore } from '../../functions/store/run-store.js';
import { StatusInquiryStore, type InquiryBatch } from '../../functions/store/status-inquiry-store.js';
import { TenantSettingsStore } from '../../functions/store/tenant-settings-store.js';
import { WorkItemStore } from '../../functions/store/work-item-store.js';
import { X12Bucket, X12FileStore } from '../../functions/store/x12-file-store.js';
import { readX12Text } from '../../functions/x12/reader.js';
import { claimsOf276 } from '../../functions/x12/write-276.js';
import { startApiServer, stopServer } from '../../local/api-server.js';
import { createDevAuth, type DevAuth } from '../../local/dev-auth.js';
import { LocalInbox, localClientConfig } from '../../local/emulators.js';
import { runNight } from '../../local/nightly-driver.js';
import { freePort } from '../../local/processes.js';
import type { Runtime } from '../../local/runtime.js';
import { documentClient, localStack, readUtcDaysSince, sendTo, startTestRuntime, submittedEvent, testConfig, uniqueTenant, waitFor } from './harness.js';

const tenant = uniqueTenant('inquiry');
const config = testConfig([tenant]);
const { endpoints, tableName, env } = localStack();
const client = documentClient();
const claims = new ClaimStore(client, tableName, config.shardCount);
const inquiries = new StatusInquiryStore(client, tableName);
const workItems = new WorkItemStore(client, tableName);
const files = new X12FileStore(client, tableName);
const s3 = new S3Client(localClientConfig(endpoints.s3));
const bucket = new X12Bucket(s3, env[inboxBucketEnv]!);

let runtime: Runtime;
let server: Server;
let auth: DevAuth;
let base: string;
let inbox: LocalInbox;

const unique = (): string => randomBytes(4).toString('hex').toUpperCase();
const pending = `INQ-P-${unique()}`; // the payer says pended (P1)
const notFound = `INQ-N-${unique()}`; // the payer cannot find it (A4)
const byClaimId = `INQ-C-${unique()}`; // answered under a trace we never sent: applied by claim id
const otherPayer = `INQ-O-${unique()}`; // its payer does not answer 276
const sameReceiver = `INQ-H-${unique()}`; // Humana: asked through the same clearinghouse as Aetna, in the same file
const ownReceiver = `INQ-B-${unique()}`; // BCBS: asked through another clearinghouse, its own file
const asked = [pending, notFound, byClaimId, sameReceiver];

beforeAll(async () => {
  ({ runtime } = await startTestRuntime(config));
  auth = await createDevAuth();
  const port = await freePort();
  server = await startApiServer({ port, handler: runtime.handlers.api, auth });
  base = `http://127.0.0.1:${port}`;
  inbox = new LocalInbox(env);
  await new TenantSettingsStore(client, tableName).put(
    tenant,
    {
      statusInquiries: [
        { payerId: 'aetna', enabled: true, receiverId: 'CLRHOUSE1', everyDays: 14 },
        { payerId: 'bcbs', enabled: true, receiverId: 'CLRHOUSE2', everyDays: 14 },
        { payerId: 'humana', enabled: true, receiverId: 'CLRHOUSE1', everyDays: 14 },
      ],
    },
    'test',
    new Date().toISOString(),
  );
  const withPayer = (claimId: string, payer: { id: string; name: string }) => {
    const event = submittedEvent(tenant, claimId);
    return { ...event, payload: { ...event.payload, payer: { ...payer, type: 'commercial' } } };
  };
  for (const claimId of [pending, notFound, byClaimId]) await sendTo('ingest', submittedEvent(tenant, claimId));
  await sendTo('ingest', withPayer(sameReceiver, { id: 'humana', name: 'Humana' }));
  // The BCBS claim's patient is a dependent on a parent's plan: the 276 asks by the subscriber and names the patient.
  const dependent = withPayer(ownReceiver, { id: 'bcbs', name: 'BCBS' });
  await sendTo('ingest', { ...dependent, payload: { ...dependent.payload, subscriber: { lastName: 'Insuredparent', firstName: 'Ada' } } });
  await sendTo('ingest', withPayer(otherPayer, { id: 'cigna', name: 'Cigna' }));
  for (const claimId of [...asked, ownReceiver, otherPayer]) await waitFor(() => claims.get(tenant, claimId), 30_000, `claim ${claimId}`);
});
afterAll(async () => {
  inbox?.close();
  s3.destroy();
  if (server) await stopServer(server);
  await runtime?.stop();
});

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const token = (roles: Array<'biller' | 'manager' | 'admin'>) => auth.sign({ sub: `user-${roles[0]}`, email: `${roles[0]}@inquiry.example`, roles, tenants: [tenant] });
const get = async (path: string, roles: Array<'biller' | 'manager' | 'admin'>): Promise<{ status: number; text: string }> => {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${await token(roles)}` } });
  return { status: response.status, text: await response.text() };
};

/** A 277 (005010X212) with one subscriber loop per answer. */
const file277 = (isa: number, answers: ReadonlyArray<{ trace: string; claimId: string; stc: string }>): string => {
  const isa13 = String(isa).padStart(9, '0');
  const body = [
    'ST*277*0001*005010X212',
    'BHT*0010*08*277X212*20261123*0810*DG',
    'HL*1**20*1',
    'NM1*PR*2*AETNA*****PI*aetna',
    'HL*2*1*21*1',
    'NM1*41*2*TEST PRACTICE*****46*PRACTICE',
    'HL*3*2*19*1',
    'NM1*1P*2*TEST PRACTICE*****XX*1234567893',
    ...answers.flatMap((a, i) => [`HL*${4 + i}*3*22*0`, 'NM1*IL*1*TESTPATIENT*IMA****MI*MBRTEST1', `TRN*2*${a.trace}`, `STC*${a.stc}*20261123`, `REF*EJ*${a.claimId}`]),
  ];
  const segments = [...body, `SE*${body.length + 1}*0001`];
  return (
    [
      `ISA*00*          *00*          *ZZ*${'CLRHOUSE1'.padEnd(15)}*ZZ*${'PRACTICE'.padEnd(15)}*261123*0810*^*00501*${isa13}*0*T*:`,
      `GS*HN*CLRHOUSE1*PRACTICE*20261123*0810*${isa}*X*005010X212`,
      ...segments,
      `GE*1*${isa}`,
      `IEA*1*${isa13}`,
    ].join('~\n') + '~\n'
  );
};

let batch: InquiryBatch;
const startedAt = new Date().toISOString();

describe('276 status inquiries', () => {
  it('a night puts its no-response claims into one 276 per receiver in the outbox, each reading back as a valid 276', async () => {
    await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-21', 60_000);
    const listed = await waitFor(async () => {
      const found = await inquiries.batches(tenant, '2026-11-21');
      return found.length >= 2 ? found : undefined;
    }, 30_000, 'the night\'s inquiry batches');
    expect(listed).toHaveLength(2);
    batch = listed.find((b) => b.receiverId === 'CLRHOUSE1')!;
    const own = listed.find((b) => b.receiverId === 'CLRHOUSE2')!;
    // Aetna and Humana share CLRHOUSE1: one batch, one interchange, in the order of the settings (Aetna, then Humana).
    expect(batch).toMatchObject({ receiverId: 'CLRHOUSE1', claimCount: 4, answeredCount: 0, fileKey: outboxKeyOf(tenant, '2026-11-21', batch.controlNumber) });
    expect(batch.payers).toEqual([
      { payerId: 'aetna', payerName: 'Aetna', claimCount: 3 },
      { payerId: 'humana', payerName: 'Humana', claimCount: 1 },
    ]);
    expect(own).toMatchObject({ receiverId: 'CLRHOUSE2', claimCount: 1, payers: [{ payerId: 'bcbs', payerName: 'BCBS', claimCount: 1 }] });
    expect(own.claims.map((c) => c.claimId)).toEqual([ownReceiver]);
    expect(batch.fileKey).toMatch(new RegExp(`^outbox/${tenant}/276/2026-11-21-\\d{9}\\.x12$`));
    // One control-number sequence for the practice, whoever receives the file: the two files of the night never share
    // a number, so never a key (each receiver used to count from 1, and the second file overwrote the first).
    expect(own.fileKey).toBe(outboxKeyOf(tenant, '2026-11-21', own.controlNumber));
    expect(own.controlNumber).not.toBe(batch.controlNumber);
    expect(own.fileKey).not.toBe(batch.fileKey);
    expect(batch.claims.map((c) => c.claimId).sort()).toEqual([...asked].sort());
    // Each claim was in no-response when asked: the digest's "moved" compares with that.
    expect(batch.claims.every((c) => c.queue === 'no-response')).toBe(true);

    for (const b of [batch, own]) {
      const text = (await bucket.getText(b.fileKey))!;
      const items = await readX12Text(text);
      expect(items.filter((i) => i.kind === 'error')).toEqual([]);
      expect(items).toHaveLength(1);
      expect(text.match(/^ISA\*/gm)).toHaveLength(1);
      expect(text.split('\n')[0]).toContain(`*ZZ*${b.receiverId.padEnd(15)}*`);
      const t = (items[0] as Extract<(typeof items)[number], { kind: 'transaction' }>).transaction;
      expect(t).toMatchObject({ setId: '276', implementation: '005010X212', interchangeControlNumber: String(b.controlNumber).padStart(9, '0'), envelopeErrors: [] });
      const read = claimsOf276(t);
      expect(read.map((c) => [c.claimId, c.trace, c.payerId]).sort()).toEqual(b.claims.map((c) => [c.claimId, c.trace, c.payerId]).sort());
      expect(read.every((c) => c.chargeCents === 25_000 && c.serviceDates === '20260928' && c.providerNpi === '1234567893')).toBe(true);
    }

    // The dependent: HL 22 names the insured parent by the member id, HL 23 (its child) the patient by name and birth date.
    const dependentFile = (await bucket.getText(own.fileKey))!;
    expect(dependentFile).toMatch(/HL\*(\d+)\*\d+\*22\*1~\nNM1\*IL\*1\*INSUREDPARENT\*ADA\*\*\*\*MI\*MBR-TEST-1~\nHL\*\d+\*\1\*23\*0~\nDMG\*D8\*19800229~\nNM1\*QC\*1\*TESTPATIENT\*IMA~/);
    // The others are their own subscribers: no dependent loop in the other file.
    expect((await bucket.getText(batch.fileKey))!).not.toMatch(/\*23\*0~/);

    // Billers are not handed them for a manual status call while the answer is not overdue.
    for (const claimId of [...asked, ownReceiver]) expect((await workItems.get(tenant, claimId))?.statusAskedOn).toBe('2026-11-21');
  });

  it('a 277 answering the traces moves each claim and marks the inquiry answered; an unknown trace is applied by claim id and reported', async () => {
    const traceOf = (claimId: string): string => batch.claims.find((c) => c.claimId === claimId)!.trace;
    const answer = file277(100_000_000 + randomBytes(3).readUIntBE(0, 3), [
      { trace: traceOf(pending), claimId: pending, stc: 'P1:20' },
      { trace: traceOf(notFound), claimId: notFound, stc: 'A4:35' },
      { trace: `NOT-OURS-${unique()}`, claimId: byClaimId, stc: 'P1:20' },
    ]);
    await inbox.put(tenant, 'status.277', answer);
    const stored = await waitFor(() => files.report(tenant, sha256(answer)), 30_000, 'the 277 report');
    expect(stored).toMatchObject({ status: 'accepted', statusInquiriesAnswered: 2, unmatchedTraceCount: 1 });

    const state = async (claimId: string) => (await claims.get(tenant, claimId))?.claim;
    await waitFor(async () => ((await state(pending))?.status === 'pending' ? true : undefined), 30_000, 'the pended claim');
    await waitFor(async () => ((await state(byClaimId))?.status === 'pending' ? true : undefined), 30_000, 'the claim answered by id');
    const rejected = await waitFor(async () => {
      const claim = await state(notFound);
      return claim?.status === 'rejected' ? claim : undefined;
    }, 30_000, 'the claim the payer cannot find');
    expect(rejected.rejection).toMatchObject({ categoryCode: 'A4', statusCode: '35' });
    expect(rejected.rejection!.reason).toContain('resubmit');
    expect((await inquiries.batch(tenant, batch.batchId))?.answeredCount).toBe(2);

    // The same answer again changes nothing.
    const again = answer.replace('~\n', '~\n\n');
    await inbox.put(tenant, 'status-again.277', again);
    expect(await waitFor(() => files.report(tenant, sha256(again)), 30_000, 'the second report')).toMatchObject({ statusInquiriesAnswered: 0, unmatchedTraceCount: 1 });
    expect((await inquiries.batch(tenant, batch.batchId))?.answeredCount).toBe(2);
  });

  it('a redelivered night asks nothing again', async () => {
    const deps = statusInquiryDeps(client, tableName, { bucket, tenants: new Map(config.tenants.map((t) => [t.id, t])), usage: 'T', now: () => new Date().toISOString() });
    expect(await sendStatusInquiries(deps, tenant, '2026-11-21')).toEqual({ batches: 0, claims: 0 });
    expect(await inquiries.batches(tenant, '2026-11-21')).toHaveLength(2);
  });

  it('the next night does not ask again within everyDays; the not-found claim is in rejections', async () => {
    await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-22', 60_000);
    const night = await waitFor(async () => {
      const n = await inquiries.night(tenant, '2026-11-22', 'CLRHOUSE1');
      return n?.status === 'done' ? n : undefined;
    }, 30_000, 'the second night\'s inquiries');
    expect(night.batchId).toBeNull();
    expect(await inquiries.night(tenant, '2026-11-22', 'CLRHOUSE2')).toMatchObject({ status: 'done', batchId: null });
    expect(await inquiries.batches(tenant, '2026-11-22')).toEqual([]);
    expect((await workItems.get(tenant, notFound))).toMatchObject({ status: 'open', queue: 'rejections' });
  });

  it('the digest after that night counts the 276s sent, the 277 answers and the claims they moved, and the run record keeps them', async () => {
    const sent: string[] = [];
    const deps = {
      ...notificationDeps(client, tableName, {
        tenants: new Map(config.tenants.map((t) => [t.id, t])),
        deadLetters: async () => [],
        enqueue: async () => undefined,
        send: async (_sender: unknown, to: string) => {
          sent.push(to);
          return 'test-message';
        },
        sender: { from: config.senderAddress },
        appBaseUrl: config.appBaseUrl,
        now: () => new Date().toISOString(),
        log: { info: () => undefined, warn: () => undefined },
      }),
      inquiries,
    };
    await onRunComplete(deps, tenant, '2026-11-22');
    const run = await new RunStore(client, tableName).get(tenant, '2026-11-22');
    // The window is from the 21st's completion to the 22nd's. Sent: the two files written after the 21st (4 + 1 = 5
    // claims). Answered: the 277 answered two of our traces (pending, not found; the third named a trace we never sent,
    // and its copy answered nothing new). Moved: both were in no-response when asked; after the 22nd the pended one has
    // no open work (its P1 restarted the clock) and the not-found one is in rejections: 2 moved.
    expect(run?.statusInquiries).toMatchObject({
      sent: { files: 2, claims: 5 },
      answered: 2,
      moved: 2,
      movedTo: [
        { to: 'no-open-work', claims: 1 },
        { to: 'rejections', claims: 1 },
      ],
    });
    expect((await workItems.get(tenant, pending))?.status).not.toBe('open');
    // GET /runs/{date} shows them to a manager, without claim or patient identifiers.
    const response = await get(`/runs/2026-11-22?tenant=${tenant}`, ['manager']);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ statusInquiries: { sent: { files: 2, claims: 5 }, answered: 2, moved: 2 } });
    expect(JSON.stringify(run?.statusInquiries)).not.toMatch(/INQ-|TESTPATIENT|MBR/);
  });

  it('an inquiry still unanswered keeps its mark through the close and reopen of the work item, and says so', async () => {
    // Humana's claim, asked on Saturday 2026-11-21, is never answered. The 22nd's night holds it back (the answer is
    // due 3 business days after: Mon 23, Tue 24, Wed 25), so its work item closes; on the 25th the answer is overdue
    // and the work reopens in no-response, the mark kept: the reasons say the payer was asked, then and the next night.
    expect((await workItems.get(tenant, sameReceiver))?.status).not.toBe('open');
    for (const night of ['2026-11-25', '2026-11-26']) {
      await runNight(runtime.startNightly, client, tableName, config.tenants, night, 60_000);
      const item = await workItems.get(tenant, sameReceiver);
      expect(item).toMatchObject({ status: 'open', queue: 'no-response', statusAskedOn: '2026-11-21' });
      expect(item!.reasons[0]).toMatchObject({ code: 'status-asked', on: '2026-11-21' });
    }
  });

  it('lists batches to managers without patient data, and gives the file to admins only', async () => {
    const listed = await get(`/status-inquiries?tenant=${tenant}&date=2026-11-21`, ['manager']);
    expect(listed.status).toBe(200);
    const body = JSON.parse(listed.text) as { batches: Array<Record<string, unknown>> };
    expect(body.batches).toHaveLength(2);
    const listedBatch = body.batches.find((b) => b.batchId === batch.batchId);
    expect(listedBatch).toMatchObject({ payers: batch.payers, controlNumber: batch.controlNumber, fileKey: batch.fileKey, claimCount: 4, answeredCount: 2 });
    // Only the listing's fields: not the queue a claim was in, not the answers the digest reads.
    expect(Object.keys((listedBatch!.claims as Array<Record<string, unknown>>)[0]!).sort()).toEqual(['claimId', 'payerId', 'trace']);
    expect(listedBatch).not.toHaveProperty('answers');
    expect(listed.text).not.toMatch(/TESTPATIENT|MBR-TEST|1980-02-29|19800229/i);
    expect((await get(`/status-inquiries?tenant=${tenant}&date=2026-11-21`, ['biller'])).status).toBe(403);

    const path = `/status-inquiries/${batch.batchId}/file?tenant=${tenant}`;
    expect((await get(path, ['manager'])).status).toBe(403);
    const file = await get(path, ['admin']);
    expect(file.status).toBe(200);
    expect(file.text.startsWith('ISA*')).toBe(true);
    expect(file.text).toContain('ST*276*0001*005010X212~');
    expect((await get(`/status-inquiries/2026-11-21-NOPE-000000001/file?tenant=${tenant}`, ['admin'])).status).toBe(404);
    const audits = await waitFor(async () => {
      const entries = await readUtcDaysSince(startedAt, (day) => new HistoryStore(client, tableName).auditEntries(tenant, day));
      return entries.some((e) => e.action === `read-status-inquiry-file:${batch.batchId}`) ? entries : undefined;
    }, 10_000, 'the audit entry');
    expect(audits.find((e) => e.action.startsWith('read-status-inquiry-file'))).toMatchObject({ userId: 'user-admin' });
  });
});
