// Maps one 837 claim (professional 005010X222*, institutional 005010X223*) to a claim.submitted event per CLM and
// its part of the file report. The event carries the patient (PHI, stored with the claim); the report never does.
import { payerTypes, type ClaimEvent } from '../domain/claim-events.js';
import { centsAt, element, envelopeOf, eventIdOf, outcomeOf, quantity, x12Date, x12Period, type EventOutcome, type MapContext, type MappedPart } from './map-835.js';
import { components, type Segment, type Transaction } from './segments.js';

export interface SubmittedClaimReport extends EventOutcome {
  readonly patientControlNumber: string;
  readonly chargeCents: number;
  /** Diagnoses beyond the contract's twelve, left out of the event (principal first, then in claim order). */
  readonly diagnosisCodesOmitted?: number;
}

export interface Claim837Report {
  readonly claims: SubmittedClaimReport[];
}

type PayerType = (typeof payerTypes)[number];

/** SBR09 claim filing indicator → the contract's payer type. */
export const payerTypeOf = (filingIndicator: string): PayerType => {
  if (filingIndicator === 'MA' || filingIndicator === 'MB') return 'medicare';
  if (filingIndicator === 'MC') return 'medicaid';
  // Commercial, Blue Cross/Blue Shield, HMO, PPO, POS, EPO, indemnity, HMO Medicare risk, dental.
  if (['CI', 'BL', 'HM', '12', '13', '14', '15', '16', '17'].includes(filingIndicator)) return 'commercial';
  return 'other';
};

/** SBR01: where a payer stands in the coordination of benefits (P, S, T, then A-H for payers 4-11). */
const payerOrder = (code: string): number => {
  const order = 'PSTABCDEFGH'.indexOf(code);
  return order < 0 ? 99 : order + 1;
};

/** ICD-10-CM codes travel without their dot in X12 (E119): the contract writes them E11.9. */
const diagnosisCode = (code: string): string => {
  const upper = code.toUpperCase();
  return upper.length > 3 && !upper.includes('.') ? `${upper.slice(0, 3)}.${upper.slice(3)}` : upper;
};

const principalQualifiers = new Set(['ABK', 'BK']);
const otherQualifiers = new Set(['ABF', 'BF']);
const maxDiagnoses = 12;

interface Person {
  lastName?: string;
  firstName?: string;
  dateOfBirth?: string;
}

interface Subscriber extends Person {
  order: number;
  filingIndicator: string;
  memberId?: string;
  payer: { id?: string; name?: string; state?: string };
}

interface Line {
  procedureCode: string;
  modifiers: string[];
  chargeCents: number;
  units?: number;
  from?: string;
  through?: string;
}

interface Claim {
  readonly clm: Segment;
  readonly principal: string[];
  readonly other: string[];
  statement?: { from?: string; through?: string };
  claimDates?: { from?: string; through?: string };
  renderingNpi?: string;
  attendingNpi?: string;
  originalClaimNumber?: string;
  readonly otherPayers: Array<{ order: number; id?: string; name?: string }>;
  inOtherSubscriber: boolean;
  readonly lines: Line[];
  line?: Line;
}

