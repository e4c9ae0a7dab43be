// Code sets checked at the door, because one transposed digit costs money: NPI, CPT/HCPCS, ICD-10-CM, CARC, RARC,
// and the 277 claim status categories.
import carcList from './code-lists/carc.json' with { type: 'json' };
import statusCategoryList from './code-lists/claim-status-category.json' with { type: 'json' };
import rarcList from './code-lists/rarc.json' with { type: 'json' };

interface CodeEntry {
  readonly description: string;
  readonly stoppedOn?: string;
}
const carcs = carcList as Record<string, CodeEntry>;
const rarcs = rarcList as Record<string, CodeEntry>;
const statusCategories = statusCategoryList as Record<string, CodeEntry>;

/**
 * NPI check digit: Luhn over the card-issuer prefix 80840 followed by the first nine digits (CMS NPI standard).
 */
export const npiCheckDigit = (firstNine: string): number => {
  const digits = `80840${firstNine}`;
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = Number(digits[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
};

export const isValidNpi = (npi: string): boolean => /^\d{10}$/.test(npi) && npiCheckDigit(npi.slice(0, 9)) === Number(npi[9]);

/** CPT: five digits (Category I/III with digits), or four digits + F (Category II) or T (Category III). */
export const cptPattern = /^(\d{5}|\d{4}[FT])$/;
/** HCPCS Level II: a letter and four digits. */
export const hcpcsPattern = /^[A-Z]\d{4}$/;
export const procedureCodePattern = /^(\d{5}|\d{4}[FT]|[A-Z]\d{4})$/;
export const modifierPattern = /^[A-Z0-9]{2}$/;
/** ICD-10-CM shape: letter, digit, alphanumeric, then optionally a dot and up to four more. */
export const icd10CmPattern = /^[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?$/;

export const isCarc = (code: string): boolean => Object.hasOwn(carcs, code);
export const isRarc = (code: string): boolean => Object.hasOwn(rarcs, code);
export const isStatusCategory = (code: string): boolean => Object.hasOwn(statusCategories, code);
export const carcDescription = (code: string): string | undefined => carcs[code]?.description;
export const rarcDescription = (code: string): string | undefined => rarcs[code]?.description;

/** RARCs whose text starts "Alert:" inform; they never name missing information. */
export const isAlertRarc = (code: string): boolean => rarcs[code]?.description.startsWith('Alert:') ?? false;

/** 277CA acknowledgment categories: accepted (A0-A2, A5 split) or front-door rejection (A3, A4, A6-A8). */
export const acceptedCategories = ['A0', 'A1', 'A2', 'A5'] as const;
export const rejectedCategories = ['A3', 'A4', 'A6', 'A7', 'A8'] as const;

/** 835 CLP02 claim status codes. */
export const clp02Codes = ['1', '2', '3', '4', '19', '20', '21', '22', '23', '25'] as const;
export type Clp02 = (typeof clp02Codes)[number];
/** Processed and forwarded to another payer (crossover): never bill the secondary yourself. */
export const forwardedClp02: readonly Clp02[] = ['19', '20', '21'];
/** CLP02 4: denied because the payer does not recognize the patient (and did not forward the claim): an eligibility matter. */
export const patientNotRecognizedClp02: Clp02 = '4';

/** A payer's place in the coordination of benefits: 1 primary, 2 secondary, 3 tertiary. */
export type PayerOrder = 1 | 2 | 3;
/**
 * The order a remit was processed in, from CLP02: 2 and 20 secondary, 3 and 21 tertiary, the rest (1, 19, and 4, 23,
 * 25, which say nothing of order) the payer billed first. OA-23 (impact of prior payer adjudication) exists only
 * after a prior payer, so a CLP02 1 remit that states it is read as secondary.
 */
export const payerOrderOf = (claimStatusCode: Clp02, adjustments: ReadonlyArray<{ readonly carc: string }>): PayerOrder =>
  claimStatusCode === '3' || claimStatusCode === '21'
    ? 3
    : claimStatusCode === '2' || claimStatusCode === '20' || adjustments.some((a) => a.carc === priorPayerCarc)
      ? 2
      : 1;

export const adjustmentGroups = ['CO', 'PR', 'OA', 'PI'] as const;
export type AdjustmentGroup = (typeof adjustmentGroups)[number];

/**
 * CARCs that reduce what is owed without being a denial: fee schedule (45, kept visible because underpayments
 * hide there), sequestration, prior payer impact, multiple-procedure and negotiated discounts.
 */
export const reductionCarcs: ReadonlySet<string> = new Set(['45', '253', '23', '59', '94', '131', '144']);

/** CARC 23, with OA: the impact of prior payer(s) adjudication. It restates a prior payer's part, not a new reduction. */
export const priorPayerCarc = '23';

/** A denial is an adjustment the payer made that is neither patient share nor a reduction (fee schedule, etc.). */
export const isDenialAdjustment = (a: { readonly group: AdjustmentGroup; readonly carc: string }): boolean => a.group !== 'PR' && !reductionCarcs.has(a.carc);
