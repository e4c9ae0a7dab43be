// `npm start`: the whole system on this machine with demo data, then tonight's run. Ctrl-C stops everything.
import './quiet-warnings.js';
import { SingleBar, Presets } from 'cli-progress';
import { rmSync, writeFileSync, unlinkSync, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { localDateAt } from '../functions/domain/calendar.js';
import { loadConfig } from '../lib/config.js';
import { formatNightSummary, runNight } from './nightly-driver.js';
import { cacheDir, dataDir, runningSystem, runtimeStateFile, type RuntimeState } from './paths.js';
import { ensureWebBuild } from '../web/build.js';
import { demoUsers, startLocalSystem, type LocalSystem } from './system.js';

const { values: args } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    port: { type: 'string' },
    'skip-night': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(`npm start [-- --reset] [--port N] [--skip-night]
  --reset       delete the local database first (fresh demo data)
  --port N      API port (default: PORT or 3000)
  --skip-night  do not run tonight's nightly run at start`);
  process.exit(0);
}

const running = runningSystem();
if (running) {
  console.error(`claim-followup is already running (pid ${running.pid}, API ${running.apiUrl}). Stop it with Ctrl-C first.`);
  process.exit(1);
}
const config = loadConfig('dev');
const apiPort = Number(args.port ?? process.env.PORT ?? 3000);
if (args.reset) rmSync(dataDir, { recursive: true, force: true });

let system: LocalSystem | undefined;
let stopping = false;
const shutdown = async (code: number): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await system?.stop();
  if (existsSync(runtimeStateFile)) unlinkSync(runtimeStateFile);
  console.log('Stopped.');
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const bar = new SingleBar({ format: 'Seeding demo claims [{bar}] {value}/{total} ({eta}s left)', hideCursor: true }, Presets.shades_classic);
try {
  // The web app: built here when its sources changed since the last build (else reused at once).
  const webApp = await ensureWebBuild({ log: (line) => console.log(line) });
  console.log('Starting DynamoDB Local, SQS (fauxqs) and SES (aws-ses-v2-local) on 127.0.0.1…');
  const today = localDateAt(new Date().toISOString(), config.tenants[0]!.timeZone);
  system = await startLocalSystem({
    config,
    dataDir,
    cacheDir,
    apiPort,
    seed: true,
    today,
    schedules: true,
    seedProgress: { start: (total) => bar.start(total, 0), increment: () => bar.increment(), stop: () => bar.stop() },
    onError: (where, error) => console.error(`[${where}] ${error.name}: ${error.message}`),
    webDir: webApp.dir,
  });
  const state: RuntimeState = { pid: process.pid, apiUrl: system.apiUrl, env: system.stack.env, deadLetterUrls: system.stack.deadLetterUrls };
  writeFileSync(runtimeStateFile, JSON.stringify(state, null, 2));
  if (system.seededClaims > 0) console.log(`Seeded ${system.seededClaims} demo claims.`);

  if (!args['skip-night']) {
    console.log("Running tonight's follow-up run for every tenant…");
    // Every demo practice runs the demo's today (the date the data was seeded for), whatever its time zone, so
    // the manager of both gets the digest across them at once.
    const summaries = await runNight(system.runtime.startNightly, system.documentClient, system.stack.tableName, config.tenants, today);
    console.log(formatNightSummary(summaries));
  }

  const users = demoUsers(config);
  const token = async (role: keyof typeof users) => system!.auth.sign(users[role]);
  console.log(`
claim-followup is running (local, stage "${config.stage}"):
  Web app          ${system.apiUrl}/   (open it in a browser: sign in as the demo biller, manager or admin)
  API              ${system.apiUrl}   (GET /health is open; everything else needs a token)
  Sent email       ${system.stack.endpoints.ses}/   (web page of every email sent)
  DynamoDB Local   ${system.stack.endpoints.dynamodb}   table "${system.stack.tableName}"
  SQS (fauxqs)     ${system.stack.endpoints.sqs}   queues: ${Object.keys(system.stack.queueUrls).join(', ')} (+ dead-letter queues)
  Data folder      ${dataDir}

Dev tokens (valid 12 h; signed with the local key):
  biller  (${users.biller.tenants.join(', ')}):
    ${await token('biller')}
  manager (${users.manager.tenants.join(', ')}):
    ${await token('manager')}
  admin   (${users.admin.tenants.join(', ')}; for /config/settings):
    ${await token('admin')}

Try:  curl -H "Authorization: Bearer <biller token>" "${system.apiUrl}/work-items?tenant=${config.tenants[0]!.id}&queue=denials&limit=5"
      curl -X POST -H "Authorization: Bearer <biller token>" "${system.apiUrl}/work-items/next"
      curl -H "Authorization: Bearer <manager token>" "${system.apiUrl}/reports/aging?tenant=${config.tenants[0]!.id}&groupBy=payer"
      curl -H "Authorization: Bearer <admin token>" "${system.apiUrl}/config/settings?tenant=${config.tenants[0]!.id}"
      npm run nightly -- --tenant ${config.tenants[0]!.id} --date <YYYY-MM-DD>   (in another terminal)
      open ${system.stack.endpoints.ses}/   for the night's emails: managers' digests (manager@demo.example gets one
      across both practices), the demo biller's reminder, and alerts (thresholds in the practice settings);
      their links open this API (${system.apiUrl}) and need a token above as a Bearer header;
      the web app at ${system.apiUrl}/ needs none of this: sign in there and press n for the next claim

Press Ctrl-C to stop.`);
} catch (error) {
  bar.stop();
  console.error(`Could not start: ${(error as Error).message}`);
  await shutdown(1);
}
