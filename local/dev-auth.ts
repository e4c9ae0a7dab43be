// Local stand-in for Cognito: an RS256 key kept in the data folder, ID tokens shaped like Cognito's, and the same
// checks API Gateway's JWT authorizer makes (signature, issuer, audience, expiry).
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { groupsClaim, tenantsClaim, type Role } from '../functions/shared/auth.js';

export const localIssuer = 'https://cognito-idp.local/claim-followup-local';
export const localAudience = 'claim-followup-local-client';

export interface DevUser {
  readonly sub: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly tenants: readonly string[];
}

export interface DevAuth {
  sign(user: DevUser, expiresIn?: string): Promise<string>;
  /** Claims as the JWT authorizer would pass them, or undefined when the token must be refused (401). */
  verify(token: string): Promise<JWTPayload | undefined>;
}

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const keysFrom = async (privateJwk: JWK, publicJwk: JWK): Promise<{ privateKey: Key; publicKey: Key }> => ({
  privateKey: (await importJWK(privateJwk, 'RS256')) as Key,
  publicKey: (await importJWK(publicJwk, 'RS256')) as Key,
});

/** Loads the local signing key from `keyFile`, creating it on first use; in memory when no file is given. */
export const createDevAuth = async (keyFile?: string): Promise<DevAuth> => {
  let keys: { privateKey: Key; publicKey: Key };
  if (keyFile && existsSync(keyFile)) {
    const stored = JSON.parse(readFileSync(keyFile, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
    keys = await keysFrom(stored.privateJwk, stored.publicJwk);
  } else {
    const pair = await generateKeyPair('RS256', { extractable: true });
    keys = pair;
    if (keyFile) {
      mkdirSync(dirname(keyFile), { recursive: true });
      const stored = { privateJwk: await exportJWK(pair.privateKey), publicJwk: await exportJWK(pair.publicKey) };
      writeFileSync(keyFile, JSON.stringify(stored), { mode: 0o600 });
    }
  }
  return {
    sign: (user, expiresIn = '12h') =>
      new SignJWT({
        email: user.email,
        token_use: 'id',
        [groupsClaim]: [...user.roles],
        [tenantsClaim]: user.tenants.join(','),
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'local' })
        .setSubject(user.sub)
        .setIssuer(localIssuer)
        .setAudience(localAudience)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(keys.privateKey),
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, keys.publicKey, { issuer: localIssuer, audience: localAudience, algorithms: ['RS256'] });
        return payload;
      } catch {
        return undefined;
      }
    },
  };
};

/** API Gateway passes array claims flattened as "[a b]"; do the same so the handler sees what it sees in AWS. */
export const asAuthorizerClaims = (payload: JWTPayload): Record<string, string | number | boolean> =>
  Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean),
    ]),
  );
