// The X12 reader against damaged files: truncated at every byte, trailers dropped, bytes flipped, any chunking.
// It must never throw, never yield a transaction that is not a whole ST..SE of the file, and never put a value of
// the file into an error.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readX12, readX12Text } from '../../functions/x12/reader.js';
import type { ReadItem, Segment, Transaction } from '../../functions/x12/segments.js';

const root = '/work/shared/fixtures/x12';
const file = (path: string): string => readFileSync(join(root, path)).toString('latin1');

const small = {
  managedCare: file('835/LinuxForHealth__x12__src_tests_resources_835_005010X221A1_managed-care.835'),
  era4010: file('835/irobayna__stupidedi__spec_fixtures_004010_X091A1_HP835_Health_Care_Claim_Payment_Advice_case_1.edi'),
  newlineTerminated: file('835/tastypackets__x12-parser__test_test-files_835_multi-line-not-delimited.edi'),
  prose: file('835/irobayna__stupidedi__spec_fixtures_005010_X221_HP835_Health_Care_Claim_Payment_Advice_case_2.edi'),
  status277: file('277/LinuxForHealth__x12__src_tests_resources_277_005010X212_claim-level-status.277'),
  rejected277ca: file('277CA/imsweb__x12-parser__src_test_resources_277_5010_x12_277CA_rejected.txt'),
  otherSeparators: file('837P/imsweb__x12-parser__src_test_resources_837_5010_x12_valid_different_separators.txt'),
  ack999: file('999/imsweb__x12-parser__src_test_resources_837_5010_x12_999_accepted.txt'),
  bom999: file('999/irobayna__stupidedi__spec_fixtures_005010_X231A1_FA999_Implementation_Acknowledgment_for_Health_Care_Insurance_pass_response-to-functional-group-containing-3-837s.edi'),
};
// Three interchanges, three sets of delimiters, in one file.
const several = [small.managedCare, small.era4010, small.otherSeparators].join('\r\n');
const cases: [string, string][] = [...Object.entries(small), ['several', several]];
const profee = file('835/tastypackets__x12-parser__test_test-files_835_profee-multiple.edi');

const transactions = (items: readonly ReadItem[]): Transaction[] => items.flatMap((i) => (i.kind === 'transaction' ? [i.transaction] : []));
const segmentText = (s: Segment, tx: Transaction): string => s.elements.join(tx.delimiters.element);
/** Where a transaction's text ends in the file: after its SE's terminator. */
const endOf = (tx: Transaction): number => {
  const se = tx.segments.at(-1) as Segment;
  return se.offset + segmentText(se, tx).length + 1;
};
/** The segment after `from` (blanks skipped), up to and with its terminator. */
const nextSegment = (text: string, from: number, terminator: string): { start: number; end: number } => {
  const start = from + (text.slice(from).length - text.slice(from).trimStart().length);
  return { start, end: text.indexOf(terminator, start) + 1 };
};
const sameSegments = (tx: Transaction) => tx.segments.map((s) => [s.id, s.segmentNumber, s.offset, s.elements]);

