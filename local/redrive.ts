// `npm run redrive -- [queue]`: on the running `npm start`, lists the dead-letter queues, or moves one's messages
// back to its queue to be processed again (after fixing what made them fail).
import './quiet-warnings.js';
import { SQSClient } from '@aws-sdk/client-sqs';
import { parseArgs } from 'node:util';
import { queueKeys, type QueueKey } from '../functions/shared/resources.js';
import { redrive, visibleMessages } from './dead-letters.js';
import { localClientConfig } from './emulators.js';
import { runningSystem } from './paths.js';

const { positionals } = parseArgs({ allowPositionals: true, options: {} });
const running = runningSystem();
if (!running?.deadLetterUrls) {
  console.error('npm start is not running (the local queues live in its process). Start it, then run this again.');
  process.exit(2);
}
const client = new SQSClient({ ...localClientConfig(running.env.AWS_ENDPOINT_URL_SQS!), useQueueUrlAsEndpoint: false });
const queue = positionals[0] as QueueKey | undefined;
if (!queue) {
  for (const key of queueKeys) console.log(`${key.padEnd(14)} dead letters: ${await visibleMessages(client, running.deadLetterUrls[key]!)}`);
  console.log('\nnpm run redrive -- <queue>   moves a dead-letter queue back to its queue');
} else if (!queueKeys.includes(queue)) {
  console.error(`unknown queue "${queue}": one of ${queueKeys.join(', ')}`);
  process.exit(2);
} else {
  const moved = await redrive(client, running.deadLetterUrls[queue]!, running.env[`${queue.toUpperCase()}_QUEUE_URL`]!);
  console.log(`moved ${moved} message(s) from the ${queue} dead-letter queue back to ${queue}`);
}
client.destroy();
