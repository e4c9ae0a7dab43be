// Money is integer cents everywhere; it becomes dollars only when shown to a person. A claim's money is worked out
// here too, per payer adjudication.
import { forwardedClp02, isDenialAdjustment, payerOrderOf, priorPayerCarc, type AdjustmentGroup, type Clp02, type PayerOrder } from './codes.js';

/** $1,234.56 from 123456. */
export const dollars = (cents: number): string =>
  `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** $1,235 from 123456: whole dollars, for summaries where cents are noise. */
export const wholeDollars = (cents: number): string =>
  `${cents < 0 ? '-' : ''}$${Math.round(Math.abs(cents) / 100).toLocaleString('en-US')}`;

// ---- A claim's money, per payer adjudication (coordination of benefits) ----
// Each payer's remit states the whole claim as that payer sees it: what it allowed, paid and left to the patient,
// with the prior payers' part as OA-23. Payments add up over every payer; what is owed, reduced and left to the
// patient is read from the last payer in the order, reconciled with what the prior payers actually paid.

/** One payer's place in a claim's money: its remits in force, the one that decides, and what it paid in all. */
export interface PayerAdjudication<A> {
  readonly payerOrder: PayerOrder;
  /**
   * The remit that states what this payer owes: its first one in force that paid anything (a later paying remit of the
   * same payer is a duplicate payment, not a new decision), else its latest (a denial, or a re-adjudication of one).
   */
  readonly current: A;
  readonly paidCents: number;
}

interface RemitMoney {
  readonly claimStatusCode: Clp02;
  readonly paidCents: number;
  readonly allowedCents?: number;
  readonly reversedOn?: string;
  readonly adjustments: ReadonlyArray<{ readonly group: AdjustmentGroup; readonly carc: string; readonly amountCents: number }>;
}

/** The payers that adjudicated a claim, first payer first, from its remits in effect order; reversed ones are out. */
export const payerAdjudications = <A extends RemitMoney>(adjudications: readonly A[]): Array<PayerAdjudication<A>> => {
  const inForce = adjudications.filter((a) => !a.reversedOn);
  const orders = [...new Set(inForce.map((a) => payerOrderOf(a.claimStatusCode, a.adjustments)))].sort((a, b) => a - b);
  return orders.map((payerOrder) => {
    const remits = inForce.filter((a) => payerOrderOf(a.claimStatusCode, a.adjustments) === payerOrder);
    return { payerOrder, current: remits.find((a) => a.paidCents > 0) ?? remits.at(-1)!, paidCents: sumCents(remits.map((a) => a.paidCents)) };
  });
};

const sumCents = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0);

/** A remit's adjustments by what they mean for what is owed. */
const partsOf = (remit: RemitMoney) => {
  const sum = (keep: (a: RemitMoney['adjustments'][number]) => boolean) => sumCents(remit.adjustments.filter(keep).map((a) => a.amountCents));
  return {
    patientCents: sum((a) => a.group === 'PR'),
    priorPayerCents: sum((a) => a.group !== 'PR' && a.carc === priorPayerCarc),
    reducedCents: sum((a) => a.group !== 'PR' && a.carc !== priorPayerCarc && !isDenialAdjustment(a)),
    deniedCents: sum((a) => isDenialAdjustment(a)),
  };
};

/** The payer a credit balance is due back to, as far as the claim knows it. */
export interface Overpayment {
  readonly payerOrder: PayerOrder;
  /** The claim's payer (primary) or its other coverage (secondary), when known. */
  readonly payerName?: string;
  readonly cents: number;
}

export interface ClaimMoney {
  readonly billedCents: number;
  /** Allowed amount of the last payer's current remit, when it reported one. */
  readonly allowedCents?: number;
  /** Payments of every payer in force, duplicates included. */
  readonly paidCents: number;
  /** What the last payer in the order left to the patient (its PR): after the secondary pays, not the primary's PR. */
  readonly patientResponsibilityCents: number;
  /** The last payer's current remit, by CAS group (its OA-23 restates the prior payers' part). */
  readonly adjustmentsByGroup: Readonly<Record<AdjustmentGroup, number>>;
  /** Contractual and other reductions (fee schedule, sequestration, ...): not owed by anyone. */
  readonly reducedCents: number;
  /** Adjustments that are denials (not reductions, not patient share): recoverable work, part of the payer balance. */
  readonly deniedCents: number;
  readonly writtenOffCents: number;
  /** What the payers may still owe: billed − payments − patient share − reductions − write-offs (denials stay in it). */
  readonly payerBalanceCents: number;
  /** Paid beyond what is owed (billed − patient share − reductions), never more: a refund is due. */
  readonly creditBalanceCents: number;
  /** Who the refund is due to, when there is a credit balance. */
  readonly overpaidBy?: Overpayment;
}

/**
 * A claim's money. Payments: every payer's, in force. Patient share and reductions: the last payer's current remit,
 * with its OA-23 reconciled against what the prior payers paid: beyond their payments it restates their reductions
 * (up to the largest of them), then their denials; short of their payments, the shortfall is prior payment the last
 * payer booked as a reduction or denial, and comes out of those. With no prior payer's remit on file, OA-23 is the
 * prior payer's part settled elsewhere: not owed through these remits. What is owed by the payers together is
 * billed − patient share − reductions; a credit is only what was paid beyond that; write-offs lower the balance only.
 */
export const claimMoney = (
  billedCents: number,
  adjudications: readonly RemitMoney[],
  writtenOffCents: number,
  payerNames: { readonly primary?: string; readonly secondary?: string } = {},
): ClaimMoney => {
  const payers = payerAdjudications(adjudications);
  const last = payers.at(-1);
  const prior = payers.slice(0, -1);
  const parts = last ? partsOf(last.current) : { patientCents: 0, priorPayerCents: 0, reducedCents: 0, deniedCents: 0 };
  let { reducedCents, deniedCents } = parts;
  if (prior.length === 0) reducedCents += parts.priorPayerCents;
  else {
    const priorPaid = sumCents(prior.map((p) => p.current.paidCents));
    const beyond = parts.priorPayerCents - priorPaid;
    if (beyond >= 0) {
      const restatedReductions = Math.min(beyond, Math.max(...prior.map((p) => partsOf(p.current).reducedCents)));
      reducedCents += restatedReductions;
      deniedCents += beyond - restatedReductions;
    } else {
      const fromReductions = Math.min(-beyond, reducedCents);
      reducedCents -= fromReductions;
      deniedCents -= Math.min(-beyond - fromReductions, deniedCents);
    }
  }
  const paidCents = sumCents(payers.map((p) => p.paidCents));
  const remaining = billedCents - parts.patientCents - reducedCents - paidCents;
  const creditBalanceCents = Math.max(0, -remaining);
  const byGroup: Record<AdjustmentGroup, number> = { CO: 0, PR: 0, OA: 0, PI: 0 };
  for (const a of last?.current.adjustments ?? []) byGroup[a.group] += a.amountCents;
  const allowedCents = last?.current.allowedCents;
  return {
    billedCents,
    ...(allowedCents !== undefined ? { allowedCents } : {}),
    paidCents,
    patientResponsibilityCents: parts.patientCents,
    adjustmentsByGroup: byGroup,
    reducedCents,
    deniedCents,
    writtenOffCents,
    payerBalanceCents: Math.max(0, remaining - writtenOffCents),
    creditBalanceCents,
    ...(creditBalanceCents > 0 && last ? { overpaidBy: overpayer(payers, creditBalanceCents, payerNames) } : {}),
  };
};

/**
 * Who overpaid: the payer with the most paid beyond its current remit (a duplicate payment), else the last payer,
 * whose own remit says less was owed than the payers paid.
 */
const overpayer = (payers: ReadonlyArray<PayerAdjudication<RemitMoney>>, cents: number, names: { readonly primary?: string; readonly secondary?: string }): Overpayment => {
  const duplicates = payers
    .map((p) => ({ payerOrder: p.payerOrder, extra: p.paidCents - p.current.paidCents }))
    .filter((p) => p.extra > 0)
    .sort((a, b) => b.extra - a.extra || b.payerOrder - a.payerOrder);
  const payerOrder = duplicates[0]?.payerOrder ?? payers.at(-1)!.payerOrder;
  const payerName = payerOrder === 1 ? names.primary : payerOrder === 2 ? names.secondary : undefined;
  return { payerOrder, ...(payerName ? { payerName } : {}), cents };
};

/**
 * The next payer is still to be billed by us: there is other coverage, only the first payer has adjudicated, it did
 * not forward the claim (CLP02 19-21), and it left a patient share. The secondary's remit, or a forward, ends it.
 */
export const nextPayerDue = (hasOtherPayer: boolean, adjudications: readonly RemitMoney[], money: Pick<ClaimMoney, 'patientResponsibilityCents'>): boolean => {
  const payers = payerAdjudications(adjudications);
  return (
    hasOtherPayer &&
    payers.length > 0 &&
    payers.every((p) => p.payerOrder === 1) &&
    !adjudications.some((a) => !a.reversedOn && forwardedClp02.includes(a.claimStatusCode)) &&
    money.patientResponsibilityCents > 0
  );
};

/** The ordinal a biller says: "primary", "secondary", "tertiary". */
export const payerOrderName = (order: PayerOrder): string => (order === 1 ? 'primary' : order === 2 ? 'secondary' : 'tertiary');
