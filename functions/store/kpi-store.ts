// The KPI day tallies: per tenant and day, kept in slices (by claim) so that many claims remitted on one day do not
// all write one item; changed only inside the transaction that applies a claim event, so they stay exact.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { addDays, type CalendarDate } from '../domain/calendar.js';
import { kpiFields, type KpiDay, type KpiField } from '../domain/kpis.js';
import { shardOf } from '../domain/shards.js';
import { tableDesign } from '../shared/resources.js';
import { forEachItem } from './dynamo-helpers.js';
import { kpiDayKey } from './keys.js';

/** Slices per day: a day's claims spread over this many items. */
const slices = 8;

/** The transaction item that adds a claim's change to one day's tally. */
export const kpiUpdate = (tableName: string, tenantId: string, claimId: string, date: CalendarDate, moved: Partial<Record<KpiField, number>>) => {
  const fields = Object.entries(moved) as Array<[KpiField, number]>;
  return {
    Update: {
      TableName: tableName,
      Key: kpiDayKey(tenantId, date, shardOf(claimId, slices)),
      UpdateExpression: `SET #kind = :kind, #date = :date ADD ${fields.map((_, i) => `#f${i} :v${i}`).join(', ')}`,
      ExpressionAttributeNames: { '#kind': 'kind', '#date': 'date', ...Object.fromEntries(fields.map(([field], i) => [`#f${i}`, field])) },
      ExpressionAttributeValues: { ':kind': 'kpi-day', ':date': date, ...Object.fromEntries(fields.map(([, amount], i) => [`:v${i}`, amount])) },
    },
  };
};

export class KpiStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The tallies of every day from `from` to `to` (inclusive) that has one, slices summed. */
  async days(tenantId: string, from: CalendarDate, to: CalendarDate): Promise<Map<CalendarDate, KpiDay>> {
    const months = new Set<string>();
    for (let d = from; d <= to; d = addDays(d, 1)) months.add(d.slice(0, 7));
    const found = new Map<CalendarDate, Record<KpiField, number>>();
    await Promise.all(
      [...months].map((month) =>
        forEachItem(
          this.client,
          {
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#pk': tableDesign.partitionKey, '#sk': tableDesign.sortKey },
            ExpressionAttributeValues: { ':pk': kpiDayKey(tenantId, `${month}-01`, 0)[tableDesign.partitionKey], ':from': `${from}#`, ':to': `${to}#~` },
          },
          (item) => {
            const date = item.date as CalendarDate;
            const day = found.get(date) ?? (Object.fromEntries(kpiFields.map((f) => [f, 0])) as Record<KpiField, number>);
            for (const field of kpiFields) day[field] += Number(item[field] ?? 0);
            found.set(date, day);
          },
        ),
      ),
    );
    return found;
  }
}
