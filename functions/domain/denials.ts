// What kind of work a denial creates, read from its adjustment codes (CARC + RARC + group), not from CLP02.
import type { Adjustment } from './claim-events.js';
import type { Claim } from './claim.js';
import { carcDescription, isAlertRarc, isDenialAdjustment, patientNotRecognizedClp02 } from './codes.js';
import { payerAdjudications } from './money.js';

export const denialCategories = [
  'coding',
  'authorization',
  'eligibility-cob',
  'medical-necessity',
  'missing-information',
  'duplicate',
  'timely-filing',
  'non-covered',
  'credentialing',
  'other',
] as const;
export type DenialCategory = (typeof denialCategories)[number];

const byCarc: Record<string, DenialCategory> = {};
const assign = (category: DenialCategory, carcs: string[]): void => carcs.forEach((carc) => (byCarc[carc] = category));
assign('coding', ['4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '40', '58', '97', '125', '146', '181', '182', '189', '199', '234', '236']);
assign('authorization', ['15', '62', '197', '198']);
assign('eligibility-cob', ['22', '24', '26', '27', '31', '32', '33', '109', '140', '177']);
assign('medical-necessity', ['50', '55', '56', '57', '150', '151', '152', '167']);
assign('missing-information', ['16', '17', '226', '227', '252']);
assign('duplicate', ['18']);
assign('timely-filing', ['29']);
assign('non-covered', ['35', '49', '96', '119', '204', '242']);
assign('credentialing', ['52', '170', '185', 'B7']);

/** Category names as billers say them. */
export const categoryTitles: Record<DenialCategory, string> = {
  coding: 'Coding',
  authorization: 'Authorization',
  'eligibility-cob': 'Eligibility / COB',
  'medical-necessity': 'Medical necessity',
  'missing-information': 'Missing information',
  duplicate: 'Duplicate',
  'timely-filing': 'Timely filing',
  'non-covered': 'Non-covered',
  credentialing: 'Credentialing',
  other: 'Other',
};

/** The work each category calls for, in a biller's words. */
export const denialWork: Record<DenialCategory, string> = {
  coding: 'coding review and a corrected claim',
  authorization: 'get a retro-authorization or appeal',
  'eligibility-cob': 'verify eligibility and coordination of benefits, bill the right payer',
  'medical-necessity': 'clinical appeal with records',
  'missing-information': 'send what the remark code names',
  duplicate: 'check status; do not resubmit blindly',
  'timely-filing': 'appeal only with proof of timely filing, else write off',
  'non-covered': 'benefits check; bill the patient or other coverage',
  credentialing: 'fix the provider enrollment or credentialing',
  other: 'review the remittance',
};

/** The work when the payer did not recognize the patient (CLP02 4). */
export const patientNotRecognizedWork = 'the payer did not recognize the patient (CLP02 4): verify coverage (eligibility, member id, name and date of birth as the payer has them), then resubmit';

export interface Denial {
  readonly category: DenialCategory;
  readonly group: string;
  readonly carc: string;
  /** Remark codes that say what to do (informational "Alert:" remarks left out). */
  readonly rarcs: readonly string[];
  readonly amountCents: number;
  readonly remitDate: string;
  /** CLP02 4: the payer did not recognize the patient, whatever the CARC says: verify coverage. */
  readonly patientNotRecognized?: true;
}

export const categoryOf = (adjustment: Pick<Adjustment, 'carc'>): DenialCategory => byCarc[adjustment.carc] ?? 'other';

/**
 * The denial to work on a claim: the largest denial adjustment (ties: the lower CARC) of each payer's current remit,
 * while the claim's money still counts a denial (a denial a later remit paid is no longer work). A remit with CLP02 4
 * is an eligibility denial whatever CARC comes with it (CO-31, CO-A1 with N382, ...).
 */
export const mainDenial = (claim: Claim): Denial | undefined => {
  if (claim.money.deniedCents <= 0) return undefined;
  const candidates = payerAdjudications(claim.adjudications)
    .map((p) => p.current)
    .flatMap((a) =>
      a.adjustments.filter(isDenialAdjustment).map((adjustment) => ({ adjustment, remitDate: a.remitDate, remarks: a.remarkCodes, notRecognized: a.claimStatusCode === patientNotRecognizedClp02 })),
    )
    .sort((x, y) => y.adjustment.amountCents - x.adjustment.amountCents || x.adjustment.carc.localeCompare(y.adjustment.carc));
  const top = candidates[0];
  if (!top) return undefined;
  const rarcs = [...top.adjustment.rarcs, ...top.remarks].filter((code, i, all) => !isAlertRarc(code) && all.indexOf(code) === i);
  return {
    category: top.notRecognized ? 'eligibility-cob' : categoryOf(top.adjustment),
    group: top.adjustment.group,
    carc: top.adjustment.carc,
    rarcs,
    amountCents: top.adjustment.amountCents,
    remitDate: top.remitDate,
    ...(top.notRecognized ? { patientNotRecognized: true as const } : {}),
  };
};

/** "denied CO-197: Precertification/authorization/notification/pre-treatment absent." */
export const denialLabel = (denial: Pick<Denial, 'group' | 'carc'>): string =>
  `${denial.group}-${denial.carc}: ${(carcDescription(denial.carc) ?? 'unknown reason')
    .split('. Usage')[0]!
    .replace(/\s*\(Use only[^)]*\)/g, '')
    .replace(/\.$/, '')}`;
