// Writes one X12 276 claim status inquiry (005010X212) from pure data: one interchange per receiver (clearinghouse),
// one group, one transaction with an information source loop per payer, with the control numbers the caller allocated. Patient identifiers go into the file (the payer needs them) and
// nowhere else; nothing here logs.
import type { CalendarDate } from '../domain/calendar.js';
import type { Transaction } from './segments.js';

export const implementation276 = '005010X212';

/** One claim asked about: what the payer matches it by. */
export interface InquiryClaim {
  readonly claimId: string;
  /** TRN02: our trace, echoed by the 277. */
  readonly trace: string;
  readonly billingNpi: string;
  readonly patient: { readonly lastName: string; readonly firstName: string; readonly memberId: string; readonly dateOfBirth: CalendarDate };
  /**
   * The insured, when the patient is not (a spouse's or parent's plan): the subscriber loop (HL 22) then names them by
   * the member id, and the patient gets the dependent loop (HL 23) with their own name and date of birth.
   */
  readonly subscriber?: { readonly lastName: string; readonly firstName: string; readonly memberId: string };
  readonly serviceFrom: CalendarDate;
  readonly serviceThrough: CalendarDate;
  readonly chargeCents: number;
  readonly payerClaimNumber?: string;
}

export interface Inquiry276 {
  readonly interchangeControlNumber: number;
  readonly groupControlNumber: number;
  /** ISA06 / GS02 and NM1*41 (the information receiver): the practice at the clearinghouse. */
  readonly senderId: string;
  /** ISA08 / GS03: the clearinghouse. */
  readonly receiverId: string;
  /** Each payer asked through this receiver, with its claims (an information source loop, HL 20, each). */
  readonly payers: readonly InquiryPayer[];
  /** The practice's name on the provider loop (NM1*1P). */
  readonly providerName: string;
  /** BHT03: our reference for the batch. */
  readonly reference: string;
  /** When the file is created (UTC). */
  readonly createdAt: string;
  readonly usage: 'P' | 'T';
}

/** One payer of a 276 and the claims asked of it. */
export interface InquiryPayer {
  readonly id: string;
  readonly name: string;
  readonly claims: readonly InquiryClaim[];
}

/** Delimiters of the files we write: none of them may appear in a value. */
const d = { element: '*', component: ':', repetition: '^', segment: '~' } as const;

/** A value as an element: delimiters and control characters become spaces, trimmed; names upper-cased. */
const clean = (value: string, max: number): string =>
  value
    .replace(/[*:^~\r\n\t\u0000-\u001f\u007f-\uffff]/g, ' ')
    .replace(/ +/g, ' ')
    .trim()
    .slice(0, max);
const name = (value: string, max: number): string => clean(value, max).toUpperCase();

