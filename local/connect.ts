// Where the command-line tools write: a deployed table (--table, with the usual AWS credentials), the running
// `npm start`, or else the local data folder with the emulators started just for the command.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClientConfig, startLocalStack } from './emulators.js';
import { cacheDir, dataDir, runningSystem } from './paths.js';

export interface TableConnection {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Where it is, for the user. */
  readonly description: string;
  close(): Promise<void>;
}

const documentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

export const connectTable = async (table?: string): Promise<TableConnection> => {
  if (table) {
    const client = documentClient(new DynamoDBClient({}));
    return { client, tableName: table, description: `DynamoDB table ${table} (AWS)`, close: async () => client.destroy() };
  }
  const running = runningSystem();
  if (running) {
    const client = documentClient(new DynamoDBClient(localClientConfig(running.env.AWS_ENDPOINT_URL_DYNAMODB!)));
    return { client, tableName: running.env.TABLE_NAME!, description: `the running local system (pid ${running.pid})`, close: async () => client.destroy() };
  }
  const stack = await startLocalStack({ dataDir, cacheDir });
  const client = documentClient(new DynamoDBClient(localClientConfig(stack.endpoints.dynamodb)));
  return {
    client,
    tableName: stack.tableName,
    description: `the local data folder ${dataDir}`,
    close: async () => {
      client.destroy();
      await stack.stop();
    },
  };
};
