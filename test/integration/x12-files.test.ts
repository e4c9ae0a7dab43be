// Clearinghouse files through the real local path: put in the inbox bucket (fauxqs' S3), the S3 notification on the
// x12 queue, ingest-x12-file, the ingest queue, the claims; read back through the API, the bucket and the table.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3NotificationOf } from '../../functions/services/x12-file-ingest.js';
import { x12Bucket } from '../../functions/shared/resources.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { X12FileStore } from '../../functions/store/x12-file-store.js';
import type { FileReport } from '../../functions/x12/file-report.js';
import { spillAfterUnits, spillFiles } from '../../functions/services/x12-spill.js';
import { remitEventIdOf } from '../../functions/x12/map-835.js';
import type { Report835 } from '../../functions/x12/map-transaction.js';
import { startApiServer, stopServer } from '../../local/api-server.js';
import { createDevAuth, type DevAuth } from '../../local/dev-auth.js';
import { LocalInbox } from '../../local/emulators.js';
import { freePort } from '../../local/processes.js';
import type { Runtime } from '../../local/runtime.js';
import { documentClient, localStack, sendTo, sqsClient, startTestRuntime, testConfig, uniqueTenant, waitFor, type DeliveryLog } from './harness.js';

process.env.LOG_LEVEL = 'INFO';
const tenant = uniqueTenant('x12');
const unknownTenant = uniqueTenant('x12-stranger');
const config = testConfig([tenant]);
const lines: string[] = [];
const streams = [process.stdout, process.stderr] as const;
const writes = streams.map((stream) => stream.write.bind(stream));

let runtime: Runtime;
let deliveries: DeliveryLog;
let server: Server;
let auth: DevAuth;
let base: string;
let inbox: LocalInbox;
const files = () => new X12FileStore(documentClient(), localStack().tableName);
const claims = () => new ClaimStore(documentClient(), localStack().tableName, config.shardCount);

