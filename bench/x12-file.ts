// Synthetic 835 files for bench:x12, built from the 835 fixtures: one interchange, many remittances (transactions),
// each a fixture's header, its claim loops repeated, its PLBs and a new SE, re-balanced (BPR02 = ΣCLP04 − ΣPLB) and
// renumbered (ISA13, GS06, ST02/SE02, TRN02 and every CLP01 distinct), so event ids and claims all differ.
// Written as a stream, one transaction at a time: the file is never one string in memory.
import { once } from 'node:events';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../local/demo-data.js';
import { mapTransaction } from '../functions/x12/map-transaction.js';
import { parseCents } from '../functions/x12/map-835.js';
import { readX12Text } from '../functions/x12/reader.js';
import type { Delimiters, Segment, Transaction } from '../functions/x12/segments.js';

export const fixturesDir = process.env.X12_FIXTURES ?? join(import.meta.dirname, '../../shared/fixtures/x12/835');

/** One fixture remittance, split where claim loops can be repeated; elements already in the output delimiters. */
interface Template {
  readonly name: string;
  readonly header: string[][];
  /** From the first LX or CLP to the first PLB or SE: the claim loops. */
  readonly detail: string[][];
  readonly plb: string[][];
}

const out = { element: '*', component: ':', repetition: '^', segment: '~' } as const;
const reserved = /[*:^~\r\n]/;

/** A segment's elements in the output delimiters; undefined when a value holds one of them. */
const normalise = (segment: Segment, d: Delimiters): string[] | undefined => {
  const elements: string[] = [];
  for (const value of segment.elements) {
    const parts = value.split(d.component).map((c) => (d.repetition ? c.split(d.repetition) : [c]));
    if (parts.some((reps) => reps.some((p) => reserved.test(p)))) return undefined;
    elements.push(parts.map((reps) => reps.join(out.repetition)).join(out.component));
  }
  return elements;
};

const splitTemplate = (name: string, t: Transaction): Template | undefined => {
  const segments: string[][] = [];
  for (const s of t.segments) {
    const e = normalise(s, t.delimiters);
    if (!e) return undefined;
    segments.push(e);
  }
  const firstLoop = segments.findIndex((e) => e[0] === 'LX' || e[0] === 'CLP');
  const firstPlb = segments.findIndex((e) => e[0] === 'PLB' || e[0] === 'SE');
  if (firstLoop < 1 || firstPlb < firstLoop) return undefined;
  const detail = segments.slice(firstLoop, firstPlb);
  if (!detail.some((e) => e[0] === 'CLP')) return undefined;
  return { name, header: segments.slice(0, firstLoop), detail, plb: segments.slice(firstPlb, -1).filter((e) => e[0] === 'PLB') };
};

/**
 * The usable remittances of the fixtures: 5010, accepted by our mapper once renumbered (SE01 recounted) and every claim
 * an event (a fixture's non-CPT procedure codes would make its claims refused, which the end-to-end part cannot use).
 */
export const loadTemplates = async (dir = fixturesDir): Promise<Template[]> => {
  const seen = new Set<string>();
  const templates: Template[] = [];
  for (const name of readdirSync(dir).sort()) {
    for (const item of await readX12Text(readFileSync(join(dir, name)))) {
      if (item.kind !== 'transaction' || item.transaction.setId !== '835') continue;
      const template = splitTemplate(name, item.transaction);
      if (!template) continue;
      const key = JSON.stringify(template);
      if (seen.has(key)) continue;
      // Try it as the generator will write it.
      const text = isaOf('000000001') + gsOf('1') + transactionText(template, { controlNumber: '0001', trace: 'T1', repeat: 1, nextClaimId: counter('TPL'), remitDate: '20261125' }).text + 'GE*1*1~IEA*1*000000001~';
      const mapped = (await readX12Text(text)).flatMap((i) => (i.kind === 'transaction' ? [mapTransaction(i.transaction, { tenantId: 'bench-x12' })] : []));
      const report = mapped[0]?.report as { status?: string; claims?: unknown[] } | undefined;
      if (report?.status !== 'accepted' || mapped[0]!.events.length !== report.claims?.length) continue;
      seen.add(key);
      templates.push(template);
    }
  }
  if (templates.length === 0) throw new Error(`no usable 835 fixture in ${dir}`);
  return templates;
};

const counter = (prefix: string): (() => string) => {
  let n = 0;
  return () => `${prefix}-${String(++n).padStart(7, '0')}`;
};

