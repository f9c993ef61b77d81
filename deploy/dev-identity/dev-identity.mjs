// The development identity provider for compose.demo.yaml, in plain Node (no dependencies: it runs
// in the stock node image with this file mounted). It is what `npm run start:auth` runs on the host
// (scripts/dev-identity.ts), reachable from the other containers by its service name:
//
//   node dev-identity.mjs serve            serves the JWKS at http://0.0.0.0:$PORT/.well-known/jwks.json
//   node dev-identity.mjs token <account>  prints an access token for that account (12 hours)
//
// One ES256 key, made on first use and kept in $KEY_FILE (a volume), in the same form as the host's
// .data/dev-issuer/key.json, so both commands (and restarts) agree. Tokens carry iss $ISSUER and
// aud $AUDIENCE, the AUTH_ISSUER and AUTH_AUDIENCE the services are given. Never for production.
import { Buffer } from 'node:buffer';
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

const PORT = Number(process.env.PORT ?? 3009);
const KEY_FILE = process.env.KEY_FILE ?? '/data/key.json';
const ISSUER = process.env.ISSUER ?? `http://dev-identity:${PORT}`;
const AUDIENCE = process.env.AUDIENCE ?? 'order-placement';
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

function signingKey() {
  if (existsSync(KEY_FILE)) return JSON.parse(readFileSync(KEY_FILE, 'utf8'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'dev-1';
  const key = {
    kid, alg: 'ES256',
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256' },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' },
  };
  mkdirSync(path.dirname(KEY_FILE), { recursive: true });
  // 'wx': when two processes make the key at once, the first one written is the one both use.
  try {
    writeFileSync(KEY_FILE, JSON.stringify(key), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    return JSON.parse(readFileSync(KEY_FILE, 'utf8'));
  }
  return key;
}

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

function token(key, accountId) {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'ES256', kid: key.kid, typ: 'JWT' };
  const claims = { scope: 'orders', sub: accountId, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 12 * 3600, jti: randomUUID() };
  const input = `${b64url(header)}.${b64url(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key: createPrivateKey({ key: key.privateJwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function serve(key) {
  const jwks = JSON.stringify({ keys: [key.publicJwk] });
  const server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  server.listen(PORT, '0.0.0.0', () => process.stdout.write(`development identity provider: JWKS on :${server.address().port}/.well-known/jwks.json, iss ${ISSUER}, aud ${AUDIENCE}\n`));
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
}

const [command = 'serve', accountId] = process.argv.slice(2);
if (command === 'serve') serve(signingKey());
else if (command === 'token' && accountId && ACCOUNT_ID.test(accountId)) process.stdout.write(`${token(signingKey(), accountId)}\n`);
else {
  process.stderr.write('usage: dev-identity.mjs serve | dev-identity.mjs token <accountId>   (for example acc-alice)\n');
  process.exit(64);
}
