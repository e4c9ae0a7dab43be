// A small X12 writer for the demo: 837P claims and 835 remittances from claim events, so part of the demo data
// arrives as files through the inbox (npm start exercises the real path). Pure: strings in, a file's text out.
// It writes what the mappers read (functions/x12/map-837.ts, map-835.ts), in 5010 envelopes with `*`, `:`, `^` and `~`;
// test/unit/demo-x12.test.ts reads every file back through the reader and the mappers.
//
// What X12 does not carry as the JSON events do, so a claim read back differs only in: its event ids, source and
// times (x12 events take effect at noon UTC of their business date); the patient's account number (in an 837 it is
// the patient control number, CLM01 = the claim id); each 837P line's service date (2400 DTP*472, the claim's dates
// of service); and an 835 claim's allowed amount (the mapper reads allowed amounts per service line, AMT*B6).
// The billing provider's address (2010AA N3/N4) is left out: the mapper would read its state as every payer's.
import { addDays, type CalendarDate } from '../functions/domain/calendar.js';
import type { ClaimEvent, EventOf } from '../functions/domain/claim-events.js';

export type Submitted = EventOf<'claim.submitted'>;
export type Adjudicated = EventOf<'claim.adjudicated'>;

/** Who sends and who receives the interchange, and when it was created. */
export interface Envelope {
  /** ISA13 (and GS06): 1 to 999,999,999. */
  readonly controlNumber: number;
  readonly sender: string;
  readonly receiver: string;
  /** ISA09/GS04, YYYY-MM-DD. */
  readonly createdOn: CalendarDate;
}

const delimiters = { element: '*', component: ':', repetition: '^', segment: '~' } as const;

/** A value never holds a delimiter (names are the demo's, but a writer must not trust that). */
const clean = (value: string): string => value.replace(/[*:^~\r\n]/g, ' ').trim();