const formatCents = (cents: number): string => {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

const isaOf = (controlNumber: string): string =>
  `ISA*00*          *00*          *ZZ*BENCHPAYER     *ZZ*BENCHPROVIDER  *261201*1200*^*00501*${controlNumber}*0*P*:~`;
const gsOf = (controlNumber: string): string => `GS*HP*BENCHPAYER*BENCHPROVIDER*20261201*1200*${controlNumber}*X*005010X221A1~`;

interface TransactionOptions {
  readonly controlNumber: string;
  readonly trace: string;
  /** How many times the template's claim loops are repeated. */
  readonly repeat: number;
  readonly nextClaimId: () => string | undefined;
  /** CCYYMMDD for BPR16 and DTM*405: remit dates after the claims' submissions. */
  readonly remitDate: string;
}

/** The template's header segments (ST to the first claim loop) renumbered, paying `payment` cents. */
const headerOf = (t: Template, o: Pick<TransactionOptions, 'controlNumber' | 'trace' | 'remitDate'>, payment: number): string[][] =>
  t.header.map((e) => {
    const c = [...e];
    if (c[0] === 'ST') c[2] = o.controlNumber;
    if (c[0] === 'BPR') {
      c[2] = formatCents(Math.abs(payment));
      c[3] = payment < 0 ? 'D' : 'C';
      if (c.length > 16) c[16] = o.remitDate;
    }
    if (c[0] === 'TRN') c[2] = o.trace;
    if (c[0] === 'DTM' && c[1] === '405') c[2] = o.remitDate;
    return c;
  });

const plbTotalOf = (t: Template): number => {
  let plb = 0;
  for (const e of t.plb) for (let i = 4; i <= 14; i += 2) plb += parseCents(e[i] ?? '') ?? 0;
  return plb;
};

/** One remittance: the template renumbered and re-balanced; stops early when the claim ids run out. */
const transactionText = (t: Template, o: TransactionOptions): { text: string; claims: number; exhausted: boolean } => {
  const seg = (e: readonly string[]): string => `${e.join(out.element)}${out.segment}\n`;
  const body: string[][] = [];
  let paid = 0;
  let claims = 0;
  let exhausted = false;
  repeat: for (let r = 0; r < o.repeat; r++) {
    // A loop is appended whole: the next CLP starts a claim, so stop before it when no id is left.
    let loop: string[][] = [];
    for (const e of t.detail) {
      if (e[0] === 'CLP') {
        body.push(...loop);
        loop = [];
        const id = o.nextClaimId();
        if (id === undefined) {
          exhausted = true;
          break repeat;
        }
        const clp = [...e];
        clp[1] = id;
        paid += parseCents(clp[4] ?? '') ?? 0;
        claims++;
        loop.push(clp);
      } else loop.push(e);
    }
    body.push(...loop);
  }
  if (claims === 0) return { text: '', claims: 0, exhausted: true };
  const plb = plbTotalOf(t);
  const header = headerOf(t, o, paid - plb);
  const segments = [...header, ...body, ...t.plb];
  const se = ['SE', String(segments.length + 1), o.controlNumber];
  return { text: [...segments, se].map(seg).join(''), claims, exhausted };
};

export interface Built835 {
  readonly path: string;
  readonly bytes: number;
  readonly transactions: number;
  readonly claims: number;
  readonly templates: number;
}

export interface Build835Options {
  readonly path: string;
  readonly interchangeControlNumber: string;
  /** Stop at this size (the last transaction may pass it by a few KB)... */
  readonly targetBytes?: number;
  /** ...or when these claim ids (CLP01) are used up, each once. */
  readonly claimIds?: Iterable<string>;
  readonly remitDate?: string;
  readonly seed?: number;
  /** Transactions per functional group. */
  readonly groupSize?: number;
}

/** Writes the file transaction by transaction (awaiting the stream's drain), never holding it whole. */
export const build835 = async (options: Build835Options): Promise<Built835> => {
  const templates = await loadTemplates();
  const random = seededRandom(options.seed ?? 835);
  const ids = options.claimIds?.[Symbol.iterator]();
  const nextClaimId = ids ? () => ids.next().value as string | undefined : counter(`C${options.interchangeControlNumber.slice(-4)}`);
  const target = options.targetBytes ?? Number.POSITIVE_INFINITY;
  const groupSize = options.groupSize ?? 500;
  const remitDate = options.remitDate ?? '20261125';
  const file = createWriteStream(options.path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += text.length;
    if (!file.write(text, 'latin1')) await once(file, 'drain');
  };
  await write(`${isaOf(options.interchangeControlNumber)}\n`);
  let transactions = 0;
  let claims = 0;
  let groups = 0;
  let inGroup = 0;
  for (let done = false; !done && bytes < target; ) {
    if (inGroup === 0) await write(`${gsOf(String(++groups))}\n`);
    const template = templates[Math.floor(random() * templates.length)]!;
    // Remittances of 1 to ~40 claim loops: a check per payer run, as clearinghouses send them.
    const repeat = 1 + Math.floor(random() * random() * 20);
    const controlNumber = String(transactions + 1).padStart(4, '0');
    const tx = transactionText(template, { controlNumber, trace: `${options.interchangeControlNumber}${controlNumber}`, repeat, nextClaimId, remitDate });
    done = tx.exhausted;
    if (tx.claims > 0) {
      await write(tx.text);
      transactions++;
      inGroup++;
      claims += tx.claims;
    }
    if (inGroup > 0 && (inGroup >= groupSize || done || bytes >= target)) {
      await write(`GE*${inGroup}*${groups}~\n`);
      inGroup = 0;
    } else if (inGroup === 0 && done) {
      // An empty group was opened: close it (GE*0) rather than leave it open.
      await write(`GE*0*${groups}~\n`);
    }
  }
  await write(`IEA*${groups}*${options.interchangeControlNumber}~\n`);
  file.end();
  await once(file, 'finish');
  return { path: options.path, bytes, transactions, claims, templates: templates.length };
};

export interface BuildSingle835Options {
  readonly path: string;
  readonly interchangeControlNumber: string;
  /** About this size: one transaction whose claim loops are repeated until it is reached. */
  readonly targetBytes: number;
  readonly remitDate?: string;
  /** Break the balance (BPR02 one cent off): the transaction is then refused whole at its SE. */
  readonly unbalanced?: boolean;
  /** Leave out the SE (and the trailers): the file ends inside the transaction. */
  readonly truncated?: boolean;
}

/**
 * One giant remittance in one ST..SE (a payer's whole month in one check): the fixture remittance with the most claims
 * per loop, its claim loops repeated with new claim ids until the file is about `targetBytes`, written as it goes.
 */
export const buildSingle835 = async (options: BuildSingle835Options): Promise<Built835> => {
  const templates = await loadTemplates();
  const claimsOf = (t: Template): number => t.detail.filter((e) => e[0] === 'CLP').length;
  const t = templates.reduce((best, x) => (claimsOf(x) > claimsOf(best) ? x : best));
  const seg = (e: readonly string[]): string => `${e.join(out.element)}${out.segment}\n`;
  const nextClaimId = counter(`S${options.interchangeControlNumber.slice(-4)}`);
  const repetition = (): string =>
    t.detail
      .map((e) => {
        if (e[0] !== 'CLP') return seg(e);
        const clp = [...e];
        clp[1] = nextClaimId();
        return seg(clp);
      })
      .join('');
  let paidPerRepetition = 0;
  for (const e of t.detail) if (e[0] === 'CLP') paidPerRepetition += parseCents(e[4] ?? '') ?? 0;
  const remitDate = options.remitDate ?? '20261125';
  const o = { controlNumber: '0001', trace: `${options.interchangeControlNumber}0001`, remitDate };
  const fixed = isaOf(options.interchangeControlNumber).length + gsOf('1').length + headerOf(t, o, 0).map(seg).join('').length + t.plb.map(seg).join('').length + 60;
  const repetitionBytes = repetition().length;
  const repetitions = Math.max(1, Math.ceil((options.targetBytes - fixed) / repetitionBytes));
  const payment = repetitions * paidPerRepetition - plbTotalOf(t) + (options.unbalanced ? 1 : 0);
  const file = createWriteStream(options.path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += text.length;
    if (!file.write(text, 'latin1')) await once(file, 'drain');
  };
  await write(`${isaOf(options.interchangeControlNumber)}\n${gsOf('1')}\n`);
  const header = headerOf(t, o, payment);
  await write(header.map(seg).join(''));
  // The ids used to size a repetition are skipped: every claim id in the file is still distinct.
  for (let r = 0; r < repetitions; r++) await write(repetition());
  if (!options.truncated) {
    await write(t.plb.map(seg).join(''));
    await write(seg(['SE', String(header.length + repetitions * t.detail.length + t.plb.length + 1), o.controlNumber]));
    await write(`GE*1*1~\nIEA*1*${options.interchangeControlNumber}~\n`);
  }
  file.end();
  await once(file, 'finish');
  return { path: options.path, bytes, transactions: 1, claims: repetitions * claimsOf(t), templates: 1 };
};
