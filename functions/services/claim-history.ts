// A claim's history as people read it: its events and the actions billers recorded, merged in time order, a page at
// a time (a claim may collect thousands of events over a year; a response cannot carry them all).
import { z } from 'zod';
import type { ClaimStore } from '../store/claim-store.js';
import type { ClaimAction, HistoryStore } from '../store/history-store.js';

export type HistoryItem =
  | { readonly at: string; readonly kind: 'event'; readonly type: string; readonly source: string; readonly receivedAt: string }
  | ({ readonly at: string; readonly kind: 'action' } & Omit<ClaimAction, 'at' | 'actionId'>);

/** Where the previous page stopped in each of the two histories (absent: nothing of it was shown yet). */
const position = z.object({ event: z.string().max(200).optional(), action: z.string().max(200).optional() }).strict();

export class InvalidHistoryCursor extends Error {
  override readonly name = 'InvalidHistoryCursor';
}

const encode = (p: z.infer<typeof position>): string => Buffer.from(JSON.stringify(p)).toString('base64url');
const decode = (cursor: string): z.infer<typeof position> => {
  try {
    return position.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString()));
  } catch {
    throw new InvalidHistoryCursor('not a cursor of this history');
  }
};

/**
 * The `limit` latest entries before the cursor, oldest first (as a timeline reads), and the cursor of the page
 * before them when older entries remain.
 */
export const claimHistoryPage = async (
  deps: { readonly claims: ClaimStore; readonly history: HistoryStore },
  tenantId: string,
  claimId: string,
  limit: number,
  cursor?: string,
): Promise<{ items: HistoryItem[]; cursor?: string }> => {
  const from = cursor ? decode(cursor) : {};
  const [events, actions] = await Promise.all([
    deps.claims.historyPage(tenantId, claimId, limit, from.event).catch((error: Error) => {
      throw error.name === 'InvalidHistoryCursorError' ? new InvalidHistoryCursor('not a cursor of this history') : error;
    }),
    from.action !== undefined && !from.action.startsWith('ACTION#')
      ? Promise.reject(new InvalidHistoryCursor('not a cursor of this history'))
      : deps.history.actionsPage(tenantId, claimId, limit, from.action),
  ]);
  // Both newest first: take the newer head of the two until the page is full.
  const merged: Array<{ at: string; item: HistoryItem; stream: 'event' | 'action'; position: string }> = [
    ...events.entries.map(({ event, receivedAt, position: p }) => ({ at: event.occurredAt, stream: 'event' as const, position: p, item: { at: event.occurredAt, kind: 'event' as const, type: event.type, source: event.source, receivedAt } })),
    ...actions.actions.map(({ actionId: _id, position: p, ...a }) => ({ at: a.at, stream: 'action' as const, position: p, item: { ...a, kind: 'action' as const } })),
    // At the same instant an action comes after the event it wrote (the event is applied first).
  ].sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.stream === b.stream ? 0 : a.stream === 'action' ? -1 : 1));
  // A stream that stopped short (DynamoDB's 1 MB page) may hold entries newer than the other stream's older ones:
  // those wait for the next page, so the timeline stays in time order across pages.
  const oldest = (stream: 'event' | 'action'): number | undefined => {
    const more = stream === 'event' ? events.more : actions.more;
    const last = merged.filter((m) => m.stream === stream).at(-1);
    return more && last ? Date.parse(last.at) : undefined;
  };
  const floors = { event: oldest('action'), action: oldest('event') };
  const page = merged.filter((m) => floors[m.stream] === undefined || Date.parse(m.at) >= floors[m.stream]!).slice(0, limit);
  const lastOf = (stream: 'event' | 'action'): string | undefined => page.filter((m) => m.stream === stream).at(-1)?.position;
  const next = { event: lastOf('event') ?? from.event, action: lastOf('action') ?? from.action };
  const more = merged.length > page.length || events.more || actions.more;
  return {
    items: page.map((m) => m.item).reverse(),
    ...(more ? { cursor: encode({ ...(next.event ? { event: next.event } : {}), ...(next.action ? { action: next.action } : {}) }) } : {}),
  };
};
