// The demo's X12 writer (local/demo-x12.ts), read back through the real reader and mappers: the events read back equal
// the events written, but for what X12 does not carry as JSON does (ids, source and times, the account number, each
// 837P line's service date, an 835 claim's allowed amount).
import { describe, expect, it } from 'vitest';
import { claimEvent, type ClaimEvent } from '../../functions/domain/claim-events.js';
import { buildFileReport, fileFacts } from '../../functions/x12/file-report.js';
import type { Report835, Report837 } from '../../functions/x12/map-transaction.js';
import { readX12 } from '../../functions/x12/reader.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { amount, demoX12Files, write835, write837P, type Adjudicated, type Submitted } from '../../local/demo-x12.js';

const tenantId = 'demo-lakeside';
const today = '2026-11-23';
const claims = [...demoClaimEvents({ tenantId, claims: 2400, today, seed: 1000 })];

const read = async (name: string, text: string) => buildFileReport(fileFacts(name, text), readX12([Buffer.from(text)]), { tenantId });

/** What X12 carries of an event: its type and payload, without what the file cannot say the same way. */
const carried = (event: ClaimEvent): unknown => {
  const parsed = claimEvent.parse(event);
  if (parsed.type === 'claim.submitted') {
    const { patient, lines, ...rest } = parsed.payload;
    return { type: parsed.type, payload: { ...rest, patient: { ...patient, accountNumber: '(CLM01)' }, lines: lines.map(({ serviceDate: _date, ...line }) => line) } };
  }
  if (parsed.type === 'claim.adjudicated') {
    const { allowedCents: _allowed, ...rest } = parsed.payload;
    return { type: parsed.type, payload: rest };
  }
  return { type: parsed.type, payload: parsed.payload };
};

