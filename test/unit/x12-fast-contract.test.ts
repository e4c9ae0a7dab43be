// The 835 mapper sends claim.adjudicated / claim.reversed events that functions/x12/fast-contract.ts vouches for
// without parsing them with zod (the ingest door parses every event anyway). Held to the contract here: every event of
// every fixture passes the contract and is exactly what the contract's parse returns (same keys, same order), and on
// thousands of fuzzed variations the cheap check never passes what the contract refuses (when it declines, the mapper
// asks the contract, whose refusal text the report gives).
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claimEvent, describeIssues } from '../../functions/domain/claim-events.js';
import { buildFileReport, fileFacts } from '../../functions/x12/file-report.js';
import { passesAdjudicated, passesReversed } from '../../functions/x12/fast-contract.js';
import { parseCents } from '../../functions/x12/map-835.js';
import { mapTransaction, type Report835 } from '../../functions/x12/map-transaction.js';
import { readX12Text } from '../../functions/x12/reader.js';
import type { Segment, Transaction } from '../../functions/x12/segments.js';

const root = '/work/shared/fixtures/x12';
const dirs = ['835', '277', '277CA', '999', '837P', '837I'] as const;
const ctx = { tenantId: 'acme-billing', source: 'x12-fixtures' };

const fixtureEvents = async () => {
  const events = [];
  for (const dir of dirs) {
    for (const name of readdirSync(`${root}/${dir}`).filter((n) => !n.endsWith('.csv'))) {
      const bytes = readFileSync(`${root}/${dir}/${name}`);
      events.push(...(await buildFileReport(fileFacts(name, bytes), await readX12Text(bytes), ctx)).events);
    }
  }
  return events;
};

const passes = (event: Record<string, unknown>): boolean => (event.type === 'claim.reversed' ? passesReversed(event) : passesAdjudicated(event));

/** A balanced 835 of one transaction around the given claim loops (delimiters * : ~). */
const remit = (bpr02: string, body: string): Transaction => {
  const text = `ST*835*0001*005010X221A1~BPR*I*${bpr02}*C*ACH************20240315~TRN*1*EFT123*1512345678~DTM*405*20240314~N1*PR*ACME HEALTH PLAN~REF*2U*60054~N1*PE*GOOD CLINIC*XX*1234567893~${body}`;
  const raw = text.split('~').filter((s) => s.trim() !== '');
  const all = [...raw, `SE*${raw.length + 1}*0001`];
  const segments: Segment[] = all.map((s, i) => ({ id: s.split('*')[0]!, elements: s.split('*'), segmentNumber: i + 3, offset: i * 10 }));
  return {
    setId: '835',
    controlNumber: '0001',
    implementation: '005010X221A1',
    functionalId: 'HP',
    interchangeControlNumber: '000000123',
    groupControlNumber: '77',
    interchangeVersion: '00501',
    delimiters: { element: '*', component: ':', repetition: '^', segment: '~' },
    segments,
    envelopeErrors: [],
  };
};

describe('every fixture event', () => {
  it('passes the contract, is exactly what its parse returns, and the cheap check agrees', async () => {
    const events = await fixtureEvents();
    const remits = events.filter((e) => e.type === 'claim.adjudicated' || e.type === 'claim.reversed');
    expect(remits.length).toBeGreaterThanOrEqual(15);
    for (const event of events) {
      const parsed = claimEvent.safeParse(event);
      expect(parsed.success).toBe(true);
      // Same content and the same key order: the event sent is the object the contract would have returned.
      expect(JSON.stringify(parsed.data)).toBe(JSON.stringify(event));
    }
    for (const event of remits) expect(passes(event as unknown as Record<string, unknown>)).toBe(true);
  });
});

// ---- Fuzzing: fixture events with one or more values replaced at random ----

