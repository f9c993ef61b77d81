// The development identity provider of `npm run start:auth` and `npm run token`: one signing key
// kept under .data/dev-issuer/, its JWKS served on localhost, and admin and service tokens made
// once and kept beside it, so that tokens printed earlier keep working across restarts.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEV_ISSUER_PORT, devKey, Issuer } from '../test-support/token-issuer';

interface SharedTokens { adminToken: string; serviceToken: string }

function sharedTokens(dataDir: string): SharedTokens {
  const file = path.join(dataDir, 'dev-issuer', 'tokens.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SharedTokens;
  const tokens = { adminToken: `dev-admin-${randomBytes(12).toString('hex')}`, serviceToken: `dev-service-${randomBytes(12).toString('hex')}` };
  writeFileSync(file, JSON.stringify(tokens), { mode: 0o600 });
  return tokens;
}

/** The issuer as `npm run token` sees it: the same key and `iss`, not listening. */
export async function devIssuer(dataDir: string): Promise<Issuer> {
  const issuer = new Issuer([await devKey(dataDir)]);
  issuer.url = `http://127.0.0.1:${DEV_ISSUER_PORT}`;
  return issuer;
}

export async function startDevIdentity(dataDir: string) {
  const issuer = await new Issuer([await devKey(dataDir)]).start(DEV_ISSUER_PORT);
  const { adminToken, serviceToken } = sharedTokens(dataDir);
  return {
    env: { ...issuer.env, ADMIN_TOKEN: adminToken, SERVICE_TOKEN: serviceToken },
    banner: [
      `  customer authentication on: JWKS ${issuer.jwksUrl}`,
      '    a customer token: npm run token -- acc-alice',
      `    admin token: ${adminToken}`,
    ],
    stop: () => issuer.stop(),
  };
}
