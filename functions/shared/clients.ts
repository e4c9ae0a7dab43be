// AWS SDK clients, created once per container. Endpoints come from the SDK's standard AWS_ENDPOINT_URL_* variables,
// which the local runtime sets to the emulators.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { traced } from './observability.js';

let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;
let sesClient: SESv2Client | undefined;

export const dynamo = (): DynamoDBDocumentClient => {
  documentClient ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
};

export const sqs = (): SQSClient => {
  // Queue URLs are used as given: the endpoint decides where requests go (the local emulator's URLs do not resolve).
  sqsClient ??= traced(new SQSClient({ useQueueUrlAsEndpoint: false }));
  return sqsClient;
};

export const ses = (): SESv2Client => {
  // Adaptive retries slow this client down when SES throttles, before the message itself has to be retried.
  sesClient ??= traced(new SESv2Client({ retryMode: 'adaptive', maxAttempts: 5 }));
  return sesClient;
};