beforeAll(async () => {
  // Before the handlers load: their logger keeps the stream it finds then.
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (writes[i] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  ({ runtime, deliveries } = await startTestRuntime(config));
  auth = await createDevAuth();
  const port = await freePort();
  server = await startApiServer({ port, handler: runtime.handlers.api, auth });
  base = `http://127.0.0.1:${port}`;
  inbox = new LocalInbox(localStack().env);
});
afterAll(async () => {
  streams.forEach((stream, i) => (stream.write = writes[i]!));
  inbox?.close();
  if (server) await stopServer(server);
  await runtime?.stop();
});

// ---- Test files: 5010 envelopes around hand-built transactions (fake patient, valid NPIs and ICD-10 codes) ----

const controlNumber = (): string => String(100_000_000 + randomBytes(3).readUIntBE(0, 3)).slice(0, 9);

/** One interchange with one group and one transaction, SE01 and the trailers right. */
const interchange = (isa13: string, functionalId: string, implementation: string, setId: string, body: string): string => {
  const segments = body.split('~').filter((s) => s.trim() !== '');
  const gs06 = String(Number(isa13));
  return [
    `ISA*00*          *00*          *ZZ*${'CLEARINGHOUSE'.padEnd(15)}*ZZ*${'PRACTICE'.padEnd(15)}*261120*1200*^*00501*${isa13}*0*T*:`,
    `GS*${functionalId}*CLEARINGHOUSE*PRACTICE*20261120*1200*${gs06}*X*${implementation}`,
    `ST*${setId}*0001*${implementation}`,
    ...segments,
    `SE*${segments.length + 2}*0001`,
    `GE*1*${gs06}`,
    `IEA*1*${isa13}`,
  ].join('~\n') + '~\n';
};

/** An 837P of one claim: billed 150.50 over two lines, commercial payer, service 2026-09-28, sent 2026-10-01. */
const claim837 = (claimId: string, isa13 = controlNumber()): string =>
  interchange(
    isa13,
    'HC',
    '005010X222A1',
    '837',
    'BHT*0019*00*B1*20261001*1200*CH~NM1*41*2*CLINIC*****46*S1~NM1*40*2*PLAN*****46*R1~HL*1**20*1~NM1*85*2*GOOD CLINIC*****XX*1234567893~N3*1 MAIN~N4*AUSTIN*TX*78701~' +
      'HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*TESTPATIENT*IMA****MI*MEMBERX12~DMG*D8*19800115*F~NM1*PR*2*ACME HEALTH*****PI*ACME1~' +
      `CLM*${claimId}*150.5***11:B:1*Y*A*Y*Y~HI*ABK:E119*ABF:I10~NM1*82*1*DOC*RENDER****XX*9876543213~` +
      'LX*1~SV1*HC:99214:25*100*UN*1***1~DTP*472*D8*20260928~LX*2~SV1*HC:93000*50.50*UN*2***2~DTP*472*D8*20260928',
  );

/**
 * An 835 paying that claim 120.50 (CO-45 20.00 and 10.00 on its lines), paid 2026-10-20; `bpr02` other than 120.50
 * makes it unbalanced.
 */
const remit835 = (claimId: string, trace: string, isa13 = controlNumber(), bpr02 = '120.50'): string =>
  interchange(
    isa13,
    'HP',
    '005010X221A1',
    '835',
    `BPR*I*${bpr02}*C*ACH************20261020~TRN*1*${trace}*1512345678~DTM*405*20261019~N1*PR*ACME HEALTH~REF*2U*ACME1~N1*PE*GOOD CLINIC*XX*1234567893~LX*1~` +
      `CLP*${claimId}*1*150.5*120.5**12*PCN-${claimId}~NM1*QC*1*TESTPATIENT*IMA****MI*MEMBERX12~` +
      'SVC*HC:99214:25*100*80**1~DTM*472*20260928~CAS*CO*45*20~SVC*HC:93000*50.5*40.5**2~DTM*472*20260928~CAS*CO*45*10',
  );

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const isa13Of = (text: string): string => text.slice(0, 120).split('*')[13]!;

const token = () => auth.sign({ sub: 'biller-x12', email: 'b@x12.example', roles: ['biller'], tenants: [tenant] });
const getClaim = async (claimId: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(`${base}/claims/${claimId}?tenant=${tenant}`, { headers: { authorization: `Bearer ${await token()}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** The report the system stored in the bucket for a file. */
const reportInBucket = (tenantId: string, text: string): Promise<FileReport> =>
  waitFor(async () => {
    const json = await inbox.report(tenantId, sha256(text));
    return json === undefined ? undefined : (JSON.parse(json) as FileReport);
  }, 30_000, 'the file report in the bucket');

/** Waits until the queue has no message visible or in flight. */
const drained = async (key: 'ingest' | 'x12'): Promise<void> => {
  const client = sqsClient();
  try {
    await waitFor(async () => {
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: localStack().queueUrls[key], AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible) === 0 ? true : undefined;
    }, 30_000, `the ${key} queue to drain`);
  } finally {
    client.destroy();
  }
};

/** Waits until the x12 consumer handled a message (and did not fail it). */
const handled = async (messageId: string): Promise<void> => {
  await waitFor(async () => (deliveries.attempts.has(messageId) ? true : undefined), 30_000, 'the x12 message');
  expect(deliveries.failures.get(messageId) ?? 0).toBe(0);
};

const claimId = `X12-${randomBytes(4).toString('hex').toUpperCase()}`;
const trace = `EFT${randomBytes(4).toString('hex').toUpperCase()}`;
const file837 = claim837(claimId);
const file835 = remit835(claimId, trace);

describe('X12 files through the inbox', () => {
  it('drops an 837 and then its 835: the claim is submitted, then paid, as the API shows', async () => {
    await inbox.put(tenant, 'claims-2026-10-01.837', file837);
    const submitted = await waitFor(async () => {
      const claim = await getClaim(claimId);
      return claim.status === 200 ? claim.body : undefined;
    }, 30_000, 'the submitted claim');
    expect(submitted).toMatchObject({ claimId, status: 'submitted', money: expect.objectContaining({ billedCents: 15_050, paidCents: 0 }) });

    await inbox.put(tenant, 'remit-2026-10-20.835', file835);
    const paid = await waitFor(async () => {
      const claim = await getClaim(claimId);
      return claim.body.status === 'paid' ? claim.body : undefined;
    }, 30_000, 'the paid claim');
    expect(paid).toMatchObject({ claimId, status: 'paid', open: false, money: expect.objectContaining({ paidCents: 12_050, payerBalanceCents: 0 }) });
  });

  it('stores each report in the bucket and the table, and the remittance by date, by id and on the claim', async () => {
    const report = await reportInBucket(tenant, file835);
    expect(report).toMatchObject({ file: 'remit-2026-10-20.835', sha256: sha256(file835), bytes: Buffer.byteLength(file835), status: 'accepted', errors: [] });
    const remit = report.transactions[0] as Report835;
    expect(remit).toMatchObject({ type: '835', status: 'accepted', paymentCents: 12_050, traceNumber: trace, balanced: true, imbalanceCents: 0 });
    expect(remit.claims[0]).toMatchObject({ patientControlNumber: claimId, paidCents: 12_050, adjustmentCentsByGroup: { CO: 3_000, PR: 0, OA: 0, PI: 0, CR: 0 }, eventType: 'claim.adjudicated' });
    // No patient name or member id in the report.
    expect(JSON.stringify(report)).not.toMatch(/TESTPATIENT|MEMBERX12/);

    const stored = await waitFor(() => files().report(tenant, sha256(file835)), 10_000, 'the report item');
    expect(stored).toMatchObject({ tenantId: tenant, status: 'accepted', file: 'remit-2026-10-20.835', eventCount: 1, remittanceCount: 1, reportObjectKey: `${x12Bucket.reportsPrefix}${tenant}/${sha256(file835)}.json` });
    expect(JSON.parse(stored!.report!)).toEqual(report);
    expect(stored!.source.key).toBe(`${x12Bucket.inboxPrefix}${tenant}/remit-2026-10-20.835`);
    const report837 = await files().report(tenant, sha256(file837));
    expect(report837).toMatchObject({ status: 'accepted', types: ['837P'], eventCount: 1, remittanceCount: 0 });

    // GET /files: newest first.
    const listed = await files().files(tenant, 10);
    expect(listed.files.map((f) => f.sha256)).toEqual([sha256(file835), sha256(file837)]);

    // GET /remittances?from=&to=: by payment date; the remittance with its claims; the claim's remittances.
    const { remittances } = await files().remittances(tenant, '2026-10-01', '2026-10-31', 10);
    expect(remittances).toHaveLength(1);
    expect(remittances[0]).toMatchObject({
      listedOn: '2026-10-20',
      paymentDate: '2026-10-20',
      payer: { name: 'ACME HEALTH', id: 'ACME1' },
      traceNumber: trace,
      paymentCents: 12_050,
      status: 'accepted',
      claimCount: 1,
      providerAdjustments: [],
      fileSha256: sha256(file835),
    });
    expect((await files().remittances(tenant, '2026-10-21', '2026-10-31', 10)).remittances).toEqual([]);
    const full = await files().remittance(tenant, remittances[0]!.remitId);
    expect(full?.claims).toEqual([expect.objectContaining({ position: 1, patientControlNumber: claimId, statusCode: '1', paidCents: 12_050, eventType: 'claim.adjudicated', eventId: remit.claims[0]!.eventId })]);
    const links = await files().claimRemittances(tenant, claimId);
    expect(links).toEqual([expect.objectContaining({ remitId: remittances[0]!.remitId, listedOn: '2026-10-20', traceNumber: trace, claim: expect.objectContaining({ paidCents: 12_050 }) })]);
  });

  it('answers the remittances, the files and a claim\'s remittances through the API', async () => {
    const manager = await auth.sign({ sub: 'manager-x12', email: 'm@x12.example', roles: ['manager'], tenants: [tenant] });
    const biller = await token();
    const get = async (path: string, bearer = manager) => {
      const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const listed = await get(`/remittances?tenant=${tenant}&from=2026-10-01&to=2026-10-31`, biller);
    expect(listed.status).toBe(200);
    expect(listed.body.remittances).toEqual([expect.objectContaining({ traceNumber: trace, paymentCents: 12_050, payer: { name: 'ACME HEALTH', id: 'ACME1' }, paymentDate: '2026-10-20', claimCount: 1, fileSha256: sha256(file835) })]);
    expect((await get(`/remittances?tenant=${tenant}&from=2026-10-31&to=2026-10-01`)).status).toBe(400);
    expect((await get(`/remittances?tenant=${tenant}&from=2026-10-01&to=2026-10-31&cursor=bm90LW91cnM`)).body.errors[0].field).toBe('cursor');
    const remitId = listed.body.remittances[0].remitId as string;
    const detail = await get(`/remittances/${remitId}?tenant=${tenant}`, biller);
    expect(detail.body.claims).toEqual([expect.objectContaining({ patientControlNumber: claimId, paidCents: 12_050, eventType: 'claim.adjudicated', held: true })]);
    expect((await get(`/remittances/remit-${'0'.repeat(32)}?tenant=${tenant}`)).status).toBe(404);
    const filesPage = await get(`/files?tenant=${tenant}&limit=1`);
    expect(filesPage.body.files.map((f: { sha256: string }) => f.sha256)).toEqual([sha256(file835)]);
    const next = await get(`/files?tenant=${tenant}&limit=1&cursor=${filesPage.body.cursor}`);
    expect(next.body.files.map((f: { sha256: string }) => f.sha256)).toEqual([sha256(file837)]);
    expect((await get(`/files?tenant=${tenant}`, biller)).status).toBe(403);
    const claim = await getClaim(claimId);
    expect(claim.body.remittances).toEqual([expect.objectContaining({ remitId, traceNumber: trace, payer: { name: 'ACME HEALTH', id: 'ACME1' }, claim: expect.objectContaining({ paidCents: 12_050 }) })]);
  });

  it('the same file dropped again (under another name) changes nothing', async () => {
    const before = await claims().get(tenant, claimId);
    const reportBefore = await files().report(tenant, sha256(file835));
    const eventId = ((await reportInBucket(tenant, file835)).transactions[0] as Report835).claims[0]!.eventId!;
    const attempts = deliveries.attempts.get(eventId);
    expect(attempts).toBeGreaterThanOrEqual(1);

    const { messageId } = await inbox.put(tenant, 'remit-again.835', file835);
    await handled(messageId);
    await drained('ingest');
    // Nothing was sent again: the event's delivery count did not move.
    expect(deliveries.attempts.get(eventId)).toBe(attempts);
    expect((await claims().get(tenant, claimId))?.version).toBe(before!.version);
    expect(await files().report(tenant, sha256(file835))).toEqual(reportBefore);
    expect((await files().files(tenant, 10)).files).toHaveLength(2);
    expect((await files().remittances(tenant, '2026-10-01', '2026-10-31', 10)).remittances).toHaveLength(1);
    expect(lines.join('')).toContain('"outcome":"duplicate"');
  });

  it('the same payment re-delivered in a new envelope applies nothing twice (no false credit balance)', async () => {
    const before = await claims().get(tenant, claimId);
    // A clearinghouse sends the ERA again inside a new interchange: new ISA13, GS06 and ST02, the same payment.
    const isa13 = isa13Of(file835);
    const next = String(Number(isa13) + 7).padStart(9, '0');
    const again = file835.replace(`*${isa13}*`, `*${next}*`).replace(`IEA*1*${isa13}`, `IEA*1*${next}`);
    expect(again).not.toBe(file835);
    const { messageId } = await inbox.put(tenant, 'remit-redelivered.835', again);
    await handled(messageId);
    await drained('ingest');
    const report = await reportInBucket(tenant, again);
    expect(report.transactions[0]).toMatchObject({ type: '835', status: 'accepted', traceNumber: trace });
    // The same event id as the first delivery: the ingest keeps it once; the claim is not paid twice.
    expect((report.transactions[0] as Report835).claims[0]!.eventId).toBe(((await reportInBucket(tenant, file835)).transactions[0] as Report835).claims[0]!.eventId);
    const after = await claims().get(tenant, claimId);
    expect(after?.version).toBe(before!.version);
    expect(after?.claim.money).toMatchObject({ paidCents: 12_050, creditBalanceCents: 0 });
    // One remittance, whichever file brought it.
    expect((await files().remittances(tenant, '2026-10-20', '2026-10-20', 10)).remittances.filter((r) => r.traceNumber === trace)).toHaveLength(1);
  });

  it('refuses a file for a tenant the deployment does not serve, and logs no file name', async () => {
    const stranger = claim837(`X12-${randomBytes(4).toString('hex').toUpperCase()}`);
    const { messageId } = await inbox.put(unknownTenant, 'PATIENTNAME-claims.837', stranger);
    const report = await reportInBucket(unknownTenant, stranger);
    expect(report).toMatchObject({
      file: 'PATIENTNAME-claims.837',
      sha256: sha256(stranger),
      status: 'refused',
      transactions: [],
      errors: [expect.objectContaining({ reason: `tenant ${unknownTenant} is not one this deployment serves` })],
    });
    await handled(messageId);
    // Not recorded in the table: once the tenant is served, the same file is read in full.
    expect(await files().report(unknownTenant, sha256(stranger))).toBeUndefined();
    const logs = lines.join('');
    expect(logs).toContain('x12 file refused: tenant not served');
    expect(logs).toContain(`"tenantId":"${unknownTenant}"`);
    expect(logs).not.toContain('PATIENTNAME');
    expect(logs).not.toMatch(/remit-2026-10-20|claims-2026-10-01|remit-again/);
  });

  it('refuses an unbalanced 835 whole: no event, the claim unchanged, the remittance recorded as refused', async () => {
    const before = await claims().get(tenant, claimId);
    const unbalanced = remit835(claimId, `${trace}U`, controlNumber(), '100.00');
    const { messageId } = await inbox.put(tenant, 'remit-unbalanced.835', unbalanced);
    const report = await reportInBucket(tenant, unbalanced);
    expect(report.status).toBe('refused');
    expect(report.transactions[0]).toMatchObject({ type: '835', status: 'refused', balanced: false, imbalanceCents: -2_050, reason: expect.stringContaining('does not balance') });
    expect((report.transactions[0] as Report835).claims[0]).toMatchObject({ eventType: null, refused: 'transaction refused: it does not balance' });
    await handled(messageId);
    await drained('ingest');
    // The event id the claim would have had: its payment (payer, trace, date, amount) and position.
    const eventId = remitEventIdOf(((report.transactions[0] as Report835).paymentKey), 1);
    expect(deliveries.attempts.has(eventId)).toBe(false);
    expect((await claims().get(tenant, claimId))?.version).toBe(before!.version);
    expect(await files().report(tenant, sha256(unbalanced))).toMatchObject({ status: 'refused', eventCount: 0, refusedTransactionCount: 1 });
    const { remittances } = await files().remittances(tenant, '2026-10-20', '2026-10-20', 10);
    expect(remittances.map((r) => [r.traceNumber, r.status])).toEqual(expect.arrayContaining([[trace, 'accepted'], [`${trace}U`, 'refused']]));
    // A refused remittance applied nothing: the claim links only the accepted one.
    expect((await files().claimRemittances(tenant, claimId)).map((l) => l.traceNumber)).toEqual([trace]);
  });

  it('refuses a giant unbalanced 835 whole: its claims spill to a temp file, nothing is sent, no temp file is left', async () => {
    // One transaction of more claims than are held in memory (their units go to a temp file until its SE): 3,000 claims
    // each paid 120.50, and BPR02 one cent short.
    const claims = spillAfterUnits + 1_000;
    const loops = Array.from({ length: claims }, (_, i) => `LX*${i + 1}~CLP*${claimId}-${i + 1}*1*150.5*120.5**12*PCN-${i + 1}~SVC*HC:99214:25*150.5*120.5**1~CAS*CO*45*30`).join('~');
    const paid = claims * 12_050 - 1;
    const giant = interchange(
      controlNumber(),
      'HP',
      '005010X221A1',
      '835',
      `BPR*I*${Math.floor(paid / 100)}.${String(paid % 100).padStart(2, '0')}*C*ACH************20261020~TRN*1*${trace}G*1512345678~DTM*405*20261019~N1*PR*ACME HEALTH~REF*2U*ACME1~N1*PE*GOOD CLINIC*XX*1234567893~${loops}`,
    );
    const { messageId } = await inbox.put(tenant, 'remit-giant-unbalanced.835', giant);
    const report = await reportInBucket(tenant, giant);
    await handled(messageId);
    await drained('ingest');
    const t = report.transactions[0] as Report835;
    expect(report.status).toBe('refused');
    expect(t).toMatchObject({ type: '835', status: 'refused', balanced: false, imbalanceCents: -1, reason: expect.stringContaining('does not balance') });
    expect(t.claims).toHaveLength(claims);
    expect(t.claims.every((c) => c.eventType === null && c.refused === 'transaction refused: it does not balance')).toBe(true);
    // Not one of its claims' events was sent.
    for (let position = 1; position <= claims; position++) expect(deliveries.attempts.has(remitEventIdOf(t.paymentKey, position))).toBe(false);
    expect(await files().report(tenant, sha256(giant))).toMatchObject({ status: 'refused', eventCount: 0, refusedTransactionCount: 1 });
    // The report is too large for the table's item: it is in the bucket only.
    expect((await files().report(tenant, sha256(giant)))?.report).toBeUndefined();
    expect(spillFiles()).toEqual([]);
  });

  it("ignores S3's test event and notifications outside the inbox", async () => {
    const before = await files().files(tenant, 10);
    const test = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: new Date().toISOString(), Bucket: inbox.bucketName, RequestId: 'r', HostId: 'h' });
    const outside = s3NotificationOf(inbox.bucketName, `${x12Bucket.reportsPrefix}${tenant}/whatever.json`);
    const otherBucket = s3NotificationOf('someone-elses-bucket', `${x12Bucket.inboxPrefix}${tenant}/x.835`);
    for (const body of [test, outside, otherBucket]) await sendTo('x12', body);
    await drained('x12');
    expect((await files().files(tenant, 10)).files).toEqual(before.files);
    expect(await visibleDeadLetters()).toBe(0);
  });
});

const visibleDeadLetters = async (): Promise<number> => {
  const client = sqsClient();
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: localStack().deadLetterUrls.x12, AttributeNames: ['ApproximateNumberOfMessages'] }));
  client.destroy();
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
};