/** Every run of 4+ characters between delimiters, blanks or envelope punctuation: the file's values. */
function valuesOf(text: string): Set<string> {
  return new Set(text.split(/[\s~*:^|>_!\\]+/).filter((v) => v.length >= 4));
}
/** Reasons may say counts ("SE01=27 but 26 segments"); no other word in them may come from the file. */
function assertValueFree(items: readonly ReadItem[], values: Set<string>): void {
  for (const item of items) {
    if (item.kind !== 'error') continue;
    expect(item.error.segment).toMatch(/^([A-Z0-9]{2,3})?$/);
    const reason = item.error.reason.replace(/=\d+ but \d+ /, ' ').replace(/; \d+ /, ' ');
    // Word by word: an echoed value is a word of its own (a fragment of a damaged file, such as "tran" of
    // "transmitted" split by a flipped byte, may well be inside one of the reason's own words, "transaction").
    for (const word of reason.split(/[\s=;,:()'"`]+/)) if (values.has(word)) throw new Error(`reason "${item.error.reason}" contains a value of the file`);
  }
}
/** A yielded transaction is an ST..SE run of segments that are, character for character, in the file. */
function assertWhole(items: readonly ReadItem[], text: string): void {
  for (const tx of transactions(items)) {
    const ids = tx.segments.map((s) => s.id);
    expect(ids[0]).toBe('ST');
    expect(ids.at(-1)).toBe('SE');
    expect(ids.filter((id) => id === 'ST' || id === 'SE' || id === 'GS' || id === 'GE' || id === 'IEA' || id === 'ISA')).toHaveLength(2);
    for (const s of tx.segments) {
      const own = segmentText(s, tx);
      expect(text.slice(s.offset, s.offset + own.length + 1)).toBe(own + tx.delimiters.segment);
    }
    if (tx.envelopeErrors.length === 0) expect(Number(tx.segments.at(-1)?.elements[1])).toBe(tx.segments.length);
  }
}
const chunked = (bytes: Uint8Array, size: number): Uint8Array[] => {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
};
const collect = async (chunks: Uint8Array[]): Promise<ReadItem[]> => {
  const items: ReadItem[] = [];
  for await (const item of readX12(chunks)) items.push(item);
  return items;
};

/** A prefix of a file: exactly the transactions that end inside it, unchanged; an error unless it ends between interchanges. */
async function checkTruncation(text: string, original: Transaction[], values: Set<string>, cut: number): Promise<void> {
  const prefix = text.slice(0, cut);
  const items = await readX12Text(prefix);
  const expected = original.filter((tx) => endOf(tx) <= cut);
  const read = transactions(items);
  // Which transactions, by where they are; in full, the last two (nearest the cut, where a reader would go wrong).
  expect(read.map((tx) => [tx.segments[0]?.offset, tx.segments.length, tx.envelopeErrors.length])).toEqual(expected.map((tx) => [tx.segments[0]?.offset, tx.segments.length, tx.envelopeErrors.length]));
  expect(read.slice(-2).map(sameSegments)).toEqual(expected.slice(-2).map(sameSegments));
  expect(read.slice(-2).map((tx) => tx.envelopeErrors)).toEqual(expected.slice(-2).map((tx) => tx.envelopeErrors));
  const rest = text.slice(cut).trimStart();
  if (rest !== '' && !rest.startsWith('ISA')) {
    expect(items.some((i) => i.kind === 'error' && /^(file ends|no ISA)/.test(i.error.reason))).toBe(true);
  }
  // An error that names a transaction names one of the file's.
  for (const item of items) {
    if (item.kind === 'error' && item.transaction) expect(original.map((tx) => tx.controlNumber)).toContain(item.transaction.controlNumber);
  }
  assertValueFree(items, values);
}

describe('truncation', () => {
  it.each(cases)('%s cut at every byte', async (_name, text) => {
    const original = transactions(await readX12Text(text));
    expect(original.length).toBeGreaterThan(0);
    const values = valuesOf(text);
    for (let cut = 0; cut <= text.length; cut++) await checkTruncation(text, original, values, cut);
  });

  it('the 156-interchange 835 cut at every segment boundary and at 200 random bytes', async () => {
    const original = transactions(await readX12Text(profee));
    const values = valuesOf(profee);
    const boundaries = [...profee.matchAll(/~/g)].map((m) => (m.index ?? 0) + 1);
    // Every boundary of the first 3 interchanges (and the ISA/IEA seams of all): 156 × 69 reads would be slow.
    const firstThree = original[2] ? endOf(original[2]) + 40 : 0;
    for (const cut of boundaries.filter((b) => b <= firstThree || profee.startsWith('ISA', b) || profee.startsWith('IEA', b))) {
      await checkTruncation(profee, original, values, cut);
    }
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: profee.length }), (cut) => checkTruncation(profee, original, values, cut)),
      { numRuns: 200 },
    );
  }, 30_000);
});

