import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../functions/domain/claim.js';
import { claimEvent, describeIssues, type ClaimEvent } from '../../functions/domain/claim-events.js';
import { shardOf } from '../../functions/domain/shards.js';

const submitted = (): ClaimEvent =>
  claimEvent.parse({
    eventId: 'evt-00000001',
    tenantId: 'clinic-a',
    type: 'claim.submitted',
    occurredAt: '2026-10-01T15:00:00Z',
    source: 'unit',
    schemaVersion: 1,
    payload: {
      claimId: 'C1',
      payer: { id: 'aetna', name: 'Aetna', type: 'commercial' },
      patient: { accountNumber: 'A1', memberId: 'M1', lastName: 'Test', firstName: 'Ima', dateOfBirth: '1980-01-01' },
      serviceDate: { from: '2026-09-28', through: '2026-09-28' },
      totalChargeCents: 10_000,
      submittedOn: '2026-09-30',
    },
  });

describe('claim events', () => {
  it('names every invalid field', () => {
    const raw = JSON.parse(JSON.stringify(submitted())) as Record<string, any>;
    raw.payload.totalChargeCents = 100.5;
    raw.payload.serviceDate.through = '2026-02-30';
    const result = claimEvent.safeParse(raw);
    expect(result.success).toBe(false);
    const message = describeIssues(result.error!);
    expect(message).toContain('payload.totalChargeCents: money in integer cents');
    expect(message).toContain('payload.serviceDate.through: a calendar date');
  });

  it('opens a claim with its charge as the payer balance', () => {
    const applied = applyEvent(undefined, submitted());
    expect(applied).toMatchObject({ ok: true, claim: { status: 'submitted', billedCents: 10_000, payerBalanceCents: 10_000 } });
  });

  it('closes a claim paid in full and keeps a partly paid one open with its balance', () => {
    const claim = (applyEvent(undefined, submitted()) as { claim: any }).claim;
    const remit = (paid: number, patient: number) =>
      claimEvent.parse({
        eventId: `evt-remit-${paid}`,
        tenantId: 'clinic-a',
        type: 'claim.adjudicated',
        occurredAt: '2026-10-20T12:00:00Z',
        source: 'unit',
        schemaVersion: 1,
        payload: { claimId: 'C1', remitDate: '2026-10-20', paidCents: paid, patientResponsibilityCents: patient },
      });
    expect(applyEvent(claim, remit(8_000, 2_000))).toMatchObject({ ok: true, claim: { status: 'closed', payerBalanceCents: 0 } });
    expect(applyEvent(claim, remit(5_000, 0))).toMatchObject({ ok: true, claim: { status: 'adjudicated', payerBalanceCents: 5_000 } });
  });

  it('refuses an event for a claim never submitted', () => {
    const note = claimEvent.parse({ ...submitted(), eventId: 'evt-note-0001', type: 'note.added', payload: { claimId: 'C9' } });
    expect(applyEvent(undefined, note)).toEqual({ ok: false, reason: 'claim-not-submitted' });
  });
});

describe('shards', () => {
  it('puts a claim always in the same shard, and spreads claims over all shards', () => {
    expect(shardOf('CLM-1', 8)).toBe(shardOf('CLM-1', 8));
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[shardOf(`CLM-${i}`, 8)]++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });
});
