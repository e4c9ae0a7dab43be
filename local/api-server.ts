// Serves the API handler on 127.0.0.1 the way API Gateway v2 does: JWT check first (401 without a valid token),
// then an HTTP API payload v2.0 event with the authorizer's claims. Every error it answers itself is problem+json.
// (In AWS the JWT authorizer's own 401 is API Gateway's `{"message":"Unauthorized"}`; locally it is problem+json.)
// It also serves the built web app at `/` (its files, with the strict CSP and security headers CloudFront sends in
// AWS) and, for the local sign-in page only, a dev endpoint that signs tokens for the demo users.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { publicRoutes } from '../functions/api/public-routes.js';
import { asAuthorizerClaims, type DevAuth, type DevUser } from './dev-auth.js';
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

interface SecurityHeaders {
  readonly contentSecurityPolicy: Record<string, readonly string[]>;
  readonly headers: Record<string, string>;
}
/** The web app's security headers, as CloudFront sends them in AWS (web/security-headers.json, one declaration). */
export const webSecurityHeaders = JSON.parse(readFileSync(new URL('../web/security-headers.json', import.meta.url), 'utf8')) as SecurityHeaders;
export const contentSecurityPolicy = (extraConnect: readonly string[] = []): string =>
  Object.entries(webSecurityHeaders.contentSecurityPolicy)
    .map(([directive, sources]) => `${directive} ${(directive === 'connect-src' ? [...sources, ...extraConnect] : sources).join(' ')}`)
    .join('; ');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** A demo user the local sign-in page offers: `key` is what its button sends (biller, manager, admin). */
export interface DemoSignIn extends DevUser {
  readonly key: string;
  readonly label: string;
}

export interface WebAppOptions {
  /** The built app (web/build.ts): index.html, assets/, public files. */
  readonly dir: string;
  /** The demo users the dev sign-in endpoint signs tokens for: nothing else can be signed through it. */
  readonly demoUsers: readonly DemoSignIn[];
  /** How long a token from the sign-in page lasts (default 1 h; the page also signs out after 15 idle minutes). */
  readonly tokenLifetime?: string;
}

/** Files of the built app by URL path, read once at start (a build never changes under its folder's name). */
const webFiles = (dir: string): Map<string, { body: Buffer; type: string; immutable: boolean }> => {
  const files = new Map<string, { body: Buffer; type: string; immutable: boolean }>();
  const walk = (folder: string, prefix: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
      else files.set(`${prefix}${entry.name}`, { body: readFileSync(path), type: contentTypes[extname(entry.name)] ?? 'application/octet-stream', immutable: prefix === '/assets/' });
    }
  };
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`no built web app in ${dir}`);
  walk(dir, '/');
  const index = files.get('/index.html')!;
  files.set('/', index);
  return files;
};

const sendStatic = (response: ServerResponse, status: number, type: string, body: Buffer | string, cache: string): void => {
  response.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': cache,
    'content-security-policy': contentSecurityPolicy(),
    'strict-transport-security': 'max-age=63072000; includeSubDomains',
    ...webSecurityHeaders.headers,
  });
  response.end(body);
};

/**
 * The web app's own paths: its files, `/config.json` (how to sign in: locally, through the dev endpoint), and the dev
 * sign-in endpoint (`GET /dev/users`, `POST /dev/sign-in {user}`), which signs with the local key for a demo user only
 * and exists only here (no such route is declared, so API Gateway in AWS has none). True when it answered.
 */
const serveWeb = async (web: { files: ReturnType<typeof webFiles>; options: WebAppOptions; auth: DevAuth }, method: string, path: string, body: string, response: ServerResponse): Promise<boolean> => {
  if (method === 'GET' && path === '/config.json') {
    sendStatic(response, 200, contentTypes['.json']!, JSON.stringify({ mode: 'local', apiUrl: '' }), 'no-store');
    return true;
  }
  if (method === 'GET' && path === '/dev/users') {
    const users = web.options.demoUsers.map(({ key, label, email, tenants }) => ({ key, label, email, tenants }));
    sendStatic(response, 200, contentTypes['.json']!, JSON.stringify({ users }), 'no-store');
    return true;
  }
  if (method === 'POST' && path === '/dev/sign-in') {
    let key: unknown;
    try {
      key = (JSON.parse(body || '{}') as { user?: unknown }).user;
    } catch {
      key = undefined;
    }
    const user = web.options.demoUsers.find((u) => u.key === key);
    if (!user) {
      response.writeHead(400, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
      response.end(JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'user: one of the demo users', errors: [{ field: 'user', message: `one of ${web.options.demoUsers.map((u) => u.key).join(', ')}` }] }));
      return true;
    }
    const token = await web.auth.sign(user, web.options.tokenLifetime ?? '1h');
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify({ token }));
    return true;
  }
  const file = method === 'GET' || method === 'HEAD' ? web.files.get(path) : undefined;
  if (!file) return false;
  sendStatic(response, 200, file.type, file.body, file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  return true;
};

export const startApiServer = async (options: { port: number; handler: ApiHandler; auth: DevAuth; web?: WebAppOptions }): Promise<Server> => {
  const web = options.web ? { files: webFiles(options.web.dir), options: options.web, auth: options.auth } : undefined;
  const server = createServer(async (request, response) => {
    try {
      const method = request.method ?? 'GET';
      const url = new URL(request.url ?? '/', `http://127.0.0.1:${options.port}`);
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : (v ?? '')]),
      );
      const body = await readBody(request);
      if (web && (await serveWeb(web, method, url.pathname, body, response))) return;
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