describe('dropped trailers', () => {
  it.each(cases)('%s without one of its SE, GE or IEA', async (_name, text) => {
    const original = transactions(await readX12Text(text));
    // Each fixture has one transaction per group and one group per interchange: SE, then GE, then IEA.
    const trailers = original.flatMap((tx) => {
      const se = tx.segments.at(-1) as Segment;
      const ge = nextSegment(text, endOf(tx), tx.delimiters.segment);
      const iea = nextSegment(text, ge.end, tx.delimiters.segment);
      expect([text.slice(ge.start, ge.start + 2), text.slice(iea.start, iea.start + 3)]).toEqual(['GE', 'IEA']);
      return [{ id: 'SE', start: se.offset, end: endOf(tx) }, { id: 'GE', ...ge }, { id: 'IEA', ...iea }];
    });
    for (const trailer of trailers) {
      const damaged = text.slice(0, trailer.start) + text.slice(trailer.end);
      const items = await readX12Text(damaged);
      assertWhole(items, damaged);
      assertValueFree(items, valuesOf(text));
      const read = transactions(items);
      if (trailer.id === 'SE') {
        // The transaction that lost its SE is an error naming it, never a transaction; the others are read.
        const lost = original.find((tx) => endOf(tx) === trailer.end) as Transaction;
        expect(read).toHaveLength(original.length - 1);
        expect(items.some((i) => i.kind === 'error' && i.transaction?.controlNumber === lost.controlNumber && /without SE|ends before SE/.test(i.error.reason))).toBe(true);
      } else {
        expect(read.map((tx) => tx.segments.map((s) => s.elements))).toEqual(original.map((tx) => tx.segments.map((s) => s.elements)));
        const missing = trailer.id === 'GE' ? /GS without GE|file ends before GE/ : /ISA without IEA|file ends before IEA/;
        expect(items.some((i) => i.kind === 'error' && missing.test(i.error.reason))).toBe(true);
      }
    }
  });
});

describe('flipped bytes and any chunking', () => {
  const texts = [...cases.map(([, text]) => text), profee.slice(0, 20_000)];
  // Segment starts (after a terminator and blanks): where a flipped byte damages an id or a trailer.
  const startsOf = (text: string): number[] => [...text.matchAll(/[~_\n]\s*/g)].map((m) => (m.index ?? 0) + m[0].length).filter((i) => i < text.length);
  const starts = texts.map(startsOf);
  const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...'~*:^|\n\r ISAGESTIEA0x'.split('').map((c) => c.charCodeAt(0))));
  const flip = fc.nat({ max: texts.length - 1 }).chain((which) => {
    const length = (texts[which] as string).length;
    const ids = starts[which] as number[];
    const at = fc.oneof(fc.nat({ max: length - 1 }), fc.nat({ max: ids.length - 1 }).chain((i) => fc.constantFrom(ids[i] as number, (ids[i] as number) + 1, (ids[i] as number) + 2)));
    return fc.record({ which: fc.constant(which), flips: fc.array(fc.record({ at, byte }), { minLength: 1, maxLength: 4 }), chunk: fc.integer({ min: 1, max: 300 }) });
  });

  it('never throws, yields only whole transactions, echoes no value, and does not depend on chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(flip, async ({ which, flips, chunk }) => {
        const bytes = Buffer.from(texts[which] as string, 'latin1');
        for (const { at, byte } of flips) bytes[at] = byte;
        const damaged = bytes.toString('latin1');
        const items = await readX12Text(bytes);
        assertWhole(items, damaged);
        assertValueFree(items, valuesOf(damaged));
        expect(await collect(chunked(bytes, chunk))).toEqual(items);
        // Before the first damaged byte, the file reads as it did untouched.
        const first = Math.min(...flips.map(({ at }) => at));
        const untouched = transactions(await readX12Text(texts[which] as string)).filter((tx) => endOf(tx) <= first);
        expect(transactions(items).filter((tx) => endOf(tx) <= first).map(sameSegments)).toEqual(untouched.map(sameSegments));
      }),
      { numRuns: 1500 },
    );
  }, 30_000);

  it('random garbage never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.string({ maxLength: 300 }), async (noise, words) => {
        const items = await readX12Text(Buffer.concat([Buffer.from(`ISA*${words}`, 'latin1'), noise, Buffer.from(small.ack999, 'latin1')]));
        assertWhole(items, `ISA*${words}` + Buffer.from(noise).toString('latin1') + small.ack999);
      }),
      { numRuns: 300 },
    );
  });
});
