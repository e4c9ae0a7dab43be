// Reads one ISA by walking its 16 element separators: each interchange's delimiters, never from fixed offsets
// (real ISAs are 104, 106 or 122 characters long). Pure string code; reasons never quote a value.
import type { Delimiters } from './segments.js';

/** An ISA longer than this up to its 16th element separator is not an ISA (a standard one has 103). */
export const MAX_ISA_LENGTH = 256;

export type IsaRead =
  /** The text ends before the ISA does: wait for more, or at the end of the file it is truncated. */
  | { readonly kind: 'more' }
  | { readonly kind: 'bad'; readonly reason: string }
  | {
      readonly kind: 'ok';
      /** elements[0] = 'ISA', elements[16] = ISA16. */
      readonly elements: readonly string[];
      readonly delimiters: Delimiters;
      /** Index just after the segment terminator. */
      readonly end: number;
    };

const isWhitespace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** A delimiter is any character that is neither a letter, a digit nor whitespace (control characters are used). */
export const isDelimiterChar = (c: number): boolean => !Number.isNaN(c) && !isAlnum(c) && !isWhitespace(c);

const bad = (what: string): IsaRead => ({ kind: 'bad', reason: `ISA unreadable: ${what}` });

/** Reads the ISA whose "ISA" starts at `start` in `text`. */
export function readIsa(text: string, start: number): IsaRead {
  const element = text.charCodeAt(start + 3);
  if (Number.isNaN(element)) return { kind: 'more' };
  if (!isDelimiterChar(element)) return bad('element separator');
  const sep = String.fromCharCode(element);
  const limit = start + MAX_ISA_LENGTH;
  let at = start + 3;
  for (let n = 1; n < 16; n++) {
    const next = text.indexOf(sep, at + 1);
    // A line break inside the ISA means it is short of elements (the next line's separators would be counted).
    const lineBreak = firstLineBreak(text, at + 1, next < 0 ? Math.min(text.length, limit) : next);
    if (lineBreak >= 0) return bad('line break before the 16th element separator');
    if (next < 0) return text.length >= limit ? bad('fewer than 16 element separators') : { kind: 'more' };
    if (next >= limit) return bad('fewer than 16 element separators');
    at = next;
  }
  // `at` is the 16th separator: ISA16 (one character) and the segment terminator follow.
  if (at + 2 >= text.length) return { kind: 'more' };
  const component = text.charCodeAt(at + 1);
  const terminator = text.charCodeAt(at + 2);
  if (!isDelimiterChar(component) || component === element) return bad('component separator');
  const terminatorOk = terminator === 10 || terminator === 13 || isDelimiterChar(terminator);
  if (!terminatorOk || terminator === element || terminator === component) return bad('segment terminator');
  const segment = String.fromCharCode(terminator);
  if (text.indexOf(segment, start) < at + 2) return bad('segment terminator inside the ISA');
  const elements = text.slice(start, at + 2).split(sep);
  const version = elements[12] ?? '';
  if (!/^\d{5}$/.test(version)) return bad('ISA12 version');
  if (!/^ *\d{1,9} *$/.test(elements[13] ?? '')) return bad('ISA13 control number');
  return { kind: 'ok', elements, delimiters: Object.freeze(delimitersOf(elements, sep, segment)), end: at + 3 };
}

function delimitersOf(elements: readonly string[], element: string, segment: string): Delimiters {
  const component = elements[16] ?? '';
  const isa11 = elements[11] ?? '';
  // ISA11 became the repetition separator in 00402; before that (4010) it is the standards id `U`.
  const repetitionChar = isa11.length === 1 ? isa11.charCodeAt(0) : NaN;
  const isRepetition = (elements[12] ?? '') >= '00402' && isDelimiterChar(repetitionChar) && isa11 !== element && isa11 !== component && isa11 !== segment;
  return isRepetition ? { element, component, repetition: isa11, segment } : { element, component, segment };
}

function firstLineBreak(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}
