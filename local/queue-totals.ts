// `npm run queue-totals -- --tenant <id> [--table <name>]`: recounts a tenant's queue totals (what GET /queues reads)
// from its queue indexes, for data written before the totals existed or before their near and far items (the upgrade
// replaces the older slice items). Run it while the tenant is quiet.
import './quiet-warnings.js';
import { parseArgs } from 'node:util';
import { localDateAt } from '../functions/domain/calendar.js';
import { WorkItemStore } from '../functions/store/work-item-store.js';
import { loadConfig } from '../lib/config.js';
import { connectTable } from './connect.js';

const { values: args } = parseArgs({ options: { tenant: { type: 'string' }, table: { type: 'string' }, stage: { type: 'string', default: 'dev' } } });
const config = loadConfig(args.stage!);
const tenant = config.tenants.find((t) => t.id === args.tenant);
if (!tenant) {
  console.error(`--tenant: expected one of ${config.tenants.map((t) => t.id).join(', ')}\n\nnpm run queue-totals -- --tenant <id> [--table <name> [--stage <stage>]]`);
  process.exit(2);
}
const connection = await connectTable(args.table);
try {
  const { slices, items } = await new WorkItemStore(connection.client, connection.tableName).rebuildQueueTotals(tenant.id, { today: localDateAt(new Date().toISOString(), tenant.timeZone) });
  console.log(`Queue totals of ${tenant.id} in ${connection.description} recounted: ${items} open work items in ${slices} slices.`);
} finally {
  await connection.close();
}
