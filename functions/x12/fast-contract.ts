// A cheap check of exactly what the claim event contract (domain/claim-events.ts) refuses, for the two events an 835
// gives per claim: claim.adjudicated and claim.reversed. Every event is validated by the contract itself at the ingest
// door (parseClaimEvent); validating each of a large remittance's events a second time here with zod cost more than
// reading the file. So the mapper asks this check first, and only when it says no (or cannot vouch) asks zod, whose
// refusal text is what the report's claim says ("refused at the door"). The check must never pass an event the
// contract refuses; it may send an event it is unsure of to zod (that costs time, never correctness).
// test/unit/x12-fast-contract.test.ts holds it to the contract: every fixture's events, and fuzzed variations of them.
//
// It vouches for candidates built the way map-835.ts builds them: the contract's key order (zod's output order, so the
// event sent is the same object zod would have returned), no unknown keys, defaults already filled in.
import { claimDateWindow, isCalendarDate, isWithin } from '../domain/calendar.js';
import { clp02Codes, isCarc, isRarc, modifierPattern, procedureCodePattern } from '../domain/codes.js';

// The contract's patterns (claim-events.ts), repeated: the test compares verdicts with the contract's own.
const eventIdPattern = /^[A-Za-z0-9][A-Za-z0-9:._-]{7,127}$/;
const tenantIdPattern = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/;
const claimIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

const clp02: ReadonlySet<string> = new Set(clp02Codes);
const groups: ReadonlySet<string> = new Set(['CO', 'PR', 'OA', 'PI']);

const isCents = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
const isPayerClaimNumber = (value: unknown): boolean => typeof value === 'string' && value.length >= 1 && value.length <= 50;

// The events of one remittance share their remit date, tenant and source: the last answer is kept.
let lastDate = '';
let lastDateOk = false;
const isClaimDate = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  if (value === lastDate) return lastDateOk;
  lastDate = value;
  lastDateOk = datePattern.test(value) && isCalendarDate(value) && isWithin(value, claimDateWindow);
  return lastDateOk;
};

let lastTenant = '';
let lastSource = '';
let lastSharedOk = false;
const isSharedEnvelope = (tenantId: unknown, source: unknown): boolean => {
  if (typeof tenantId !== 'string' || typeof source !== 'string') return false;
  if (tenantId !== lastTenant || source !== lastSource) {
    lastTenant = tenantId;
    lastSource = source;
    lastSharedOk = tenantIdPattern.test(tenantId) && source.length >= 1 && source.length <= 64;
  }
  return lastSharedOk;
};

const isRarcList = (value: unknown, max: number): boolean => {
  if (!Array.isArray(value) || value.length > max) return false;
  for (let i = 0; i < value.length; i++) {
    const code: unknown = value[i];
    if (typeof code !== 'string' || !isRarc(code)) return false;
  }
  return true;
};

interface EnvelopeLike {
  readonly eventId?: unknown;
  readonly tenantId?: unknown;
  readonly occurredAt?: unknown;
  readonly source?: unknown;
  readonly schemaVersion?: unknown;
  readonly type?: unknown;
  readonly payload?: unknown;
}

const isEnvelope = (e: EnvelopeLike): boolean => {
  if (typeof e.eventId !== 'string' || !eventIdPattern.test(e.eventId)) return false;
  if (!isSharedEnvelope(e.tenantId, e.source) || e.schemaVersion !== 1) return false;
  const at = e.occurredAt;
  // noon(date): the date, then T12:00:00Z.
  return typeof at === 'string' && at.length === 20 && at.endsWith('T12:00:00Z') && isClaimDate(at.slice(0, 10));
};

/** Sums of the adjustments checked so far (charge − paid, and the patient's share). */
let adjusted = 0;
let patientShare = 0;

