// Cursors of GET /work-items, bound to the listing they page: the tenant, the index partition (queue or assignee)
// and the queue filter. A cursor of anything else, or not of ours at all, is a 400 naming `cursor`.
import { z } from 'zod';
import { tableDesign } from '../shared/resources.js';
import { claimPartition, workItemKey } from '../store/keys.js';
import { fieldProblem, type HttpProblem } from './http.js';

export interface Listing {
  readonly tenant: string;
  /** What is paged, e.g. `queue:denials` or `assignee:biller:u1|queue:denials`. */
  readonly name: string;
  readonly index: { readonly partitionKey: string; readonly sortKey: string };
  /** The index partition this listing reads: the only one a cursor of it may point into. */
  readonly partition: string;
}

export const badCursor = (): HttpProblem => fieldProblem('cursor', 'not a cursor of this listing');

const keyPart = z.string().min(1).max(1024);
const cursorEnvelope = z.strictObject({ tenant: z.string(), listing: z.string(), key: z.record(z.string(), z.unknown()) });

/** Exactly the attributes DynamoDB returns as LastEvaluatedKey of an index: the item's key and its index key (built once per index). */
const keySchemas = new Map<string, z.ZodType<Record<string, string>>>();
const keySchemaOf = (index: Listing['index']): z.ZodType<Record<string, string>> => {
  const name = `${index.partitionKey}|${index.sortKey}`;
  let schema = keySchemas.get(name);
  if (!schema) {
    schema = z.strictObject({ [tableDesign.partitionKey]: keyPart, [tableDesign.sortKey]: keyPart, [index.partitionKey]: keyPart, [index.sortKey]: keyPart }) as unknown as z.ZodType<Record<string, string>>;
    keySchemas.set(name, schema);
  }
  return schema;
};

export const encodeCursor = (listing: Listing, key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify({ tenant: listing.tenant, listing: listing.name, key })).toString('base64url') : undefined;

export const decodeCursor = (listing: Listing, cursor: string | undefined): Record<string, unknown> | undefined => {
  if (cursor === undefined) return undefined;
  if (cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw badCursor();
  }
  const envelope = cursorEnvelope.safeParse(decoded);
  if (!envelope.success || envelope.data.tenant !== listing.tenant || envelope.data.listing !== listing.name) throw badCursor();
  const key = keySchemaOf(listing.index).safeParse(envelope.data.key);
  if (!key.success) throw badCursor();
  const item = workItemKey(listing.tenant, '');
  const valid =
    key.data[listing.index.partitionKey] === listing.partition &&
    key.data[tableDesign.partitionKey]!.startsWith(claimPartition(listing.tenant, '')) &&
    key.data[tableDesign.sortKey] === item[tableDesign.sortKey];
  if (!valid) throw badCursor();
  return key.data;
};