/** Values that break one rule of the contract or another, and some that do not. */
const oddValue = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    null,
    '',
    ' ',
    '22',
    '4',
    '1',
    '16',
    '18',
    '23',
    '45',
    'CO',
    'PR',
    'OA',
    'PI',
    'CR',
    'XX',
    'N14',
    'MA02',
    'ZZ999',
    '99213',
    'D0120',
    'A0425',
    '9921',
    '992133',
    'a1',
    'AB',
    'ABC',
    '2024-03-14',
    '2024-02-30',
    '1989-12-31',
    '2101-01-01',
    '20240314',
    '2024-03-14T12:00:00Z',
    '2024-03-14T12:00:00+01:00',
    'x'.repeat(51),
    'x'.repeat(65),
    'CLM-1',
    'clm 1',
    '-CLM',
    0,
    -1,
    1,
    100,
    0.5,
    -0.25,
    1e21,
    2 ** 53,
    Number.POSITIVE_INFINITY,
    Number.NaN,
    9999,
    10000,
    true,
    [],
    {},
  ),
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.string({ maxLength: 12 }),
);

type Json = unknown;
/** Every path to a value or container inside an event. */
const pathsOf = (value: Json, at: Array<string | number> = []): Array<Array<string | number>> => {
  const out: Array<Array<string | number>> = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
};
const withValue = (value: Json, path: ReadonlyArray<string | number>, replacement: Json): Json => {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? withValue(v, rest, replacement) : v));
  const copy = { ...(value as Record<string, Json>) };
  if (replacement === undefined && rest.length === 0) delete copy[head as string];
  else copy[head as string] = withValue(copy[head as string], rest, replacement);
  return copy;
};
/** Arrays grown past the contract's limits, by repeating their first item. */
const grown = (value: Json, path: ReadonlyArray<string | number>, times: number): Json => {
  let target: Json = value;
  for (const p of path) target = (target as Record<string | number, Json>)[p];
  if (!Array.isArray(target) || target.length === 0) return value;
  return withValue(value, path, [...target, ...Array.from({ length: times }, () => target[0])]);
};

describe('fuzzed 835 events', () => {
  it('the cheap check never passes an event the contract refuses, and what it passes is what the parse returns', async () => {
    const seeds = (await fixtureEvents()).filter((e) => e.type === 'claim.adjudicated' || e.type === 'claim.reversed') as unknown as Json[];
    let passed = 0;
    let declined = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), oddValue, fc.nat({ max: 60 }), fc.boolean()), { minLength: 1, maxLength: 3 }),
        async (which, changes) => {
          let event: Json = seeds[which];
          for (const [pick, value, times, grow] of changes) {
            const paths = pathsOf(event);
            const path = paths[pick % paths.length]!;
            event = grow ? grown(event, path, times) : withValue(event, path, value);
          }
          const candidate = event as Record<string, unknown>;
          if (!candidate || typeof candidate !== 'object') return;
          const parsed = claimEvent.safeParse(candidate);
          if (passes(candidate)) {
            passed++;
            expect(parsed.success).toBe(true);
            expect(JSON.stringify(parsed.data)).toBe(JSON.stringify(candidate));
          } else declined++;
        },
      ),
      { numRuns: 4000 },
    );
    // Both sides were exercised.
    expect(passed).toBeGreaterThan(100);
    expect(declined).toBeGreaterThan(1000);
  }, 60_000);
});

