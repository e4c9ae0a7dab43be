// What X12 files add to the emails: the digest's remittances received (and the window it counts over), and the
// managers' batch-rejected alert. Counts and dollars only.
import { describe, expect, it } from 'vitest';
import { remittancesReceived, remittanceWindow } from '../../functions/domain/digest.js';
import { unmatchedItemSettled, unmatchedRemittancePlan, type UnmatchedRemittanceLine } from '../../functions/domain/unmatched-remittance.js';
import { describeReason, nextStepOf, priorityOf } from '../../functions/domain/work-item.js';
import { batchRejectedEmail } from '../../functions/notify/alert-email.js';
import { managerDigestEmail } from '../../functions/notify/digest-email.js';
import type { Claim } from '../../functions/domain/claim.js';
import { fixedDigest } from './digest-fixture.js';

const base = 'https://followup.example.com/';

describe('remittances received in the digest', () => {
  it('counts the files received since the previous night completed, else in the 24 hours before', () => {
    expect(remittanceWindow('2026-11-24T09:00:00.000Z', '2026-11-23T08:30:00.000Z')).toEqual({ since: '2026-11-23T08:30:00.000Z', through: '2026-11-24T09:00:00.000Z' });
    expect(remittanceWindow('2026-11-24T09:00:00.000Z', undefined)).toEqual({ since: '2026-11-23T09:00:00.000Z', through: '2026-11-24T09:00:00.000Z' });
    // A previous night completed after this one (a re-run of it): the 24 hours.
    expect(remittanceWindow('2026-11-24T09:00:00.000Z', '2026-11-24T10:00:00.000Z').since).toBe('2026-11-23T09:00:00.000Z');
    const figures = remittancesReceived('a', 'b', [
      { remittanceTransactionCount: 3, remittanceCents: 1_234_56, unmatchedClaimCount: 2, refusedRemittanceCount: 1 },
      { remittanceTransactionCount: 1, remittanceCents: 100_00 },
      {}, // a file from before these figures (or an 837): nothing
    ]);
    expect(figures).toEqual({ since: 'a', through: 'b', count: 4, cents: 1_334_56, unmatched: 2, refused: 1 });
  });

  it('shows count, dollars, unmatched and refused, in both parts, and says where to look', () => {
    const email = managerDigestEmail(fixedDigest({ remittances: { since: 'a', through: 'b', count: 12, cents: 4_567_89, unmatched: 2, refused: 1 } }), base);
    expect(email.text).toContain('Remittances received since the previous digest');
    expect(email.text).toContain('Remittances (835): 12\nDollars applied: $4,568\nUnmatched: 2 (claim lines)\nRefused: 1 (remittance)');
    expect(email.text).toContain('they wait in the Unmatched remittances queue');
    expect(email.text).toContain('its file report says why');
    for (const value of ['Remittances (835)', '$4,568', 'Unmatched', 'Refused']) expect(email.html).toContain(value);
    // Before the run health.
    expect(email.text.indexOf('Remittances received')).toBeLessThan(email.text.indexOf('Run health'));
  });

  it('says when none came, and says nothing for a digest without the figure', () => {
    const none = managerDigestEmail(fixedDigest({ remittances: { since: 'a', through: 'b', count: 0, cents: 0, unmatched: 0, refused: 0 } }), base);
    expect(none.text).toContain('Remittances received\n--------------------\nNo remittance (835) was received since the previous digest.');
    const quiet = managerDigestEmail(fixedDigest({ remittances: { since: 'a', through: 'b', count: 3, cents: 100, unmatched: 0, refused: 0 } }), base);
    expect(quiet.text).not.toMatch(/they wait in|file report says/);
    expect(managerDigestEmail(fixedDigest(), base).text).not.toContain('Remittances received');
  });
});