/** Exact decimal dollars from integer cents: 12050 → "120.50", -500 → "-5.00". */
export const amount = (cents: number): string => {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

const ccyymmdd = (date: CalendarDate): string => date.replaceAll('-', '');

const segment = (...elements: ReadonlyArray<string | number | undefined>): string => {
  const values = elements.map((e) => (e === undefined ? '' : String(e)));
  while (values.length > 1 && values.at(-1) === '') values.pop();
  return values.join(delimiters.element);
};

/** Wraps transaction bodies (segments after ST, before SE) in ST/SE, one GS/GE and one ISA/IEA, counts right. */
const interchange = (envelope: Envelope, functionalId: string, implementation: string, setId: string, bodies: readonly string[][]): string => {
  const isa13 = String(envelope.controlNumber).padStart(9, '0');
  const date = ccyymmdd(envelope.createdOn);
  const sets = bodies.map((body, i) => {
    const st02 = String(i + 1).padStart(4, '0');
    return [segment('ST', setId, st02, implementation), ...body, segment('SE', body.length + 2, st02)];
  });
  const isa = [
    'ISA', '00', ' '.repeat(10), '00', ' '.repeat(10), 'ZZ', clean(envelope.sender).padEnd(15).slice(0, 15), 'ZZ', clean(envelope.receiver).padEnd(15).slice(0, 15),
    date.slice(2), '1200', delimiters.repetition, '00501', isa13, '0', 'T', delimiters.component,
  ].join(delimiters.element);
  return [
    isa,
    segment('GS', functionalId, clean(envelope.sender), clean(envelope.receiver), date, '1200', envelope.controlNumber, 'X', implementation),
    ...sets.flat(),
    segment('GE', sets.length, envelope.controlNumber),
    segment('IEA', 1, isa13),
  ]
    .map((s) => `${s}${delimiters.segment}`)
    .join('\n')
    .concat('\n');
};

/** SBR09 claim filing indicator for a payer type (map-837's payerTypeOf reads it back). */
const filingIndicator = (type: Submitted['payload']['payer']['type']): string => ({ medicare: 'MB', medicaid: 'MC', commercial: 'CI', other: '11' })[type];

/** ICD-10-CM travels without its dot. */
const diagnosis = (code: string): string => code.replace('.', '');

const procedure = (code: string, modifiers: readonly string[]): string => ['HC', code, ...modifiers].join(delimiters.component);

/**
 * The 2000B/2300/2400 loops of one claim under the billing provider's HL: the subscriber is the patient, or (a claim
 * naming another insured) the subscriber's loop 2000B and the patient's 2000C (HL 23, PAT, NM1*QC, DMG) under it.
 * `next()` gives the next HL number.
 */
const claimLoops = (event: Submitted, next: () => number, parent: number): string[] => {
  const p = event.payload;
  const hl = next();
  const insured = p.subscriber;
  const payer = [
    segment('NM1', 'PR', '2', clean(p.payer.name), '', '', '', '', 'PI', clean(p.payer.id)),
    // The payer's state (its N4) is what a Medicaid claim's rules are chosen by.
    ...(p.payer.state ? [segment('N3', 'PO BOX 1'), segment('N4', 'CAPITAL', p.payer.state, '00000')] : []),
  ];
  const out = insured
    ? [
        segment('HL', hl, parent, '22', '1'),
        segment('SBR', 'P', '', '', '', '', '', '', '', filingIndicator(p.payer.type)),
        segment('NM1', 'IL', '1', clean(insured.lastName), clean(insured.firstName), '', '', '', 'MI', clean(p.patient.memberId)),
        ...payer,
        segment('HL', next(), hl, '23', '0'),
        segment('PAT', '19'),
        segment('NM1', 'QC', '1', clean(p.patient.lastName), clean(p.patient.firstName)),
        segment('DMG', 'D8', ccyymmdd(p.patient.dateOfBirth), 'U'),
      ]
    : [
        segment('HL', hl, parent, '22', '0'),
        segment('SBR', 'P', '18', '', '', '', '', '', '', filingIndicator(p.payer.type)),
        segment('NM1', 'IL', '1', clean(p.patient.lastName), clean(p.patient.firstName), '', '', '', 'MI', clean(p.patient.memberId)),
        segment('DMG', 'D8', ccyymmdd(p.patient.dateOfBirth), 'U'),
        ...payer,
      ];
  out.push(
    segment('CLM', clean(p.claimId), amount(p.totalChargeCents), '', '', ['11', 'B', p.frequencyCode].join(delimiters.component), 'Y', 'A', 'Y', 'Y'),
    ...(p.originalClaimNumber ? [segment('REF', 'F8', clean(p.originalClaimNumber))] : []),
    segment('HI', ...p.diagnosisCodes.map((code, i) => [i === 0 ? 'ABK' : 'ABF', diagnosis(code)].join(delimiters.component))),
    segment('NM1', '82', '1', 'PROVIDER', 'RENDERING', '', '', '', 'XX', p.renderingNpi),
  );
  if (p.otherPayer) {
    // 2320 other subscriber, 2330A the subscriber again, 2330B the other payer.
    out.push(
      segment('SBR', 'S', '18', '', '', '', '', '', '', 'ZZ'),
      segment('OI', '', '', 'Y', '', '', 'Y'),
      segment('NM1', 'IL', '1', clean((insured ?? p.patient).lastName), clean((insured ?? p.patient).firstName), '', '', '', 'MI', clean(p.patient.memberId)),
      segment('NM1', 'PR', '2', clean(p.otherPayer.name), '', '', '', '', 'PI', clean(p.otherPayer.id)),
    );
  }
  p.lines.forEach((line, i) => {
    const from = line.serviceDate ?? p.serviceDate.from;
    const through = line.serviceDate ?? p.serviceDate.through;
    out.push(
      segment('LX', i + 1),
      segment('SV1', procedure(line.procedureCode, line.modifiers), amount(line.chargeCents), 'UN', line.units, '', '', '1'),
      from === through ? segment('DTP', '472', 'D8', ccyymmdd(from)) : segment('DTP', '472', 'RD8', `${ccyymmdd(from)}-${ccyymmdd(through)}`),
    );
  });
  return out;
};

/**
 * An 837P (005010X222A1) of the claims: one transaction set per submission date (BHT04 dates a whole set), one
 * billing provider loop per billing NPI, one subscriber loop per claim.
 */
export const write837P = (claims: readonly Submitted[], envelope: Envelope & { readonly practiceName: string }): string => {
  const byDate = new Map<string, Submitted[]>();
  for (const c of claims) byDate.set(c.payload.submittedOn, [...(byDate.get(c.payload.submittedOn) ?? []), c]);
  const bodies = [...byDate.entries()].map(([submittedOn, ofDate], set) => {
    const body = [
      segment('BHT', '0019', '00', `DEMO${envelope.controlNumber}-${set + 1}`, ccyymmdd(submittedOn), '1200', 'CH'),
      segment('NM1', '41', '2', clean(envelope.practiceName), '', '', '', '', '46', clean(envelope.sender)),
      segment('PER', 'IC', 'BILLING OFFICE', 'TE', '5555550100'),
      segment('NM1', '40', '2', clean(envelope.receiver), '', '', '', '', '46', clean(envelope.receiver)),
    ];
    let hl = 0;
    const byNpi = new Map<string, Submitted[]>();
    for (const c of ofDate) byNpi.set(c.payload.billingNpi, [...(byNpi.get(c.payload.billingNpi) ?? []), c]);
    for (const [npi, ofNpi] of byNpi) {
      const provider = ++hl;
      body.push(segment('HL', provider, '', '20', '1'), segment('NM1', '85', '2', clean(envelope.practiceName), '', '', '', '', 'XX', npi));
      for (const c of ofNpi) body.push(...claimLoops(c, () => ++hl, provider));
    }
    return body;
  });
  return interchange(envelope, 'HC', '005010X222A1', '837', bodies);
};

/** One payment of an 835: a payer's remits of one day to the practice, with the claims' patients (NM1*QC). */
export interface Payment {
  readonly payer: { readonly id: string; readonly name: string };
  readonly traceNumber: string;
  readonly paidOn: CalendarDate;
  readonly remits: ReadonlyArray<{ readonly remit: Adjudicated; readonly patient: Pick<Submitted['payload']['patient'], 'lastName' | 'firstName' | 'memberId'> }>;
}

const remarks = (remit: Adjudicated): string[] => [...new Set([...remit.payload.remarkCodes, ...remit.payload.adjustments.flatMap((a) => a.rarcs)])].slice(0, 5);

/**
 * An 835 (005010X221A1): one transaction set per payment, BPR02 the sum of the claims' payments (no provider-level
 * adjustment), so every set balances. Claim-level CAS in the events' order; no service lines (the demo's remits have
 * none).
 */
export const write835 = (payments: readonly Payment[], envelope: Envelope & { readonly practiceName: string; readonly practiceNpi: string }): string => {
  const bodies = payments.map((payment) => {
    const total = payment.remits.reduce((sum, r) => sum + r.remit.payload.paidCents, 0);
    const body = [
      total === 0
        ? segment('BPR', 'H', amount(0), 'C', 'NON', '', '', '', '', '', '', '', '', '', '', '', ccyymmdd(payment.paidOn))
        : segment('BPR', 'I', amount(total), total < 0 ? 'D' : 'C', 'ACH', 'CCP', '01', '999999992', 'DA', '123456', '1512345678', '', '01', '999988880', 'DA', '98765', ccyymmdd(payment.paidOn)),
      segment('TRN', '1', clean(payment.traceNumber), '1512345678'),
      segment('DTM', '405', ccyymmdd(payment.paidOn)),
      segment('N1', 'PR', clean(payment.payer.name)),
      segment('REF', '2U', clean(payment.payer.id)),
      segment('N1', 'PE', clean(envelope.practiceName), 'XX', envelope.practiceNpi),
      segment('LX', '1'),
    ];
    for (const { remit, patient } of payment.remits) {
      const p = remit.payload;
      body.push(
        segment('CLP', clean(p.claimId), p.claimStatusCode, amount(p.billedCents), amount(p.paidCents), amount(p.patientResponsibilityCents), '12', clean(p.payerClaimNumber), '11', '1'),
        ...p.adjustments.map((a) => segment('CAS', a.group, a.carc, amount(a.amountCents))),
        // The claim's remark codes (MOA03-07): the mapper gives each of them to every claim-level adjustment.
        ...(remarks(remit).length ? [segment('MOA', '', '', ...remarks(remit))] : []),
        segment('NM1', 'QC', '1', clean(patient.lastName), clean(patient.firstName), '', '', '', 'MI', clean(patient.memberId)),
      );
    }
    return body;
  });
  return interchange(envelope, 'HP', '005010X221A1', '835', bodies);
};

// ---- Which part of the demo arrives as files ----

export interface DemoX12Options {
  readonly today: CalendarDate;
  /** The interchange control numbers used are this and the next one. */
  readonly controlNumber: number;
  readonly practiceName: string;
  /** New claims in the 837 (those sent yesterday, each with nothing else yet). */
  readonly newClaims?: number;
  /** Claims paid in the 835 (the latest remit day's). */
  readonly remits?: number;
  /** A claim id the practice does not hold: one more 835 line, which the unmatched-remittance queue receives. */
  readonly unmatchedClaimId?: string;
}

export interface DemoX12Files {
  readonly files: ReadonlyArray<{ readonly name: string; readonly text: string }>;
  /** The ids of the demo events the files carry: the seed leaves these out, the files bring them. */
  readonly carried: ReadonlySet<string>;
  /** The events written, as the files carry them (the unmatched line's included): for tests. */
  readonly written: { readonly submitted: readonly Submitted[]; readonly adjudicated: readonly Adjudicated[] };
}

/** A remit the 835 writer carries exactly: the primary's, at noon, claim-level money only, no remark codes. */
const carriedExactly = (e: Adjudicated): boolean =>
  e.payload.claimStatusCode === '1' &&
  e.occurredAt.endsWith('T12:00:00Z') &&
  e.payload.lines.length === 0 &&
  e.payload.remarkCodes.length === 0 &&
  e.payload.adjustments.every((a) => a.rarcs.length === 0);

/**
 * Part of a practice's demo as X12 files: an 837P of the claims sent yesterday that have no other event yet (those an
 * 837 carries exactly: participating, electronic), and an 835 of the latest remit day before today (a handful of
 * claims, one payment per payer), plus one line for a claim the practice does not hold. Deterministic: the same
 * events give the same files.
 */
export const demoX12Files = (claims: Iterable<readonly ClaimEvent[]>, options: DemoX12Options): DemoX12Files => {
  const yesterday = addDays(options.today, -1);
  const fresh: Submitted[] = [];
  const remitsByDay = new Map<string, Array<{ remit: Adjudicated; submitted: Submitted }>>();
  for (const events of claims) {
    const submitted = events.find((e): e is Submitted => e.type === 'claim.submitted');
    if (!submitted) continue;
    const p = submitted.payload;
    if (events.length === 1 && p.submittedOn === yesterday && p.participating && p.submissionMethod === 'electronic' && p.frequencyCode === '1') {
      if (fresh.length < (options.newClaims ?? 12)) fresh.push(submitted);
      continue;
    }
    for (const e of events) {
      if (e.type !== 'claim.adjudicated' || !carriedExactly(e) || e.payload.remitDate >= options.today) continue;
      // Nothing else of the claim at the same moment: the file's events take effect at noon, as these did.
      if (events.some((other) => other !== e && other.occurredAt === e.occurredAt)) continue;
      remitsByDay.set(e.payload.remitDate, [...(remitsByDay.get(e.payload.remitDate) ?? []), { remit: e, submitted }]);
    }
  }
  const files: Array<{ name: string; text: string }> = [];
  const carried = new Set<string>();
  const envelope = { sender: 'DEMOCLEARING', receiver: 'DEMOPRACTICE', createdOn: yesterday };
  if (fresh.length > 0) {
    files.push({ name: `claims-${yesterday}.837`, text: write837P(fresh, { ...envelope, controlNumber: options.controlNumber, practiceName: options.practiceName }) });
    for (const c of fresh) carried.add(c.eventId);
  }

  const day = [...remitsByDay.keys()].sort().at(-1);
  const chosen = day ? remitsByDay.get(day)!.slice(0, options.remits ?? 8) : [];
  const adjudicated: Adjudicated[] = [];
  if (day && chosen.length > 0) {
    const byPayer = new Map<string, Payment['remits'][number][]>();
    const payers = new Map<string, Payment['payer']>();
    for (const { remit, submitted } of chosen) {
      const payer = submitted.payload.payer;
      payers.set(payer.id, { id: payer.id, name: payer.name });
      byPayer.set(payer.id, [...(byPayer.get(payer.id) ?? []), { remit, patient: submitted.payload.patient }]);
      carried.add(remit.eventId);
      adjudicated.push(remit);
    }
    if (options.unmatchedClaimId) {
      // A claim billed before the practice came onto the system: its payment arrives, its claim does not.
      const [first] = byPayer.keys();
      const unmatched: Adjudicated = {
        eventId: `demo-unmatched-${options.controlNumber}`,
        tenantId: chosen[0]!.remit.tenantId,
        type: 'claim.adjudicated',
        occurredAt: `${day}T12:00:00Z`,
        source: 'demo-seed',
        schemaVersion: 1,
        payload: {
          claimId: options.unmatchedClaimId,
          remitDate: day,
          claimStatusCode: '1',
          payerClaimNumber: `PCN-PRIOR-${options.controlNumber}`,
          billedCents: 3_000,
          paidCents: 1_800,
          patientResponsibilityCents: 450,
          adjustments: [
            { group: 'CO', carc: '45', rarcs: [], amountCents: 750 },
            { group: 'PR', carc: '2', rarcs: [], amountCents: 450 },
          ],
          remarkCodes: [],
          lines: [],
        },
      };
      byPayer.get(first!)!.push({ remit: unmatched, patient: { lastName: 'Priorpatient', firstName: 'Demo', memberId: 'MBR-PRIOR-0001' } });
      adjudicated.push(unmatched);
    }
    const payments: Payment[] = [...byPayer.entries()].map(([payerId, remits], i) => ({
      payer: payers.get(payerId)!,
      traceNumber: `DEMOEFT${ccyymmdd(day)}${String(i + 1).padStart(2, '0')}`,
      paidOn: day,
      remits,
    }));
    files.push({
      name: `remittance-${day}.835`,
      text: write835(payments, { ...envelope, createdOn: day, controlNumber: options.controlNumber + 1, practiceName: options.practiceName, practiceNpi: chosen[0]!.submitted.payload.billingNpi }),
    });
  }
  return { files, carried, written: { submitted: fresh, adjudicated } };
};
