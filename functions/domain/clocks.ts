// The clocks that make a claim urgent, each with the date it started and the date it runs out.
import { addDays, addPeriod, daysBetween, type CalendarDate } from './calendar.js';
import type { Claim } from './claim.js';
import { mainDenial } from './denials.js';
import { nextPayerDue } from './money.js';
import type { RuleLimits } from './payer-rules.js';

export type ClockKind = 'timely-filing' | 'appeal' | 'appeal-decision' | 'no-response' | 'secondary-filing' | 'follow-up';

export interface Clock {
  readonly kind: ClockKind;
  readonly startsOn: CalendarDate;
  readonly dueOn: CalendarDate;
  /** For an appeal clock: the level it is the deadline of. */
  readonly level?: string;
  /** For an appeal clock whose window runs from receipt: the day the notice is presumed received (Medicare: +5). */
  readonly receivedOn?: CalendarDate;
}

const medicareLevels = ['redetermination', 'reconsideration', 'alj', 'council', 'court'] as const;
const commercialLevels = ['first', 'second', 'external'] as const;

/** The next appeal level for this claim's payer, after the levels already filed; undefined when none is left. */
export const nextAppealLevel = (claim: Claim): string | undefined => {
  const levels: readonly string[] = claim.payer.type === 'medicare' ? medicareLevels : commercialLevels;
  const filed = claim.appeals.map((a) => levels.indexOf(a.level)).filter((i) => i >= 0);
  return levels[filed.length ? Math.max(...filed) + 1 : 0];
};

/** The payer has the claim on file: it acknowledged, reported status or adjudicated in the current cycle. */
const payerHasClaim = (claim: Claim): boolean => !['submitted', 'rejected'].includes(claim.status);

const latest = (dates: ReadonlyArray<CalendarDate | undefined>): CalendarDate | undefined =>
  dates.filter((d): d is CalendarDate => d !== undefined).sort().at(-1);

/**
 * Every clock running on the claim today. `followUpOn` is the biller's own next-follow-up date (pend), if set.
 */
export const clocksOf = (claim: Claim, limits: RuleLimits, followUpOn?: CalendarDate): Clock[] => {
  const clocks: Clock[] = [];
  const inForce = claim.adjudications.filter((a) => !a.reversedOn);
  const denial = mainDenial(claim);
  // A patient the payer did not recognize (CLP02 4) needs a claim it can match: the filing limit still binds it.
  const needsCorrectedClaim = denial !== undefined && (['coding', 'missing-information'].includes(denial.category) || denial.patientNotRecognized === true);
  if (!payerHasClaim(claim) || needsCorrectedClaim) {
    clocks.push({ kind: 'timely-filing', startsOn: claim.serviceThrough, dueOn: addPeriod(claim.serviceThrough, limits.timelyFiling) });
  }
  if (denial && claim.status !== 'appealed') {
    const level = nextAppealLevel(claim);
    const days = level ? limits.appealDays[level as keyof RuleLimits['appealDays']] : undefined;
    // From the remit that decided the denial, not a later payer's remit.
    const decidedOn = denial.remitDate;
    // The window runs from receipt of the notice: its date plus the days receipt is presumed to take (0: the date itself).
    const receivedOn = addDays(decidedOn, limits.presumedReceiptDays);
    if (level && days) {
      clocks.push({ kind: 'appeal', level, startsOn: decidedOn, dueOn: addDays(receivedOn, days), ...(receivedOn !== decidedOn ? { receivedOn } : {}) });
    }
  }
  if (claim.status === 'appealed') {
    const filedOn = latest(claim.appeals.map((a) => a.appealedOn))!;
    clocks.push({ kind: 'appeal-decision', startsOn: filedOn, dueOn: addDays(filedOn, limits.appealFollowUpDays) });
  }
  if (inForce.length === 0 && claim.status !== 'rejected') {
    const reversedOn = latest(claim.adjudications.map((a) => a.reversedOn));
    const heardOn = latest([claim.lastSubmittedOn, claim.lastStatus?.on, reversedOn])!;
    clocks.push({ kind: 'no-response', startsOn: heardOn, dueOn: addDays(heardOn, limits.noResponseDays[claim.submissionMethod]) });
  }
  if (nextPayerDue(claim.otherPayer !== undefined, claim.adjudications, claim.money)) {
    const remitOn = latest(inForce.map((a) => a.remitDate))!;
    clocks.push({ kind: 'secondary-filing', startsOn: remitOn, dueOn: addDays(remitOn, limits.secondaryFilingDays) });
  }
  if (followUpOn) clocks.push({ kind: 'follow-up', startsOn: followUpOn, dueOn: followUpOn });
  return clocks;
};

/** Days left on a clock today: negative once it has run out. */
export const daysLeft = (clock: Pick<Clock, 'dueOn'>, today: CalendarDate): number => daysBetween(today, clock.dueOn);