describe('the batch-rejected alert', () => {
  const sha = 'ab12cd34ef56'.padEnd(64, '0');
  const email = batchRejectedEmail({ fileSha256: sha, receivedAt: '2026-11-24T14:05:00.000Z', batchStatuses: 1, rejectedSets: 2, claimsRejected: 7 }, { id: 'demo-lakeside', name: 'Lakeside' }, base);

  it('names the file by its SHA-256 prefix and gives the counts, with links to the reports and the rejections', () => {
    expect(email.subject).toBe('Alert: the clearinghouse rejected a batch (Lakeside)');
    for (const part of [email.text, email.html]) {
      expect(part).toContain('ab12cd34ef56…');
      expect(part).not.toContain(sha);
    }
    expect(email.text).toContain('Batch-level rejections (277CA): 1\n837 batches rejected (999): 2\nClaims sent to Rejections: 7');
    expect(email.text).toContain('received 2026-11-24');
    expect(email.text).toContain('Open the file reports: https://followup.example.com/files?tenant=demo-lakeside');
    expect(email.text).toContain('queue=rejections');
    expect(email.html).not.toMatch(/<script|<img|src=/i);
  });
});

describe('the unmatched-remittance item', () => {
  const line = (over: Partial<UnmatchedRemittanceLine> = {}): UnmatchedRemittanceLine => ({
    remitId: 'remit-1',
    position: 1,
    payerId: 'ACME1',
    payerName: 'ACME HEALTH',
    traceNumber: 'EFT1',
    paidCents: 12_050,
    remitDate: '2026-10-19',
    statusCode: '1',
    ...over,
  });
  const settings = { assignmentRules: [] };

  it('plans the pool to find the claim: the payer, dollars and trace number, no deadline', () => {
    const plan = unmatchedRemittancePlan([line()], [], settings);
    expect(plan).toMatchObject({ queue: 'unmatched-remittance', dollarsCents: 12_050, assignee: 'pool', payerId: 'ACME1', payerName: 'ACME HEALTH', claimStatus: 'paid', balanceCents: 0, serviceFrom: '2026-10-19' });
    expect(plan.dueOn).toBeUndefined();
    expect(plan.priority).toBe(priorityOf('unmatched-remittance', 12_050, undefined, 0));
    expect(describeReason(plan.reasons[0]!, '2026-11-24')).toBe('ACME HEALTH remitted $120.50 on 2026-10-19 (trace EFT1) for a claim this practice does not hold: find the claim and post it, or return the payment');
    expect(nextStepOf(plan)).toBe('find the claim this payment is for: load it, or return the payment');
  });

  it('keeps each line once, adds new ones in date order, counts a reversal by its size, follows the rules for the queue', () => {
    const first = unmatchedRemittancePlan([line()], [], settings);
    expect(unmatchedRemittancePlan([line()], first.reasons, settings)).toEqual(first);
    const later = unmatchedRemittancePlan([line({ remitId: 'remit-2', paidCents: -12_050, statusCode: '22', remitDate: '2026-11-02', traceNumber: null, payerName: null })], first.reasons, {
      assignmentRules: [{ queue: 'unmatched-remittance', assignee: 'team:posting' }],
    });
    expect(later).toMatchObject({ dollarsCents: 24_100, claimStatus: 'reversed', assignee: 'team:posting', serviceFrom: '2026-10-19', serviceThrough: '2026-11-02', payerName: 'Unknown payer', payerId: 'ACME1' });
    expect(later.payerId).toBe('ACME1');
    expect(later.reasons.map((r) => describeReason(r, '2026-11-24'))[1]).toBe('a payer took back $120.50 on 2026-11-02 (trace not given) for a claim this practice does not hold: find the claim and post it, or return the payment');
    expect(unmatchedRemittancePlan([line({ paidCents: 0 })], [], settings).claimStatus).toBe('denied');
  });

  it('is settled once its claim arrived and no night will visit it', () => {
    expect(unmatchedItemSettled(undefined)).toBe(false);
    expect(unmatchedItemSettled({ inFollowUp: true } as Claim)).toBe(false);
    expect(unmatchedItemSettled({ inFollowUp: false } as Claim)).toBe(true);
  });
});
