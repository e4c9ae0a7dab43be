// The streaming X12 reader over every fixture file, the traps real files set (BOM, CRLF, prose, other delimiters,
// several interchanges, 4010), chunk-size invariance, and each kind of error with its segment number and offset
// worked out by hand in the comments.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_SEGMENT_LENGTH, readX12, readX12Text } from '../../functions/x12/reader.js';
import { components, type ReadItem, type Transaction, type X12Error } from '../../functions/x12/segments.js';

const root = '/work/shared/fixtures/x12';
const kinds = ['835', '277', '277CA', '276', '837P', '837I', '999'] as const;
const fixtures = kinds.flatMap((kind) =>
  readdirSync(join(root, kind))
    .filter((name) => !name.endsWith('.csv'))
    .map((name) => ({ kind, name, path: join(root, kind, name) })),
);
const read = (kind: string, name: string): Buffer => readFileSync(join(root, kind, name));
const latin1 = (bytes: Buffer): string => bytes.toString('latin1');

const transactions = (items: readonly ReadItem[]): Transaction[] => items.flatMap((i) => (i.kind === 'transaction' ? [i.transaction] : []));
const errors = (items: readonly ReadItem[]): X12Error[] => items.flatMap((i) => (i.kind === 'error' ? [i.error] : []));
const reasons = (items: readonly ReadItem[]): string[] => errors(items).map((e) => e.reason);
const elementsOf = (tx: Transaction): string[][] => tx.segments.map((s) => [...s.elements]);
const chunked = (bytes: Uint8Array, size: number): Uint8Array[] => {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
};
const collect = async (source: Parameters<typeof readX12>[0]): Promise<ReadItem[]> => {
  const items: ReadItem[] = [];
  for await (const item of readX12(source)) items.push(item);
  return items;
};

// Four fixtures hold a bare ST..SE with no ISA: without an ISA the delimiters and the interchange control number
// (part of every event id) are unknown, so the reader says so rather than guessing.
const withoutIsa = new Set([
  'diasks2__era_835_parser__spec_example_1.835',
  'diasks2__era_835_parser__spec_example_5.835',
  'diasks2__era_835_parser__spec_example_6.835',
  'keironstoddart__edi-835-parser__tests_test_edi_835_files_blue_cross_nc_sample.txt',
]);

const era4010 = 'irobayna__stupidedi__spec_fixtures_004010_X091A1_HP835_Health_Care_Claim_Payment_Advice_case_1.edi';
const profeeMultiple = 'tastypackets__x12-parser__test_test-files_835_profee-multiple.edi';
const valid837 = 'imsweb__x12-parser__src_test_resources_837_5010_x12_valid.txt';
const otherSeparators837 = 'imsweb__x12-parser__src_test_resources_837_5010_x12_valid_different_separators.txt';
const accepted999 = 'imsweb__x12-parser__src_test_resources_837_5010_x12_999_accepted.txt';
const managedCare = 'LinuxForHealth__x12__src_tests_resources_835_005010X221A1_managed-care.835';
const claimStatus277 = 'LinuxForHealth__x12__src_tests_resources_277_005010X212_claim-level-status.277';

