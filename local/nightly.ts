// `npm run nightly -- [--tenant ID] [--date YYYY-MM-DD]`: runs a night through the real queues and prints a summary.
// Uses the running `npm start` if there is one; otherwise starts the local system on its data folder for the run.
import './quiet-warnings.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseArgs } from 'node:util';
import { isCalendarDate } from '../functions/domain/calendar.js';
import { loadConfig } from '../lib/config.js';
import { localClientConfig } from './emulators.js';
import { formatNightSummary, runNight } from './nightly-driver.js';
import { cacheDir, dataDir, runningSystem } from './paths.js';
import { functionEnvironment, loadHandlers } from './runtime.js';
import { lambdaContext } from './sqs-event-source.js';
import { freePort } from './processes.js';
import { startLocalSystem } from './system.js';

const { values: args } = parseArgs({
  options: {
    tenant: { type: 'string' },
    date: { type: 'string' },
    rerun: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(`npm run nightly -- [--tenant ID] [--date YYYY-MM-DD] [--rerun]
  Runs the night through the real queues (default: every tenant, today in its time zone) and prints a summary.
  --rerun  runs a completed date again (same queues; writes only what differs)`);
  process.exit(0);
}
const config = loadConfig('dev');
if (args.date !== undefined && !isCalendarDate(args.date)) {
  console.error(`--date: "${args.date}" is not a calendar date (YYYY-MM-DD)`);
  process.exit(2);
}
const tenants = args.tenant ? config.tenants.filter((t) => t.id === args.tenant) : config.tenants;
if (tenants.length === 0) {
  console.error(`--tenant: unknown tenant "${args.tenant}"; configured: ${config.tenants.map((t) => t.id).join(', ')}`);
  process.exit(2);
}

const began = Date.now();
let refused = false;
const running = runningSystem();
if (running) {
  // The running system's event sources age the shards; this process only starts the run and waits for it.
  console.log(`Using the running system (pid ${running.pid}).`);
  const handlers = await loadHandlers(functionEnvironment(running.env, config));
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(running.env.AWS_ENDPOINT_URL_DYNAMODB!)));
  const summaries = await runNight(
    (trigger) => handlers.startNightly(trigger, lambdaContext('start-nightly-run', 60)),
    client,
    running.env.TABLE_NAME!,
    tenants,
    args.date,
    undefined,
    args.rerun,
  );
  console.log(formatNightSummary(summaries));
  refused = summaries.some((s) => s.refused);
  console.log(`Its emails (digest, reminders, alerts): ${running.env.AWS_ENDPOINT_URL_SESV2}/`);
} else {
  console.log('Starting the local system for this run (npm start is not running)…');
  const system = await startLocalSystem({
    config,
    dataDir,
    cacheDir,
    apiPort: await freePort(),
    seed: true,
    today: args.date ?? new Date().toISOString().slice(0, 10),
    schedules: false,
  });
  try {
    const summaries = await runNight(system.runtime.startNightly, system.documentClient, system.stack.tableName, tenants, args.date, undefined, args.rerun);
    console.log(formatNightSummary(summaries));
    refused = summaries.some((s) => s.refused);
    console.log('(Its emails went to a local SES that stops with this run: run this beside `npm start` to read them.)');
  } finally {
    await system.stop();
  }
}
console.log(`Done in ${((Date.now() - began) / 1000).toFixed(1)} s.`);
// A refused night (older than the latest completed one) is an operator's mistake to see in the exit code.
process.exit(refused ? 1 : 0);