describe('the report says what the contract says', () => {
  // Claim A: billed 100.00, paid 80.00, CO-45 15.00 at claim level, PR-2 5.00 on its line.
  const claimA = 'LX*1~CLP*CLM-A*1*100*80*5*12*PCN-A~CAS*CO*45*15~SVC*HC:99213:25*100*80**1~CAS*PR*2*5';

  it.each([
    ['an unknown CARC', claimA.replace('CAS*CO*45*15', 'CAS*CO*ZZ9*15'), '80', 'payload.adjustments.0.carc: not a CARC'],
    ['a CLP05 off the PR adjustments', claimA.replace('*100*80*5*', '*100*80*6*'), '80', 'payload.patientResponsibilityCents: does not equal the PR adjustments (500)'],
    ['adjustments that do not balance', claimA.replace('CAS*CO*45*15', 'CAS*CO*45*14'), '80', 'payload.adjustments: do not balance'],
    ['CARC 23 under CO', claimA.replace('CAS*CO*45*15', 'CAS*CO*23*15'), '80', 'payload.adjustments.0.group: CARC 18 and 23 are used only with group OA'],
    ['a procedure code that is not CPT/HCPCS', claimA.replace('HC:99213:25', 'HC:9921:25'), '80', 'payload.lines.0.procedureCode'],
    ['a reversal without a payer claim number', 'LX*1~CLP*CLM-R*22*-100*-80**12', '-80', 'payload.payerClaimNumber'],
  ])('%s: refused with the contract\'s own words', (_what, body, bpr02, said) => {
    const { report, events } = mapTransaction(remit(bpr02, body), ctx);
    const claim = (report as Report835).claims[0]!;
    expect(events).toEqual([]);
    expect(claim.eventType).toBe(claim.reversal ? 'claim.reversed' : 'claim.adjudicated');
    expect(claim.eventId).toBeUndefined();
    expect(claim.refused).toContain(said);
  });

  it('a refused claim reads exactly as zod describes it', () => {
    const { report } = mapTransaction(remit('80', claimA.replace('CAS*CO*45*15', 'CAS*CO*ZZ9*15')), ctx);
    const refused = (report as Report835).claims[0]!.refused!;
    const parsed = claimEvent.safeParse({
      eventId: 'x12-0000000000000000000000000000000000000000',
      tenantId: ctx.tenantId,
      occurredAt: '2024-03-14T12:00:00Z',
      source: ctx.source,
      schemaVersion: 1,
      type: 'claim.adjudicated',
      payload: {
        claimId: 'CLM-A',
        remitDate: '2024-03-14',
        claimStatusCode: '1',
        payerClaimNumber: 'PCN-A',
        billedCents: 10000,
        paidCents: 8000,
        patientResponsibilityCents: 500,
        adjustments: [{ group: 'CO', carc: 'ZZ9', rarcs: [], amountCents: 1500 }],
        remarkCodes: [],
        lines: [{ procedureCode: '99213', modifiers: ['25'], chargeCents: 10000, paidCents: 8000, units: 1, adjustments: [{ group: 'PR', carc: '2', rarcs: [], amountCents: 500 }], remarkCodes: [] }],
      },
    });
    expect(parsed.success).toBe(false);
    expect(refused).toBe(describeIssues(parsed.error!));
  });
});

describe('parseCents by integer arithmetic', () => {
  // The regular-expression reader it replaced: the same answers on every input.
  const amountPattern = /^(-?)(\d*)(?:\.(\d*))?$/;
  const byPattern = (text: string): number | undefined => {
    const match = amountPattern.exec(text.trim());
    if (!match) return undefined;
    const [, sign, whole = '', fraction = ''] = match;
    if (whole === '' && fraction === '') return undefined;
    if (fraction.length > 2 && !/^0+$/.test(fraction.slice(2))) return undefined;
    const cents = Number(`${whole || '0'}${fraction.slice(0, 2).padEnd(2, '0')}`);
    if (!Number.isSafeInteger(cents)) return undefined;
    return cents === 0 ? 0 : sign === '-' ? -cents : cents;
  };

  it('agrees with the pattern it replaced', () => {
    const char = fc.constantFrom(...'0123456789.- \t\u00a0+e,'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.array(char, { maxLength: 24 }).map((c) => c.join('')), fc.string({ maxLength: 10 }), fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map((n) => `${n / 100n}.${String(n < 0n ? -n % 100n : n % 100n).padStart(2, '0')}`)), (text) => {
        expect(parseCents(text)).toBe(byPattern(text));
      }),
      { numRuns: 20_000 },
    );
    for (const edge of ['90071992547409.91', '90071992547409.92', '9007199254740991', '-90071992547409.91', '0.000', '-.5', '00012.30']) expect(parseCents(edge)).toBe(byPattern(edge));
  });
});
