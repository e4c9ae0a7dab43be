// Maps one 999 implementation acknowledgment (005010X231A1) to its part of the file report: which of our
// transaction sets and groups the receiver accepted. No claim events: a 999 speaks of batches, not claims.
import { element, mapWhole, type Finished, type MappedPart, type SegmentMapper } from './map-835.js';
import type { Segment, Transaction } from './segments.js';

export interface AcknowledgmentReport {
  /** `set` for an AK2/IK5 pair, `group` for the AK9 that closes an AK1. */
  readonly level: 'set' | 'group';
  /** AK1-02: the acknowledged group's control number. */
  readonly groupControlNumber: string | null;
  /** AK2-02; null for the group's own entry. */
  readonly setControlNumber: string | null;
  /** AK2-01 (837, ...); for the group entry AK1-01, the functional id (HC, ...). */
  readonly setId: string | null;
  /** IK5-01 / AK9-01 A or E (accepted, with errors noted); P (partly), R, M, W, X are not acceptance. */
  readonly accepted: boolean;
  readonly code: string;
  /** IK5-02..06 / AK9-05..09: syntax error codes, codes only. */
  readonly errorCodes: string[];
}

export interface Ack999Report {
  readonly acknowledgments: AcknowledgmentReport[];
}

const acceptedCodes = new Set(['A', 'E']);

/** A 999 read segment by segment. Its acknowledgments (a few per 837 batch) are its report line, kept whole. */
class Ack999Mapper implements SegmentMapper<Ack999Report> {
  private readonly acknowledgments: AcknowledgmentReport[] = [];
  private group: { controlNumber: string | null; functionalId: string | null } = { controlNumber: null, functionalId: null };
  private set: { controlNumber: string | null; setId: string | null } | undefined;

  segment(s: Segment): void {
    const codes = (from: number, through: number): string[] => {
      const out: string[] = [];
      for (let i = from; i <= through; i++) if (element(s, i)) out.push(element(s, i));
      return out;
    };
    switch (s.id) {
      case 'AK1':
        this.group = { controlNumber: element(s, 2) || null, functionalId: element(s, 1) || null };
        break;
      case 'AK2':
        this.set = { controlNumber: element(s, 2) || null, setId: element(s, 1) || null };
        break;
      case 'IK5': {
        const code = element(s, 1);
        this.acknowledgments.push({
          level: 'set',
          groupControlNumber: this.group.controlNumber,
          setControlNumber: this.set?.controlNumber ?? null,
          setId: this.set?.setId ?? null,
          accepted: acceptedCodes.has(code),
          code,
          errorCodes: codes(2, 6),
        });
        this.set = undefined;
        break;
      }
      case 'AK9': {
        const code = element(s, 1);
        this.acknowledgments.push({
          level: 'group',
          groupControlNumber: this.group.controlNumber,
          setControlNumber: null,
          setId: this.group.functionalId,
          accepted: acceptedCodes.has(code),
          code,
          errorCodes: codes(5, 9),
        });
        break;
      }
      default:
        break;
    }
  }

  finish(): Finished<Ack999Report> {
    return { details: { acknowledgments: this.acknowledgments }, entries: () => ({ next: () => undefined }) };
  }

  discard(): void {}
}

/** Maps a 999 as its segments come. */
export const ack999Mapper = (): SegmentMapper<Ack999Report> => new Ack999Mapper();

/** A whole 999 transaction. */
export const map999 = (t: Transaction): MappedPart<Ack999Report> => mapWhole(ack999Mapper(), t.segments);
