// The raw limit bench:ingest and bench:x12 compare against: the three-item transaction one event costs (id marker,
// history entry, claim item with its open-claims index entry), at the given item sizes, as fast as DynamoDB Local
// takes it at one concurrency. Returns transactions per second.
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { claimEventKey, claimHistoryKey, claimKey, openClaimIndexKey } from '../functions/store/keys.js';

export interface RawItemSizes {
  readonly markerBytes: number;
  readonly eventItemBytes: number;
  readonly claimItemBytes: number;
}

export const rawIngestRate = async (client: DynamoDBDocumentClient, tableName: string, sizes: RawItemSizes, concurrency: number, count: number): Promise<number> => {
  const pad = (bytes: number): string => 'x'.repeat(bytes);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tableName, Item: { ...claimEventKey('raw', `${concurrency}-${i}`, `e${i}`), body: pad(sizes.markerBytes) }, ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: tableName, Item: { ...claimHistoryKey('raw', `${concurrency}-${i}`, new Date().toISOString(), `e${i}`), body: pad(sizes.eventItemBytes) } } },
              {
                Put: {
                  TableName: tableName,
                  // The same item: its keys, its open-claims index entry and its size.
                  Item: { ...claimKey('raw', `${concurrency}-${i}`), ...openClaimIndexKey('raw', i % 8, `${concurrency}-${i}`), claim: pad(sizes.claimItemBytes), version: 1 },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
      }
    }),
  );
  return count / ((performance.now() - start) / 1000);
};