/** Integer cents as an X12 decimal ("8513.88"): string arithmetic, never a float. */
export const x12Amount = (cents: number): string => {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

const compact = (date: CalendarDate): string => date.replaceAll('-', '');

/** Whether the claim's patient is someone other than the insured: a dependent loop is then written. */
export const isDependent = (claim: Pick<InquiryClaim, 'patient' | 'subscriber'>): boolean => {
  const s = claim.subscriber;
  if (!s) return false;
  const same = (a: string, b: string): boolean => name(a, 80) === name(b, 80);
  return !(same(s.lastName, claim.patient.lastName) && same(s.firstName, claim.patient.firstName));
};

/**
 * The 276: per payer an information source (HL 20, NM1*PR) and receiver (HL 21, NM1*41: the practice), one provider
 * loop per billing NPI (HL 19), and per claim a subscriber loop (HL 22, NM1*IL with the member id). When the patient is
 * the subscriber, the claim's DMG (date of birth) and status details are on that loop; when not, a dependent loop
 * (HL 23) follows it with the patient's DMG and NM1*QC (name) and the details. The details: TRN*1 (our trace), REF*1K
 * (the payer's claim number, when known), REF*EJ (the claim id: the patient control number), AMT*T3 (charge) and
 * DTP*472 (service dates).
 */
export const write276 = (inquiry: Inquiry276): string => {
  const payers = inquiry.payers.filter((p) => p.claims.length > 0);
  if (payers.length === 0) throw new Error('a 276 needs at least one claim');
  const at = new Date(inquiry.createdAt);
  const iso = at.toISOString();
  const ccyymmdd = iso.slice(0, 10).replaceAll('-', '');
  const hhmm = iso.slice(11, 16).replace(':', '');
  const isa13 = String(inquiry.interchangeControlNumber).padStart(9, '0');
  const gs06 = String(inquiry.groupControlNumber);
  const st02 = '0001';
  const sender = clean(inquiry.senderId, 15);
  const receiver = clean(inquiry.receiverId, 15);

  const body: string[][] = [];
  const seg = (...elements: string[]): void => {
    // Trailing empty elements are dropped, as X12 asks.
    let end = elements.length;
    while (end > 1 && elements[end - 1] === '') end -= 1;
    body.push(elements.slice(0, end));
  };
  const details = (claim: InquiryClaim): void => {
    seg('TRN', '1', clean(claim.trace, 50));
    if (claim.payerClaimNumber) seg('REF', '1K', clean(claim.payerClaimNumber, 50));
    seg('REF', 'EJ', clean(claim.claimId, 50));
    seg('AMT', 'T3', x12Amount(claim.chargeCents));
    seg(
      'DTP',
      '472',
      claim.serviceFrom === claim.serviceThrough ? 'D8' : 'RD8',
      claim.serviceFrom === claim.serviceThrough ? compact(claim.serviceFrom) : `${compact(claim.serviceFrom)}-${compact(claim.serviceThrough)}`,
    );
  };
  seg('ST', '276', st02, implementation276);
  seg('BHT', '0010', '13', clean(inquiry.reference, 50), ccyymmdd, hhmm);
  let hl = 0;
  for (const payer of payers) {
    const source = ++hl;
    seg('HL', String(source), '', '20', '1');
    seg('NM1', 'PR', '2', name(payer.name, 60), '', '', '', '', 'PI', clean(payer.id, 80));
    const receiverHl = ++hl;
    seg('HL', String(receiverHl), String(source), '21', '1');
    // The information receiver is whoever the 277 goes back to: the practice, by its submitter id (ETIN).
    seg('NM1', '41', '2', name(inquiry.providerName, 60), '', '', '', '', '46', sender);
    const byProvider = new Map<string, InquiryClaim[]>();
    for (const claim of payer.claims) byProvider.set(claim.billingNpi, [...(byProvider.get(claim.billingNpi) ?? []), claim]);
    for (const [npi, claims] of byProvider) {
      const providerHl = ++hl;
      seg('HL', String(providerHl), String(receiverHl), '19', '1');
      seg('NM1', '1P', '2', name(inquiry.providerName, 60), '', '', '', '', 'XX', clean(npi, 80));
      for (const claim of claims) {
        const subscriberHl = ++hl;
        if (isDependent(claim)) {
          const insured = claim.subscriber!;
          seg('HL', String(subscriberHl), String(providerHl), '22', '1');
          seg('NM1', 'IL', '1', name(insured.lastName, 60), name(insured.firstName, 35), '', '', '', 'MI', clean(insured.memberId, 80));
          seg('HL', String(++hl), String(subscriberHl), '23', '0');
          seg('DMG', 'D8', compact(claim.patient.dateOfBirth));
          seg('NM1', 'QC', '1', name(claim.patient.lastName, 60), name(claim.patient.firstName, 35));
        } else {
          seg('HL', String(subscriberHl), String(providerHl), '22', '0');
          seg('DMG', 'D8', compact(claim.patient.dateOfBirth));
          seg('NM1', 'IL', '1', name(claim.patient.lastName, 60), name(claim.patient.firstName, 35), '', '', '', 'MI', clean(claim.patient.memberId, 80));
        }
        details(claim);
      }
    }
  }
  seg('SE', String(body.length + 1), st02);

  const isa = [
    'ISA', '00', ' '.repeat(10), '00', ' '.repeat(10),
    'ZZ', sender.padEnd(15), 'ZZ', receiver.padEnd(15),
    ccyymmdd.slice(2), hhmm, d.repetition, '00501', isa13, '0', inquiry.usage, d.component,
  ];
  const lines = [
    isa.join(d.element),
    ['GS', 'HR', sender, receiver, ccyymmdd, hhmm, gs06, 'X', implementation276].join(d.element),
    ...body.map((elements) => elements.join(d.element)),
    ['GE', '1', gs06].join(d.element),
    ['IEA', '1', isa13].join(d.element),
  ];
  return lines.map((line) => `${line}${d.segment}\n`).join('');
};

/** What a 276 asks, as read back from its transaction (the round trip in tests, and the file's own check). */
export interface Read276Claim {
  readonly trace: string;
  readonly claimId: string | null;
  readonly payerClaimNumber: string | null;
  readonly chargeCents: number | null;
  readonly serviceDates: string | null;
  readonly providerNpi: string | null;
  readonly payerId: string | null;
  readonly informationReceiverId: string | null;
}

/** The claims of a 276 transaction, by its HL loops: source, receiver, provider, subscriber/dependent with TRN. */
export const claimsOf276 = (t: Pick<Transaction, 'segments'>): Read276Claim[] => {
  const claims: Read276Claim[] = [];
  let payerId: string | null = null;
  let informationReceiverId: string | null = null;
  let providerNpi: string | null = null;
  let level = '';
  let current: { -readonly [K in keyof Read276Claim]: Read276Claim[K] } | undefined;
  for (const s of t.segments) {
    const e = (i: number): string => s.elements[i] ?? '';
    if (s.id === 'HL') {
      level = e(3);
      current = undefined;
    } else if (s.id === 'NM1') {
      if (level === '20' && e(1) === 'PR') payerId = e(9) || null;
      if (level === '21' && e(1) === '41') informationReceiverId = e(9) || null;
      if (level === '19' && e(1) === '1P') providerNpi = e(9) || null;
    } else if (s.id === 'TRN' && (level === '22' || level === '23')) {
      current = { trace: e(2), claimId: null, payerClaimNumber: null, chargeCents: null, serviceDates: null, providerNpi, payerId, informationReceiverId };
      claims.push(current);
    } else if (current && s.id === 'REF') {
      if (e(1) === 'EJ') current.claimId = e(2) || null;
      if (e(1) === '1K') current.payerClaimNumber = e(2) || null;
    } else if (current && s.id === 'AMT' && e(1) === 'T3') {
      const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(e(2));
      current.chargeCents = m ? Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0')) : null;
    } else if (current && s.id === 'DTP' && e(1) === '472') {
      current.serviceDates = e(3) || null;
    }
  }
  return claims;
};