describe('the demo X12 writer', () => {
  it('writes amounts as exact decimals', () => {
    expect([12_050, 5, -500, 0, 100_000_001].map(amount)).toEqual(['120.50', '0.05', '-5.00', '0.00', '1000000.01']);
  });

  const part = demoX12Files(claims, { today, controlNumber: 700_001, practiceName: 'Lakeside Family Medicine', unmatchedClaimId: 'DEMO-LAK-PRIOR-0001' });

  it("picks yesterday's new claims for an 837 and the latest remit day's claims (plus one unknown claim) for an 835", () => {
    expect(part.files.map((f) => f.name)).toEqual(['claims-2026-11-22.837', expect.stringMatching(/^remittance-2026-11-2\d\.835$/)]);
    expect(part.written.submitted.length).toBeGreaterThan(0);
    expect(part.written.submitted.every((s) => s.payload.submittedOn === '2026-11-22')).toBe(true);
    expect(part.written.adjudicated.length).toBeGreaterThan(1);
    expect(part.written.adjudicated.at(-1)!.payload.claimId).toBe('DEMO-LAK-PRIOR-0001');
    // The seed leaves out exactly the demo events the files carry (the unknown claim's line is no demo event).
    expect(part.carried.size).toBe(part.written.submitted.length + part.written.adjudicated.length - 1);
    // Deterministic.
    expect(demoX12Files(claims, { today, controlNumber: 700_001, practiceName: 'Lakeside Family Medicine', unmatchedClaimId: 'DEMO-LAK-PRIOR-0001' }).files).toEqual(part.files);
  });

  it('the 837P reads back as the claims written', async () => {
    const [file] = part.files;
    const { report, events } = await read(file!.name, file!.text);
    expect(report.status).toBe('accepted');
    expect(report.errors).toEqual([]);
    const claimsRead = (report.transactions[0] as Report837).claims;
    expect(claimsRead.every((c) => c.eventType === 'claim.submitted' && c.refused === undefined)).toBe(true);
    expect(events.map(carried)).toEqual(part.written.submitted.map(carried));
    // The claim id is the account number an 837 gives, and each line gets the claim's date of service.
    for (const e of events) {
      if (e.type !== 'claim.submitted') continue;
      expect(e.payload.patient.accountNumber).toBe(e.payload.claimId);
      expect(e.payload.lines.every((l) => l.serviceDate === e.payload.serviceDate.from)).toBe(true);
    }
  });

  it('the 835 balances and reads back as the remits written, one payment per payer', async () => {
    const file = part.files[1]!;
    const { report, events } = await read(file.name, file.text);
    expect(report.status).toBe('accepted');
    const remits = report.transactions as Report835[];
    expect(remits.every((t) => t.balanced && t.status === 'accepted')).toBe(true);
    expect(new Set(remits.map((t) => t.payer.id)).size).toBe(remits.length);
    expect(remits.reduce((s, t) => s + t.paymentCents, 0)).toBe(part.written.adjudicated.reduce((s, e) => s + e.payload.paidCents, 0));
    // The file orders claims by payer; compare by claim.
    const byClaim = (list: readonly ClaimEvent[]) => [...list].sort((a, b) => a.payload.claimId.localeCompare(b.payload.claimId)).map(carried);
    expect(byClaim(events)).toEqual(byClaim(part.written.adjudicated));
    // No patient name or member id in the report.
    expect(JSON.stringify(report)).not.toMatch(/Priorpatient|MBR-/);
  });

  it('writes what the mappers read: spans, modifiers, corrected claims, other payers, remark codes, a zero payment', async () => {
    const base = claims.find((events) => events[0]!.type === 'claim.submitted' && (events[0] as Submitted).payload.otherPayer)![0] as Submitted;
    const corrected: Submitted = {
      ...base,
      payload: {
        ...base.payload,
        claimId: 'WRITER-1',
        serviceDate: { from: '2026-10-01', through: '2026-10-03' },
        lines: [{ procedureCode: '99214', modifiers: ['25', 'GT'], units: 2, chargeCents: 44_000 }],
        totalChargeCents: 44_000,
        frequencyCode: '7',
        originalClaimNumber: 'PCN0001',
        diagnosisCodes: ['E11.9', 'I10'],
      },
    };
    const written837 = write837P([corrected], { controlNumber: 5, sender: 'S', receiver: 'R', createdOn: '2026-10-05', practiceName: 'P' });
    const read837 = await read('w.837', written837);
    expect(read837.report.status).toBe('accepted');
    const [back] = read837.events as Submitted[];
    expect(back!.payload).toMatchObject({
      claimId: 'WRITER-1',
      serviceDate: { from: '2026-10-01', through: '2026-10-03' },
      frequencyCode: '7',
      originalClaimNumber: 'PCN0001',
      otherPayer: corrected.payload.otherPayer,
      diagnosisCodes: ['E11.9', 'I10'],
      lines: [{ procedureCode: '99214', modifiers: ['25', 'GT'], units: 2, chargeCents: 44_000, serviceDate: '2026-10-01' }],
    });

    const denied: Adjudicated = {
      eventId: 'writer-denied-1',
      tenantId,
      type: 'claim.adjudicated',
      occurredAt: '2026-10-20T12:00:00Z',
      source: 'test',
      schemaVersion: 1,
      payload: {
        claimId: 'WRITER-1',
        remitDate: '2026-10-20',
        claimStatusCode: '1',
        payerClaimNumber: 'PCN0002',
        billedCents: 44_000,
        paidCents: 0,
        patientResponsibilityCents: 0,
        adjustments: [{ group: 'CO', carc: '197', rarcs: ['N54'], amountCents: 44_000 }],
        remarkCodes: ['N54'],
        lines: [],
      },
    };
    const written835 = write835([{ payer: { id: 'acme', name: 'Acme' }, traceNumber: 'T1', paidOn: '2026-10-20', remits: [{ remit: denied, patient: { lastName: 'A', firstName: 'B', memberId: 'M' } }] }], {
      controlNumber: 6,
      sender: 'S',
      receiver: 'R',
      createdOn: '2026-10-20',
      practiceName: 'P',
      practiceNpi: base.payload.billingNpi,
    });
    const read835 = await read('w.835', written835);
    expect(read835.report.transactions[0]).toMatchObject({ status: 'accepted', handlingCode: 'H', paymentCents: 0, balanced: true, traceNumber: 'T1', payer: { id: 'acme', name: 'Acme' } });
    expect(read835.events.map(carried)).toEqual([carried(denied)]);
  });

  it('writes a dependent under the insured (2000C under 2000B), and the mapper reads both back', async () => {
    const base = claims.find((events) => events[0]!.type === 'claim.submitted')![0] as Submitted;
    const child: Submitted = { ...base, payload: { ...base.payload, claimId: 'WRITER-DEP', subscriber: { lastName: 'Parentname', firstName: 'Pat' } } };
    const written = write837P([child, { ...base, payload: { ...base.payload, claimId: 'WRITER-SELF' } }], { controlNumber: 7, sender: 'S', receiver: 'R', createdOn: '2026-10-05', practiceName: 'P' });
    // HL 1 the provider; the dependent's claim takes HL 2 (its insured) and HL 3 (the patient); the other claim HL 4.
    expect(written).toMatch(/HL\*2\*1\*22\*1~\s*SBR\*P\*\*/);
    expect(written).toMatch(/HL\*3\*2\*23\*0~\s*PAT\*19~\s*NM1\*QC\*1\*/);
    expect(written).toMatch(/HL\*4\*1\*22\*0~/);
    const { report, events } = await read('dep.837', written);
    expect(report.status).toBe('accepted');
    const [dependent, self] = events as Submitted[];
    // The patient's own name and birth date, the insured's member id (the account number an 837 gives is the claim
    // id); the insured named as the subscriber.
    const { accountNumber: _, ...patient } = base.payload.patient;
    expect(dependent!.payload).toMatchObject({ claimId: 'WRITER-DEP', patient: { ...patient, accountNumber: 'WRITER-DEP' }, subscriber: { lastName: 'Parentname', firstName: 'Pat' } });
    expect(self!.payload.claimId).toBe('WRITER-SELF');
    expect(self!.payload.subscriber).toBeUndefined();
    expect(JSON.stringify(report)).not.toMatch(/Parentname/);
  });
});