describe('every fixture', () => {
  it.each(fixtures)('$kind/$name', async ({ kind, name, path }) => {
    const items = await readX12Text(readFileSync(path));
    if (withoutIsa.has(name)) {
      expect(items).toEqual([{ kind: 'error', error: { segment: 'ISA', segmentNumber: 1, offset: 0, reason: 'no ISA segment found' } }]);
      return;
    }
    const txs = transactions(items);
    expect(txs.length).toBeGreaterThanOrEqual(1);
    const setId = kind.replace(/CA$|[PI]$/, '');
    for (const tx of txs) {
      expect(tx.setId).toBe(setId);
      expect(tx.segments[0]?.id).toBe('ST');
      expect(tx.segments.at(-1)?.id).toBe('SE');
      expect(tx.segments.filter((s) => s.id === 'ST' || s.id === 'SE')).toHaveLength(2);
    }
    // No fixture is truncated: whatever errors there are, they are envelope mismatches, never a lost transaction.
    for (const item of items) if (item.kind === 'error') expect(item.error.reason).toMatch(/^(GE01|GE02|IEA01|IEA02)/);
  });

  it('counts the transactions of the big files exactly', async () => {
    // grep -o 'ST\*835' profee-multiple.edi | wc -l → 156, one per interchange (grep -c 'ISA\*' → 156)
    const profee = await readX12Text(read('835', profeeMultiple));
    expect(transactions(profee)).toHaveLength(156);
    expect(errors(profee)).toEqual([]);
    // 156 × 65 segments (SE*65 in each); ISA, GS, GE, IEA around each: 156 × 69 = 10764 segments in the file.
    expect(transactions(profee).every((tx) => tx.segments.length === 65)).toBe(true);
    expect(transactions(profee).at(-1)?.segments.at(-1)?.segmentNumber).toBe(155 * 69 + 67);

    // many_claims.txt: one ST (line 3) .. SE (line 11488) on one segment per line → 11486 segments, but SE*25.
    const many = transactions(await readX12Text(read('837P', 'imsweb__x12-parser__src_test_resources_837_5010_x12_many_claims.txt')));
    expect(many).toHaveLength(1);
    expect(many[0]?.segments).toHaveLength(11486);
    expect(many[0]?.envelopeErrors.map((e) => e.reason)).toEqual(['SE01=25 but 11486 segments']);

    // py835 misc_example: ST .. SE*182, 183 segments counted by hand over the blank-line separated file.
    const misc = transactions(await readX12Text(read('835', 'DHR-Health__py835__misc_example.835')));
    expect(misc.map((tx) => tx.envelopeErrors.map((e) => e.reason))).toEqual([['SE01=182 but 183 segments']]);

    // managed-care.835: 26 segments ST..SE (SE*26*112233), no envelope error.
    const care = transactions(await readX12Text(read('835', managedCare)));
    expect(care.map((tx) => [tx.segments.length, tx.envelopeErrors])).toEqual([[26, []]]);
  });

  it('reads the envelope of a 5010 835', async () => {
    const [tx] = transactions(await readX12Text(read('835', managedCare)));
    expect(tx).toMatchObject({
      setId: '835',
      controlNumber: '112233',
      implementation: '005010X221A1',
      functionalId: 'HP',
      interchangeControlNumber: '000000907',
      groupControlNumber: '1',
      interchangeVersion: '00501',
      delimiters: { element: '*', component: ':', repetition: '^', segment: '~' },
    });
    expect(tx?.segments[1]).toMatchObject({ id: 'BPR', segmentNumber: 4 });
    expect(tx?.segments[1]?.elements[1]).toBe('I');
  });

  it('reads a 4010 file: ISA12 00401, ISA11 `U` is not a repetition separator', async () => {
    const items = await readX12Text(read('835', era4010));
    const [tx] = transactions(items);
    expect(tx?.interchangeVersion).toBe('00401');
    expect(tx?.delimiters).toEqual({ element: '|', component: '^', segment: '~' });
    expect(tx?.delimiters.repetition).toBeUndefined();
    expect(errors(items)).toEqual([]);
  });

  it('a 5010 file with `U` in ISA11 has no repetition separator either', async () => {
    const [tx] = transactions(await readX12Text(read('837P', valid837)));
    expect(tx?.interchangeVersion).toBe('00501');
    expect(tx?.delimiters).toEqual({ element: '*', component: ':', segment: '~' });
  });

  it('reads the fixture with other separators (element ~, component ^, terminator _) like its twin', async () => {
    const [plain] = transactions(await readX12Text(read('837P', valid837)));
    const [other] = transactions(await readX12Text(read('837P', otherSeparators837)));
    expect(other?.delimiters).toEqual({ element: '~', component: '^', segment: '_' });
    const split = (tx: Transaction | undefined) => tx?.segments.map((s) => s.elements.map((e) => components(e, tx.delimiters)));
    expect(split(other)).toEqual(split(plain));
    expect(other?.segments.map((s) => [s.segmentNumber, s.offset])).toEqual(plain?.segments.map((s) => [s.segmentNumber, s.offset]));
  });

  it('reads the component separator per interchange: `>` and `|`', async () => {
    const [gt] = transactions(await readX12Text(read('835', 'keironstoddart__edi-835-parser__tests_test_edi_835_files_united_healthcare_legacy_sample.txt')));
    expect(gt?.delimiters.component).toBe('>');
    const [bar] = transactions(await readX12Text(read('277CA', 'imsweb__x12-parser__src_test_resources_277_5010_x12_277CA_rejected.txt')));
    expect(bar?.delimiters.component).toBe('|');
  });

  it('reads a newline as the segment terminator', async () => {
    const [tx] = transactions(await readX12Text(read('835', 'tastypackets__x12-parser__test_test-files_835_multi-line-not-delimited.edi')));
    const [same] = transactions(await readX12Text(read('835', 'tastypackets__x12-parser__test_test-files_835_profee-one-line.edi')));
    expect(tx?.delimiters.segment).toBe('\n');
    expect(tx && elementsOf(tx)).toEqual(same && elementsOf(same));
  });

  it('skips the BOM of a file and counts it in offsets', async () => {
    const bytes = read('999', 'irobayna__stupidedi__spec_fixtures_005010_X231A1_FA999_Implementation_Acknowledgment_for_Health_Care_Insurance_pass_response-to-functional-group-containing-3-837s.edi');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [tx] = transactions(await readX12Text(bytes));
    // The ISA is 3 + 106 characters long with its `~`; GS follows at 109; ST at 109 + the GS's length + 1.
    const gsLength = latin1(bytes).indexOf('~', 109) - 109;
    expect(tx?.segments[0]).toMatchObject({ id: 'ST', segmentNumber: 3, offset: 109 + gsLength + 1 });
  });

  it('skips prose before the ISA (the fixture with a business scenario at the top)', async () => {
    const bytes = read('835', 'irobayna__stupidedi__spec_fixtures_005010_X221_HP835_Health_Care_Claim_Payment_Advice_case_2.edi');
    const items = await readX12Text(bytes);
    expect(errors(items)).toEqual([]);
    const [tx] = transactions(items);
    const st = tx?.segments[0];
    expect(st?.segmentNumber).toBe(3);
    expect(latin1(bytes).slice(st?.offset, (st?.offset ?? 0) + 7)).toBe('ST*835*');
  });
});

