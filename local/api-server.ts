// Serves the API handler on 127.0.0.1 the way API Gateway v2 does: JWT check first (401 without a valid token),
// then an HTTP API payload v2.0 event with the authorizer's claims. Every error it answers itself is problem+json.
// (In AWS the JWT authorizer's own 401 is API Gateway's `{"message":"Unauthorized"}`; locally it is problem+json.)
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { publicRoutes } from '../functions/api/public-routes.js';
import { asAuthorizerClaims, type DevAuth } from './dev-auth.js';
import { lambdaContext } from './sqs-event-source.js';

export type ApiHandler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Routes API Gateway lets through without a token: the `access: 'public'` declarations (the CDK stack gives them no authorizer). */
const openRoutes = new Set<string>(publicRoutes.map((r) => `${r.method} ${r.path}`));

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const problemBody = (status: number, detail?: string): string =>
  JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, ...(detail ? { detail } : {}) });

/** What a request the HTTP parser refused gets: headers too big (a huge cursor in the URL) 431, a timeout 408, else 400. */
const parserStatus = (code: string | undefined): number =>
  code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;

/** Answers on the raw socket (the request never reached a handler), then closes it, as Node's default does. */
const answerClientError = (error: Error & { code?: string }, socket: Duplex): void => {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = parserStatus(error.code);
  const detail = status === 431 ? 'the request line and headers are too large' : status === 408 ? 'the request took too long' : 'not a well-formed HTTP request';
  const body = problemBody(status, detail);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`,
  );
};

export const toApiEvent = (
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: string,
  claims: Record<string, string | number | boolean> | undefined,
): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: [] } },
    },
    body: body || undefined,
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
};

export const startApiServer = async (options: { port: number; handler: ApiHandler; auth: DevAuth }): Promise<Server> => {
  const server = createServer(async (request, response) => {
    try {
      const method = request.method ?? 'GET';
      const url = new URL(request.url ?? '/', `http://127.0.0.1:${options.port}`);
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : (v ?? '')]),
      );
      const body = await readBody(request);
      let claims: Record<string, string | number | boolean> | undefined;
      if (!openRoutes.has(`${method} ${url.pathname}`)) {
        const token = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
        const payload = token ? await options.auth.verify(token) : undefined;
        if (!payload) {
          response.writeHead(401, { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer', 'cache-control': 'no-store' });
          response.end(problemBody(401, 'a valid bearer token is required'));
          return;
        }
        claims = asAuthorizerClaims(payload);
      }
      const result = await options.handler(toApiEvent(method, url, headers, body, claims), lambdaContext('api', 15));
      response.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
      response.end(result.body ?? '');
    } catch {
      response.writeHead(500, { 'content-type': 'application/problem+json' });
      response.end(problemBody(500));
    }
  });
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return server;
};

export const stopServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
