// Automatic status checks (issue 15) through the real local path: a completed night puts its no-response claims of a
// payer that answers 276 into one 276 in the outbox (fauxqs' S3); the file reads back as a valid 276; a 277 answering
// its traces, dropped in the inbox, moves each claim and marks the inquiry answered; the next night asks nobody again.
import { S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxKeyOf, sendStatusInquiries } from '../../functions/services/status-inquiries.js';
import { statusInquiryDeps } from '../../functions/handlers/notification-deps.js';
import { inboxBucketEnv } from '../../functions/shared/resources.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { HistoryStore } from '../../functions/store/history-store.js';
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
const asked = [pending, notFound, byClaimId];

beforeAll(async () => {
  ({ runtime } = await startTestRuntime(config));
  auth = await createDevAuth();
  const port = await freePort();
  server = await startApiServer({ port, handler: runtime.handlers.api, auth });
  base = `http://127.0.0.1:${port}`;
  inbox = new LocalInbox(env);
  await new TenantSettingsStore(client, tableName).put(tenant, { statusInquiries: [{ payerId: 'aetna', enabled: true, receiverId: 'CLRHOUSE1', everyDays: 14 }] }, 'test', new Date().toISOString());
  for (const claimId of asked) await sendTo('ingest', submittedEvent(tenant, claimId));
  const other = submittedEvent(tenant, otherPayer);
  await sendTo('ingest', { ...other, payload: { ...other.payload, payer: { id: 'cigna', name: 'Cigna', type: 'commercial' } } });
  for (const claimId of [...asked, otherPayer]) await waitFor(() => claims.get(tenant, claimId), 30_000, `claim ${claimId}`);
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
  it('a night puts its no-response claims of an enabled payer into one 276 in the outbox, which reads back as a valid 276', async () => {
    await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-21', 60_000);
    const [found] = await waitFor(async () => {
      const listed = await inquiries.batches(tenant, '2026-11-21');
      return listed.length > 0 ? listed : undefined;
    }, 30_000, 'the night\'s inquiry batch');
    batch = found!;
    expect(batch).toMatchObject({ payerId: 'aetna', receiverId: 'CLRHOUSE1', claimCount: 3, answeredCount: 0, fileKey: outboxKeyOf(tenant, '2026-11-21', batch.controlNumber) });
    expect(batch.fileKey).toMatch(new RegExp(`^outbox/${tenant}/276/2026-11-21-\\d{9}\\.x12$`));
    expect(batch.claims.map((c) => c.claimId).sort()).toEqual([...asked].sort());

    const text = (await bucket.getText(batch.fileKey))!;
    const items = await readX12Text(text);
    expect(items.filter((i) => i.kind === 'error')).toEqual([]);
    expect(items).toHaveLength(1);
    const t = (items[0] as Extract<(typeof items)[number], { kind: 'transaction' }>).transaction;
    expect(t).toMatchObject({ setId: '276', implementation: '005010X212', interchangeControlNumber: String(batch.controlNumber).padStart(9, '0'), envelopeErrors: [] });
    const read = claimsOf276(t);
    expect(read.map((c) => [c.claimId, c.trace]).sort()).toEqual(batch.claims.map((c) => [c.claimId, c.trace]).sort());
    expect(read.every((c) => c.chargeCents === 25_000 && c.serviceDates === '20260928' && c.payerId === 'aetna' && c.providerNpi === '1234567893')).toBe(true);

    // Billers are not handed them for a manual status call while the answer is not overdue.
    for (const claimId of asked) expect((await workItems.get(tenant, claimId))?.statusAskedOn).toBe('2026-11-21');
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
    expect(await inquiries.batches(tenant, '2026-11-21')).toHaveLength(1);
  });

  it('the next night does not ask again within everyDays; the not-found claim is in rejections', async () => {
    await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-22', 60_000);
    const night = await waitFor(async () => {
      const n = await inquiries.night(tenant, '2026-11-22', 'aetna');
      return n?.status === 'done' ? n : undefined;
    }, 30_000, 'the second night\'s inquiries');
    expect(night.batchId).toBeNull();
    expect(await inquiries.batches(tenant, '2026-11-22')).toEqual([]);
    expect((await workItems.get(tenant, notFound))).toMatchObject({ status: 'open', queue: 'rejections' });
  });

  it('lists batches to managers without patient data, and gives the file to admins only', async () => {
    const listed = await get(`/status-inquiries?tenant=${tenant}&date=2026-11-21`, ['manager']);
    expect(listed.status).toBe(200);
    const body = JSON.parse(listed.text) as { batches: Array<Record<string, unknown>> };
    expect(body.batches).toHaveLength(1);
    expect(body.batches[0]).toMatchObject({ batchId: batch.batchId, payerId: 'aetna', controlNumber: batch.controlNumber, fileKey: batch.fileKey, claimCount: 3, answeredCount: 2 });
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
