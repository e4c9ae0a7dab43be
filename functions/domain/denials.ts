// What kind of work a denial creates, read from its adjustment codes (CARC + RARC + group), not from CLP02.
import type { Adjustment } from './claim-events.js';
import { carcDescription, isAlertRarc } from './codes.js';
import { isDenialAdjustment, type Claim } from './claim.js';

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

export interface Denial {
  readonly category: DenialCategory;
  readonly group: string;
  readonly carc: string;
  /** Remark codes that say what to do (informational "Alert:" remarks left out). */
  readonly rarcs: readonly string[];
  readonly amountCents: number;
  readonly remitDate: string;
}

export const categoryOf = (adjustment: Pick<Adjustment, 'carc'>): DenialCategory => byCarc[adjustment.carc] ?? 'other';

/** The denial to work on a claim: its largest denial adjustment in force (ties: the lower CARC). */
export const mainDenial = (claim: Claim): Denial | undefined => {
  const candidates = claim.adjudications
    .filter((a) => !a.reversedOn)
    .flatMap((a) => a.adjustments.filter(isDenialAdjustment).map((adjustment) => ({ adjustment, remitDate: a.remitDate, remarks: a.remarkCodes })))
    .sort((x, y) => y.adjustment.amountCents - x.adjustment.amountCents || x.adjustment.carc.localeCompare(y.adjustment.carc));
  const top = candidates[0];
  if (!top) return undefined;
  const rarcs = [...top.adjustment.rarcs, ...top.remarks].filter((code, i, all) => !isAlertRarc(code) && all.indexOf(code) === i);
  return {
    category: categoryOf(top.adjustment),
    group: top.adjustment.group,
    carc: top.adjustment.carc,
    rarcs,
    amountCents: top.adjustment.amountCents,
    remitDate: top.remitDate,
  };
};

/** "denied CO-197: Precertification/authorization/notification/pre-treatment absent." */
export const denialLabel = (denial: Pick<Denial, 'group' | 'carc'>): string =>
  `${denial.group}-${denial.carc}: ${(carcDescription(denial.carc) ?? 'unknown reason')
    .split('. Usage')[0]!
    .replace(/\s*\(Use only[^)]*\)/g, '')
    .replace(/\.$/, '')}`;
