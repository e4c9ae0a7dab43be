// Lambda: invoked by the tenant's schedule; creates the night's run record and fans out one message per shard.
import { nightlyTrigger } from '../shared/messages.js';
import { logger, withObservability } from '../shared/observability.js';
import { startNightlyRun } from '../services/nightly-run.js';
import { nightlyDepsFromEnv } from './nightly-deps.js';

const deps = nightlyDepsFromEnv(false);

export const handler = withObservability(async (event: unknown) => {
  const trigger = nightlyTrigger.parse(event);
  const result = await startNightlyRun(deps, trigger, new Date().toISOString());
  logger.info('nightly run start', { tenantId: trigger.tenantId, runDate: result.runDate, outcome: result.outcome });
  return result;
});
