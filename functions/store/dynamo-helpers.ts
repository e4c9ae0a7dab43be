// Small DynamoDB patterns every store repeats: a conditional write that may lose a race, and batched reads.
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableDesign } from '../shared/resources.js';

export const isConditionFailure = (error: unknown): boolean => (error as Error).name === 'ConditionalCheckFailedException';

/** Runs a conditional write: true when it applied, false when its condition failed (someone else wrote first). */
export const conditionally = async (write: Promise<unknown>): Promise<boolean> => {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Reads many items by key, 100 per request, retrying what DynamoDB leaves unprocessed. */
export const batchGet = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: ReadonlyArray<Record<string, unknown>>,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [tableName]: { Keys: keys.slice(start, start + 100), ConsistentRead: true },
    };
    while (request && Object.keys(request).length > 0) {
      const result = await client.send(new BatchGetCommand({ RequestItems: request }));
      items.push(...(result.Responses?.[tableName] ?? []));
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return items;
};

/**
 * Up to `limit` items of one partition whose sort key starts with `prefix`, newest (highest sort key) first, and only
 * those before `beforeSortKey` when given: a page of a time-ordered history.
 */
export const pageBefore = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  prefix: string,
  limit: number,
  beforeSortKey?: string,
): Promise<{ items: Record<string, unknown>[]; more: boolean }> => {
  const { partitionKey, sortKey } = tableDesign;
  const { Items = [], LastEvaluatedKey } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: beforeSortKey ? '#pk = :pk AND #sk BETWEEN :from AND :before' : '#pk = :pk AND begins_with(#sk, :from)',
      ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
      // BETWEEN is inclusive: the item at the cursor itself is dropped below.
      ExpressionAttributeValues: { ':pk': partition, ':from': prefix, ...(beforeSortKey ? { ':before': beforeSortKey } : {}) },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: limit + 2,
    }),
  );
  const items = Items.filter((item) => item[sortKey] !== beforeSortKey);
  // A page stops at 1 MB too, before `limit` items: then more remain although fewer came.
  return { items: items.slice(0, limit), more: items.length > limit || LastEvaluatedKey !== undefined };
};

/** Hands every item a query matches to `each`, page by page (DynamoDB stops a page at 1 MB). */
export const forEachItem = async (
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  each: (item: Record<string, unknown>) => void,
): Promise<void> => {
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: cursor }));
    for (const item of page.Items ?? []) each(item);
    cursor = page.LastEvaluatedKey;
  } while (cursor);
};
