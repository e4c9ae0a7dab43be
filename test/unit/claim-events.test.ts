// The event contract at the door: each field's check names the field.
import { describe, expect, it } from 'vitest';
import { claimEvent, describeIssues } from '../../functions/domain/claim-events.js';
import { isValidNpi } from '../../functions/domain/codes.js';
import { raw, submittedPayload } from './claim-fixtures.js';

const submittedWith = (change: (p: any) => void) => {
  const payload: any = submittedPayload();
  change(payload);
  return { eventId: 'evt-submitted', tenantId: 'clinic-a', type: 'claim.submitted', occurredAt: '2026-09-30T15:00:00Z', source: 'unit', schemaVersion: 1, payload };
};
const issues = (value: unknown): string => {
  const result = claimEvent.safeParse(value);
  return result.success ? '' : describeIssues(result.error);
};

describe('NPI', () => {
  it('accepts the CMS example and rejects a transposed digit', () => {
    expect(isValidNpi('1234567893')).toBe(true);
    expect(isValidNpi('1234567839')).toBe(false);
    expect(isValidNpi('2134567893')).toBe(false);
    expect(isValidNpi('123456789')).toBe(false);
  });
});

describe('claim.submitted', () => {
  it('accepts a valid claim', () => {
    expect(issues(submittedWith(() => undefined))).toBe('');
  });

  it.each([
    ['payload.billingNpi', (p: any) => (p.billingNpi = '1234567890'), 'check digit'],
    ['payload.lines.0.procedureCode', (p: any) => (p.lines[0].procedureCode = '9921'), 'CPT'],
    ['payload.lines.0.procedureCode', (p: any) => (p.lines[0].procedureCode = '9921X'), 'HCPCS'],
    ['payload.lines.0.modifiers.0', (p: any) => (p.lines[0].modifiers = ['2']), 'modifier'],
    ['payload.diagnosisCodes.0', (p: any) => (p.diagnosisCodes = ['250.00']), 'ICD-10-CM'],
    ['payload.totalChargeCents', (p: any) => (p.totalChargeCents = 10_001), 'sum of the line charges'],
    ['payload.lines.1.chargeCents', (p: any) => (p.lines[1].chargeCents = 20.5), 'integer cents'],
    ['payload.serviceDate.from', (p: any) => (p.serviceDate.from = '2026-09-29'), 'after the through-date'],
    ['payload.serviceDate.through', (p: any) => (p.serviceDate.through = '2026-09-31'), 'calendar date'],
    ['payload.originalClaimNumber', (p: any) => (p.frequencyCode = '7'), 'frequency code 7'],
    ['payload.payer.state', (p: any) => (p.payer = { id: 'mcd', name: 'Medicaid', type: 'medicaid' }), 'Medicaid'],
    ['payload.participating', (p: any) => delete p.participating, 'expected boolean'],
  ])('names %s when it is wrong', (field, change, message) => {
    const text = issues(submittedWith(change));
    expect(text).toContain(`${field}: `);
    expect(text).toContain(message);
  });

  it('accepts CPT category II/III and HCPCS Level II codes', () => {
    for (const code of ['3074F', '0042T', 'G0008', 'J1100']) {
      expect(issues(submittedWith((p) => (p.lines[0].procedureCode = code)))).toBe('');
    }
  });

  it('never puts the bad value in the message', () => {
    expect(issues(submittedWith((p) => (p.billingNpi = '9999999999')))).not.toContain('9999999999');
  });
});

describe('claim.adjudicated', () => {
  const remit = (adjustments: unknown[], extra: Record<string, unknown> = {}) =>
    raw('evt-remit-01', 'claim.adjudicated', '2026-10-20T12:00:00Z', {
      remitDate: '2026-10-20',
      claimStatusCode: '1',
      payerClaimNumber: 'PCN1',
      billedCents: 10_000,
      paidCents: 0,
      patientResponsibilityCents: 0,
      adjustments,
      ...extra,
    });

  it('accepts a balanced denial with a known CARC and RARC', () => {
    expect(issues(remit([{ group: 'CO', carc: '16', rarcs: ['M51'], amountCents: 10_000 }]))).toBe('');
  });

  it.each([
    ['payload.adjustments.0.carc', [{ group: 'CO', carc: '999', amountCents: 10_000 }], 'not a CARC'],
    ['payload.adjustments.0.rarcs.0', [{ group: 'CO', carc: '16', rarcs: ['ZZ99'], amountCents: 10_000 }], 'not a RARC'],
    ['payload.adjustments.0.rarcs', [{ group: 'CO', carc: '16', amountCents: 10_000 }], 'CARC 16 needs a RARC'],
    ['payload.adjustments.0.group', [{ group: 'CO', carc: '18', amountCents: 10_000 }], 'only with group OA'],
    ['payload.adjustments', [{ group: 'CO', carc: '197', amountCents: 9_000 }], 'do not balance'],
  ])('names %s when it is wrong', (field, adjustments, message) => {
    const text = issues(remit(adjustments));
    expect(text).toContain(`${field}: `);
    expect(text).toContain(message);
  });

  it('requires the patient responsibility to equal the PR adjustments', () => {
    const text = issues(remit([{ group: 'PR', carc: '1', amountCents: 10_000 }], { patientResponsibilityCents: 0 }));
    expect(text).toContain('payload.patientResponsibilityCents: does not equal the PR adjustments');
  });

  it('refuses a reversal sent as an adjudication', () => {
    expect(issues(remit([{ group: 'CO', carc: '45', amountCents: 10_000 }], { claimStatusCode: '22' }))).toContain('claim.reversed');
  });
});

describe('acknowledgments and status', () => {
  it('accepts only acknowledgment categories on claim.acknowledged and rejection categories on claim.rejected', () => {
    const ack = (categoryCode: string) =>
      raw('evt-ack-0001', 'claim.acknowledged', '2026-10-01T09:00:00Z', { categoryCode, statusCode: '20', acknowledgedOn: '2026-10-01' });
    expect(issues(ack('A1'))).toBe('');
    expect(issues(ack('F1'))).toContain('payload.categoryCode');
    const rejection = (categoryCode: string) =>
      raw('evt-rej-0001', 'claim.rejected', '2026-10-01T09:00:00Z', { categoryCode, statusCode: '164', reason: 'x', rejectedOn: '2026-10-01' });
    expect(issues(rejection('A7'))).toBe('');
    expect(issues(rejection('A2'))).toContain('payload.categoryCode');
  });

  it('checks 277 categories against the code list', () => {
    const status = (categoryCode: string) =>
      raw('evt-status-01', 'claim.status', '2026-10-15T09:00:00Z', { categoryCode, statusCode: '21', statusOn: '2026-10-15' });
    expect(issues(status('P3'))).toBe('');
    expect(issues(status('Q9'))).toContain('payload.categoryCode: not a 277 claim status category code');
  });
});