describe('variants built from a fixture', () => {
  const original = latin1(read('835', managedCare));

  it('BOM + prose + CRLF + indentation + trailing blank lines read the same segments at their own offsets', async () => {
    const variant = `Remittance for March, see the ISA below.\r\n\r\n  ${original.replaceAll('~\n', '~\r\n    ')}\r\n\r\n\t\n`;
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(variant, 'latin1')]);
    const [base] = transactions(await readX12Text(original));
    const items = await readX12Text(bytes);
    expect(errors(items)).toEqual([]);
    const [tx] = transactions(items);
    expect(tx && elementsOf(tx)).toEqual(base && elementsOf(base));
    expect(tx?.segments.map((s) => s.segmentNumber)).toEqual(base?.segments.map((s) => s.segmentNumber));
    for (const s of tx?.segments ?? []) expect(bytes.toString('latin1', s.offset, s.offset + s.id.length + 1)).toBe(`${s.id}*`);
  });

  it('a file with no line breaks at all reads the same', async () => {
    const [base] = transactions(await readX12Text(original));
    const [tx] = transactions(await readX12Text(original.replaceAll('\n', '')));
    expect(tx && elementsOf(tx)).toEqual(base && elementsOf(base));
  });

  it('several interchanges with different delimiters in one file', async () => {
    const parts = [read('835', managedCare), read('835', era4010), read('837P', otherSeparators837), read('277CA', 'imsweb__x12-parser__src_test_resources_277_5010_x12_277CA_rejected.txt'), read('835', managedCare)];
    const items = await readX12Text(Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\r\n')])));
    const txs = transactions(items);
    expect(txs.map((tx) => [tx.setId, tx.interchangeVersion, tx.delimiters.element, tx.delimiters.component, tx.delimiters.segment])).toEqual([
      ['835', '00501', '*', ':', '~'],
      ['835', '00401', '|', '^', '~'],
      ['837', '00501', '~', '^', '_'],
      ['277', '00501', '*', '|', '~'],
      ['835', '00501', '*', ':', '~'],
    ]);
    // The 837 twin's SE01 is wrong in the fixture itself; nothing else is.
    expect(errors(items)).toEqual([]);
    expect(txs.map((tx) => tx.envelopeErrors.length)).toEqual([0, 0, 1, 0, 0]);
    // Segment numbers run on across interchanges: the second file's ST is 3 after the first file's 30 segments.
    const firstFileSegments = transactions(await readX12Text(parts[0] as Buffer))[0]?.segments.length ?? 0;
    expect(txs[1]?.segments[0]?.segmentNumber).toBe(firstFileSegments + 4 + 3);
    const offset = (parts[0] as Buffer).length + 2;
    expect(txs[1]?.segments[0]?.offset).toBe(offset + latin1(parts[1] as Buffer).indexOf('ST|'));
  });

  it('yields the same items for any chunk size, sync or async source', async () => {
    const bytes = read('835', profeeMultiple);
    const whole = await readX12Text(bytes);
    for (const size of [1, 3, 7, 64 * 1024]) expect(await collect(chunked(bytes, size))).toEqual(whole);
    async function* slowly() {
      for (const chunk of chunked(bytes, 4096)) yield chunk;
    }
    expect(await collect(slowly())).toEqual(whole);
    expect(await collect(bytes)).toEqual(whole);
  });

  it.each(fixtures.filter((f) => !f.name.includes('many_claims') && !f.name.includes('profee-multiple')))('chunk sizes 1, 3, 64 KiB agree on $name', async ({ path }) => {
    const bytes = readFileSync(path);
    const whole = await readX12Text(bytes);
    for (const size of [1, 3, 64 * 1024]) expect(await collect(chunked(bytes, size))).toEqual(whole);
  });

  it('the 330 KB 837 reads the same in 1-byte chunks', async () => {
    const bytes = read('837P', 'imsweb__x12-parser__src_test_resources_837_5010_x12_many_claims.txt');
    expect(await collect(chunked(bytes, 1))).toEqual(await readX12Text(bytes));
  });
});