/** Each adjustment: its group and CARC, its RARCs, the contract's two rules (18/23 only with OA, 16 needs a RARC). */
const addAdjustments = (list: unknown, max: number): boolean => {
  if (!Array.isArray(list) || list.length > max) return false;
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as { group?: unknown; carc?: unknown; rarcs?: unknown; amountCents?: unknown } | null;
    if (a === null || typeof a !== 'object') return false;
    const { group, carc, rarcs, amountCents } = a;
    if (typeof group !== 'string' || !groups.has(group)) return false;
    if (typeof carc !== 'string' || !isCarc(carc)) return false;
    if (!isRarcList(rarcs, 10) || !isCents(amountCents)) return false;
    if ((carc === '18' || carc === '23') && group !== 'OA') return false;
    if (carc === '16' && (rarcs as unknown[]).length === 0) return false;
    adjusted += amountCents;
    if (group === 'PR') patientShare += amountCents;
  }
  return true;
};

const isLine = (l: Record<string, unknown>): boolean => {
  if (typeof l.procedureCode !== 'string' || !procedureCodePattern.test(l.procedureCode)) return false;
  const modifiers = l.modifiers;
  if (!Array.isArray(modifiers) || modifiers.length > 4) return false;
  for (let i = 0; i < modifiers.length; i++) {
    const m: unknown = modifiers[i];
    if (typeof m !== 'string' || !modifierPattern.test(m)) return false;
  }
  if (!isCents(l.chargeCents) || !isCents(l.paidCents)) return false;
  if (l.allowedCents !== undefined && !isCents(l.allowedCents)) return false;
  if (l.units !== undefined && !(typeof l.units === 'number' && Number.isFinite(l.units) && l.units > 0 && l.units <= 9999)) return false;
  return addAdjustments(l.adjustments, 20) && isRarcList(l.remarkCodes, 10);
};

/** True only when the contract accepts this claim.adjudicated event as it is. */
export const passesAdjudicated = (event: EnvelopeLike): boolean => {
  if (event.type !== 'claim.adjudicated' || !isEnvelope(event)) return false;
  const p = event.payload as Record<string, unknown> | undefined;
  if (p === undefined || p === null || typeof p !== 'object') return false;
  if (typeof p.claimId !== 'string' || !claimIdPattern.test(p.claimId)) return false;
  if (!isClaimDate(p.remitDate)) return false;
  // 22 is in CLP02's list, but the contract sends it as claim.reversed.
  if (typeof p.claimStatusCode !== 'string' || !clp02.has(p.claimStatusCode) || p.claimStatusCode === '22') return false;
  if (!isPayerClaimNumber(p.payerClaimNumber)) return false;
  if (!isCents(p.billedCents) || !isCents(p.paidCents) || !isCents(p.patientResponsibilityCents)) return false;
  if (p.allowedCents !== undefined && !isCents(p.allowedCents)) return false;
  adjusted = 0;
  patientShare = 0;
  if (!addAdjustments(p.adjustments, 30) || !isRarcList(p.remarkCodes, 20)) return false;
  const lines = p.lines;
  if (!Array.isArray(lines) || lines.length > 50) return false;
  for (let i = 0; i < lines.length; i++) {
    const l: unknown = lines[i];
    if (l === null || typeof l !== 'object' || !isLine(l as Record<string, unknown>)) return false;
  }
  // The 835 balances per claim: charge − paid = every CAS amount; PR adjustments = the patient's share. The sums run
  // in the contract's order (claim level, then each line), so even beyond 2^53 they round alike.
  return p.billedCents - p.paidCents === adjusted && patientShare === p.patientResponsibilityCents;
};

/** True only when the contract accepts this claim.reversed event as it is. */
export const passesReversed = (event: EnvelopeLike): boolean => {
  if (event.type !== 'claim.reversed' || !isEnvelope(event)) return false;
  const p = event.payload as Record<string, unknown> | undefined;
  if (p === undefined || p === null || typeof p !== 'object') return false;
  if (typeof p.claimId !== 'string' || !claimIdPattern.test(p.claimId)) return false;
  if (!isClaimDate(p.remitDate) || !isPayerClaimNumber(p.payerClaimNumber)) return false;
  return p.reversesRemitDate === undefined || isClaimDate(p.reversesRemitDate);
};