export const map837 = (t: Transaction, ctx: MapContext, kind: '837P' | '837I'): MappedPart<Claim837Report> => {
  const d = t.delimiters;
  let submittedOn: string | undefined;
  let billing: { npi?: string; state?: string } = {};
  let subscriber: Subscriber = { order: 1, filingIndicator: '', payer: {} };
  let patient: Person | undefined;
  let entity = '';
  const found: Array<{ claim: Claim; billing: typeof billing; subscriber: Subscriber; patient: Person | undefined }> = [];
  let claim: Claim | undefined;

  for (const s of t.segments) {
    switch (s.id) {
      case 'BHT':
        submittedOn = x12Date(element(s, 4));
        break;
      case 'HL': {
        claim = undefined;
        const level = element(s, 3);
        if (level === '20') billing = {};
        if (level === '22') {
          subscriber = { order: 1, filingIndicator: '', payer: {} };
          patient = undefined;
        }
        if (level === '23') patient = {};
        break;
      }
      case 'SBR':
        if (claim) {
          // Loop 2320: other subscriber information, then its payer (2330B).
          claim.otherPayers.push({ order: payerOrder(element(s, 1)) });
          claim.inOtherSubscriber = true;
          claim.line = undefined;
        } else {
          subscriber.order = payerOrder(element(s, 1));
          subscriber.filingIndicator = element(s, 9);
        }
        break;
      case 'NM1': {
        entity = element(s, 1);
        const npi = element(s, 8) === 'XX' ? element(s, 9) : undefined;
        const inOther = claim?.inOtherSubscriber ?? false;
        if (entity === '85' && !claim) billing.npi = npi;
        else if (entity === 'IL' && !inOther) {
          subscriber.memberId = element(s, 9) || undefined;
          subscriber.lastName = element(s, 3) || undefined;
          subscriber.firstName = element(s, 4) || undefined;
        } else if (entity === 'QC' && patient) {
          patient.lastName = element(s, 3) || undefined;
          patient.firstName = element(s, 4) || undefined;
        } else if (entity === 'PR') {
          const payer = { id: element(s, 9) || undefined, name: element(s, 3) || undefined };
          if (inOther) Object.assign(claim!.otherPayers.at(-1)!, payer);
          else if (!claim) subscriber.payer = payer;
        } else if (claim && !inOther && !claim.line) {
          if (entity === '82') claim.renderingNpi = npi;
          if (entity === '71') claim.attendingNpi = npi;
        }
        if (inOther) entity = `other-${entity}`;
        break;
      }
      case 'N4': {
        const state = element(s, 2);
        if (!/^[A-Z]{2}$/.test(state)) break;
        if (entity === 'PR' && !claim) subscriber.payer.state = state;
        if (entity === '85' && !claim) billing.state = state;
        break;
      }
      case 'DMG': {
        const dateOfBirth = element(s, 1) === 'D8' ? x12Date(element(s, 2)) : undefined;
        if (entity === 'IL' && !claim) subscriber.dateOfBirth = dateOfBirth;
        if (entity === 'QC' && patient) patient.dateOfBirth = dateOfBirth;
        break;
      }
      case 'CLM':
        centsAt(s, 2);
        claim = { clm: s, principal: [], other: [], otherPayers: [], inOtherSubscriber: false, lines: [] };
        found.push({ claim, billing, subscriber, patient });
        break;
      case 'DTP':
        if (!claim) break;
        if (claim.line) {
          if (element(s, 1) === '472') Object.assign(claim.line, x12Period(element(s, 2), element(s, 3)));
        } else if (!claim.inOtherSubscriber) {
          if (element(s, 1) === '434') claim.statement = x12Period(element(s, 2), element(s, 3));
          if (element(s, 1) === '472') claim.claimDates = x12Period(element(s, 2), element(s, 3));
        }
        break;
      case 'REF':
        if (claim && !claim.line && !claim.inOtherSubscriber && element(s, 1) === 'F8') claim.originalClaimNumber = element(s, 2) || undefined;
        break;
      case 'HI':
        if (!claim) break;
        for (let i = 1; i < s.elements.length; i++) {
          const [qualifier = '', code = ''] = components(element(s, i), d);
          if (!code) continue;
          if (principalQualifiers.has(qualifier)) claim.principal.push(diagnosisCode(code));
          else if (otherQualifiers.has(qualifier)) claim.other.push(diagnosisCode(code));
        }
        break;
      case 'LX':
        if (!claim) break;
        claim.inOtherSubscriber = false;
        claim.line = undefined;
        break;
      case 'SV1':
      case 'SV2': {
        if (!claim) break;
        // SV1: procedure composite, charge, unit basis, units. SV2: revenue code first, then the same.
        const at = s.id === 'SV1' ? 1 : 2;
        const [, procedureCode = '', ...modifiers] = components(element(s, at), d);
        const line: Line = { procedureCode, modifiers: modifiers.slice(0, 4).filter(Boolean), chargeCents: centsAt(s, at + 1) ?? 0 };
        const units = quantity(element(s, at + 3));
        if (units !== undefined) line.units = units;
        claim.lines.push(line);
        claim.line = line;
        claim.inOtherSubscriber = false;
        break;
      }
      default:
        break;
    }
  }

  const events: ClaimEvent[] = [];
  const claims = found.map(({ claim: c, billing: b, subscriber: sub, patient: pat }, index): SubmittedClaimReport => {
    const claimId = element(c.clm, 1);
    const totalChargeCents = centsAt(c.clm, 2) ?? 0;
    const frequency = components(element(c.clm, 5), d)[2] ?? '';
    const diagnoses = [...c.principal, ...c.other];
    const payerType = payerTypeOf(sub.filingIndicator);
    const payer = {
      id: sub.payer.id,
      name: sub.payer.name,
      type: payerType,
      // The payer's own state, else the billing provider's (Medicaid is the provider's state program).
      ...(sub.payer.state ?? b.state ? { state: sub.payer.state ?? b.state } : {}),
    };
    const next = c.otherPayers.filter((p) => p.order > sub.order).sort((x, y) => x.order - y.order)[0];
    const person = pat ?? sub;
    const lineDates = c.lines.flatMap((l) => [l.from, l.through]).filter((x): x is string => x !== undefined).sort();
    const serviceDate =
      (kind === '837I' && c.statement?.from ? c.statement : undefined) ??
      (lineDates.length > 0 ? { from: lineDates[0], through: lineDates.at(-1) } : undefined) ??
      c.statement ??
      c.claimDates ??
      {};
    const payload = {
      claimId,
      payer,
      billingNpi: b.npi,
      // The billing provider renders unless another is named (2310B; the attending, 2310A, on an 837I).
      renderingNpi: c.renderingNpi ?? (kind === '837I' ? c.attendingNpi : undefined) ?? b.npi,
      patient: { accountNumber: claimId, memberId: sub.memberId, lastName: person.lastName, firstName: person.firstName, dateOfBirth: person.dateOfBirth },
      serviceDate,
      lines: c.lines.map((l) => ({
        procedureCode: l.procedureCode,
        modifiers: l.modifiers,
        units: l.units,
        chargeCents: l.chargeCents,
        ...(l.from ? { serviceDate: l.from } : {}),
      })),
      diagnosisCodes: diagnoses.slice(0, maxDiagnoses),
      totalChargeCents,
      submittedOn,
      // CLM05-3: 7 replaces, 8 voids; every other code (1, and an 837I's interim 2-5, 0, 9) is a claim of its own.
      frequencyCode: frequency === '7' || frequency === '8' ? frequency : '1',
      ...(c.originalClaimNumber ? { originalClaimNumber: c.originalClaimNumber } : {}),
      // The 837 does not say whether the provider is in network; unless told, assume so (the shorter commercial limit).
      participating: ctx.isParticipating ? ctx.isParticipating({ id: payer.id ?? '', name: payer.name ?? '', type: payerType }) : true,
      submissionMethod: 'electronic',
      ...(next?.id && next.name ? { otherPayer: { id: next.id, name: next.name } } : {}),
    };
    const { outcome, event } = outcomeOf('claim.submitted', { ...envelopeOf(ctx, eventIdOf(kind, t, index + 1), 'claim.submitted', submittedOn), payload });
    if (event) events.push(event);
    return {
      patientControlNumber: claimId,
      chargeCents: totalChargeCents,
      ...outcome,
      ...(diagnoses.length > maxDiagnoses ? { diagnosisCodesOmitted: diagnoses.length - maxDiagnoses } : {}),
    };
  });
  return { details: { claims }, events };
};