// The 999 fixture, offsets by hand (each line ends in "~\n"):
//   #1 ISA @0 (106 chars + "~\n")   #2 GS @107   #3 ST @163   #4 AK1 @189   #5 AK2 @216   #6 IK5 @243
//   #7 AK9 @250 ("AK9*A*1*1*1~")    #8 SE @263 ("SE*6*0001~")  #9 GE @274 ("GE*1*1~")  #10 IEA @282
// Its IEA02 (000000001) does not match ISA13 (000000286) in the fixture itself.
describe('errors', () => {
  const ack = latin1(read('999', accepted999));
  const ackRef = { setId: '999', controlNumber: '0001', implementation: '005010X231A1', interchangeControlNumber: '000000286', groupControlNumber: '1' };
  const ieaMismatch = { kind: 'error', error: { segment: 'IEA', segmentNumber: 10, offset: 282, reason: 'IEA02 does not match ISA13' } };

  it('the untouched file: one transaction, then the IEA02 mismatch after it', async () => {
    const items = await readX12Text(ack);
    expect(items.map((i) => i.kind)).toEqual(['transaction', 'error']);
    expect(items[1]).toEqual(ieaMismatch);
    expect(transactions(items)[0]?.segments.map((s) => [s.id, s.segmentNumber, s.offset])).toEqual([
      ['ST', 3, 163],
      ['AK1', 4, 189],
      ['AK2', 5, 216],
      ['IK5', 6, 243],
      ['AK9', 7, 250],
      ['SE', 8, 263],
    ]);
  });

  it('SE01 wrong: the transaction is yielded with an envelope error naming SE01', async () => {
    const [tx] = transactions(await readX12Text(ack.replace('SE*6*0001', 'SE*7*0001')));
    expect(tx?.envelopeErrors).toEqual([{ segment: 'SE', segmentNumber: 8, offset: 263, reason: 'SE01=7 but 6 segments' }]);
    const [notNumber] = transactions(await readX12Text(ack.replace('SE*6*0001', 'SE*X*0001')));
    expect(notNumber?.envelopeErrors.map((e) => e.reason)).toEqual(['SE01 is not a number; 6 segments']);
  });

  it('SE02 ≠ ST02: an envelope error that quotes neither', async () => {
    const [tx] = transactions(await readX12Text(ack.replace('SE*6*0001', 'SE*6*0002')));
    expect(tx?.envelopeErrors).toEqual([{ segment: 'SE', segmentNumber: 8, offset: 263, reason: 'SE02 does not match ST02' }]);
  });

  it('GE mismatches are separate errors after the group’s transactions', async () => {
    const items = await readX12Text(ack.replace('GE*1*1', 'GE*2*9'));
    expect(items.map((i) => (i.kind === 'error' ? i.error.reason : i.kind))).toEqual([
      'transaction',
      'GE01=2 but 1 transaction sets',
      'GE02 does not match GS06',
      'IEA02 does not match ISA13',
    ]);
    expect(errors(items)[0]).toMatchObject({ segment: 'GE', segmentNumber: 9, offset: 274 });
  });

  it('IEA01 wrong count', async () => {
    const items = await readX12Text(ack.replace('IEA*1*000000001', 'IEA*2*000000286'));
    expect(errors(items)).toEqual([{ segment: 'IEA', segmentNumber: 10, offset: 282, reason: 'IEA01=2 but 1 functional groups' }]);
  });

  it('file ends inside a segment: no transaction, the error names the segment, its number and offset', async () => {
    // Cut at 255: "AK9*A" is left of segment #7, which starts at 250.
    const items = await readX12Text(ack.slice(0, 255));
    expect(items).toEqual([
      { kind: 'error', error: { segment: 'AK9', segmentNumber: 7, offset: 250, reason: 'file ends inside segment AK9' }, transaction: ackRef },
      { kind: 'error', error: { segment: 'GE', segmentNumber: 7, offset: 255, reason: 'file ends before GE' } },
      { kind: 'error', error: { segment: 'IEA', segmentNumber: 7, offset: 255, reason: 'file ends before IEA' } },
    ]);
  });

  it('file ends inside SE, even just before its terminator: SE02 may be cut short', async () => {
    // "SE*6*0001" is 263..271; the terminator is at 272.
    const items = await readX12Text(ack.slice(0, 272));
    expect(transactions(items)).toEqual([]);
    expect(items[0]).toEqual({ kind: 'error', error: { segment: 'SE', segmentNumber: 8, offset: 263, reason: 'file ends inside segment SE' }, transaction: ackRef });
  });

  it('file ends inside an id: the segment is not named', async () => {
    // "AK" of AK9 at 250..251.
    const items = await readX12Text(ack.slice(0, 252));
    expect(errors(items)[0]).toEqual({ segment: '', segmentNumber: 7, offset: 250, reason: 'file ends inside a segment' });
  });

  it('file ends after SE: the transaction is whole; the missing GE and IEA are errors after it', async () => {
    // SE's terminator at 272, its newline at 273: cut at 274.
    const items = await readX12Text(ack.slice(0, 274));
    expect(items.map((i) => (i.kind === 'error' ? i.error : i.kind))).toEqual([
      'transaction',
      { segment: 'GE', segmentNumber: 9, offset: 274, reason: 'file ends before GE' },
      { segment: 'IEA', segmentNumber: 9, offset: 274, reason: 'file ends before IEA' },
    ]);
  });

  it('file ends after GE: only IEA is missing', async () => {
    const items = await readX12Text(ack.slice(0, 282));
    expect(reasons(items)).toEqual(['file ends before IEA']);
    expect(transactions(items)).toHaveLength(1);
  });

  it('file ends inside the ISA', async () => {
    expect(await readX12Text(ack.slice(0, 50))).toEqual([{ kind: 'error', error: { segment: 'ISA', segmentNumber: 1, offset: 0, reason: 'file ends inside segment ISA' } }]);
  });

  it('missing SE: the transaction is an error at the GE', async () => {
    const items = await readX12Text(ack.replace('SE*6*0001~\n', ''));
    // Without SE (11 characters), GE is segment #8 at 263.
    expect(items[0]).toEqual({ kind: 'error', error: { segment: 'GE', segmentNumber: 8, offset: 263, reason: 'ST without SE before segment GE' }, transaction: ackRef });
    expect(transactions(items)).toEqual([]);
  });

  it('an ST inside an open ST: the first is an error, the second is read', async () => {
    const doubled = ack.replace('AK2*', 'ST*999*0002*005010X231A1~\nAK2*').replace('GE*1*1', 'GE*2*1');
    const items = await readX12Text(doubled);
    // The inserted ST is segment #5 at 216 (where AK2 was).
    expect(items[0]).toEqual({ kind: 'error', error: { segment: 'ST', segmentNumber: 5, offset: 216, reason: 'ST without SE before segment ST' }, transaction: ackRef });
    const [second] = transactions(items);
    expect(second?.controlNumber).toBe('0002');
    expect(second?.envelopeErrors.map((e) => e.reason)).toEqual(['SE01=6 but 5 segments', 'SE02 does not match ST02']);
  });

  it('segments outside a transaction: one error for a run of them', async () => {
    const items = await readX12Text(ack.replace('GE*1*1', 'NM1*QC*1*DOE*JANE~\nDMG*D8*19700101*F~\nGE*1*1'));
    expect(errors(items)[0]).toEqual({ segment: 'NM1', segmentNumber: 9, offset: 274, reason: 'segment NM1 outside a transaction' });
    expect(reasons(items)).toEqual(['segment NM1 outside a transaction', 'IEA02 does not match ISA13']);
    expect(transactions(items)).toHaveLength(1);
    const outsideGroup = await readX12Text(ack.replace('IEA*', 'REF*EV*SECRET~\nIEA*'));
    expect(reasons(outsideGroup)[0]).toBe('segment REF outside a functional group');
  });

  it('an ST outside a functional group is never yielded', async () => {
    const items = await readX12Text(ack.replace(/GS\*[^~]*~\n/, '').replace('GE*1*1~\n', ''));
    expect(transactions(items)).toEqual([]);
    expect(items[0]).toMatchObject({ kind: 'error', error: { segment: 'ST', segmentNumber: 2, reason: 'segment ST outside a functional group' } });
  });

  it('an unreadable segment id makes the transaction an error and is not echoed', async () => {
    const items = await readX12Text(ack.replace('IK5*A', 'ik5*A'));
    expect(items[0]).toEqual({ kind: 'error', error: { segment: '', segmentNumber: 6, offset: 243, reason: 'segment id unreadable' }, transaction: ackRef });
    expect(transactions(items)).toEqual([]);
  });

  it('a garbage ISA is an error; the reader resynchronises on the next ISA', async () => {
    const items = await readX12Text(`ISA*00*short~\n${ack}`);
    expect(items[0]).toEqual({ kind: 'error', error: { segment: 'ISA', segmentNumber: 1, offset: 0, reason: 'ISA unreadable: line break before the 16th element separator' } });
    const [tx] = transactions(items);
    expect(tx?.segments[0]).toMatchObject({ id: 'ST', segmentNumber: 4, offset: 163 + 14 });
    const noBreak = await readX12Text(`ISA*00*short~${ack.replaceAll('\n', '')}`);
    expect(reasons(noBreak)[0]).toMatch(/^ISA unreadable: /);
    expect(transactions(noBreak)).toHaveLength(1);
  });

  it('an ISA with a letter as component separator or terminator is unreadable', async () => {
    expect(reasons(await readX12Text(ack.replace('*P*:~', '*P*X~')))[0]).toBe('ISA unreadable: component separator');
    expect(reasons(await readX12Text(ack.replace('*P*:~', '*P*:X')))[0]).toBe('ISA unreadable: segment terminator');
  });

  it('no ISA at all', async () => {
    expect(reasons(await readX12Text(''))).toEqual(['no ISA segment found']);
    expect(reasons(await readX12Text('ST*835*1~SE*2*1~'))).toEqual(['no ISA segment found']);
  });

  it('an ISA before the IEA closes what is open with errors; the new interchange is read', async () => {
    const cut = ack.slice(0, 250); // after IK5: the transaction is open
    const items = await readX12Text(cut + ack);
    // The second ISA is segment #7 at 250.
    const at = { segment: 'ISA', segmentNumber: 7, offset: 250 };
    expect(items.slice(0, 3)).toEqual([
      { kind: 'error', error: { ...at, reason: 'ST without SE before segment ISA' }, transaction: ackRef },
      { kind: 'error', error: { ...at, reason: 'GS without GE before segment ISA' } },
      { kind: 'error', error: { ...at, reason: 'ISA without IEA before segment ISA' } },
    ]);
    expect(transactions(items)).toHaveLength(1);
  });

  it('an interchange whose ISA is unrecognisable is not skipped silently, even as the first one', async () => {
    const items = await readX12Text(`${ack.replace('ISA*', 'IXA*')}\n${ack}`);
    // The first IEA is at 282, before any ISA was read: segment #1.
    expect(errors(items)[0]).toEqual({ segment: 'IEA', segmentNumber: 1, offset: 282, reason: 'IEA before any readable ISA' });
    expect(transactions(items)).toHaveLength(1);
    expect(await collect(chunked(Buffer.from(`${ack.replace('ISA*', 'IXA*')}\n${ack}`, 'latin1'), 1))).toEqual(items);
  });

  it('text between interchanges is one error', async () => {
    const items = await readX12Text(`${ack}\nPage 2 of the remittance\nmore text\n${ack}`);
    expect(reasons(items)).toEqual(['IEA02 does not match ISA13', 'text outside an interchange', 'IEA02 does not match ISA13']);
    expect(errors(items)[1]).toEqual({ segment: '', segmentNumber: 11, offset: ack.length + 1, reason: 'text outside an interchange' });
    expect(transactions(items)).toHaveLength(2);
  });

  it('a segment without a terminator for over 1 MiB gives up the interchange, streaming or not', async () => {
    const huge = `${ack.slice(0, 250)}AK9*${'A'.repeat(MAX_SEGMENT_LENGTH + 10)}\n${ack}`;
    const items = await readX12Text(huge);
    expect(items[0]).toEqual({ kind: 'error', error: { segment: 'AK9', segmentNumber: 7, offset: 250, reason: 'segment longer than 1 MiB without a segment terminator' }, transaction: ackRef });
    expect(transactions(items)).toHaveLength(1);
    expect(await collect(chunked(Buffer.from(huge, 'latin1'), 64 * 1024))).toEqual(items);
  });

  it('errors name segments, never values', async () => {
    const claim = latin1(read('277', claimStatus277));
    const items = await readX12Text(claim.slice(0, claim.indexOf('NM1*QC') + 12));
    const text = JSON.stringify(errors(items));
    expect(text).not.toMatch(/NM1\*|QC\*/);
    expect(errors(items)[0]?.reason).toBe('file ends inside segment NM1');
  });
});
