// A development identity provider: signing keys, their JWKS served over HTTP on loopback, and
// access tokens for demo or test customers. Used by the tests (keys made per run) and by
// `npm run start:auth` / `npm run token` (one key kept under .data/dev-issuer/).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

export const DEV_AUDIENCE = 'order-placement';

export interface SigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function makeKey(alg: SigningKey['alg'] = 'ES256', kid = `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateJwk: { ...(await exportJWK(privateKey)), kid, alg }, publicJwk };
}

export interface TokenOptions {
  key?: SigningKey;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative: already expired. */
  expiresIn?: number;
  /** Seconds from now before which the token is not valid. */
  notBefore?: number;
  /** The JOSE header's `typ`; default `JWT`. */
  typ?: string;
}

/** How the JWKS endpoint answers: its keys, an outage (503), a body that is no JWKS, or never. */
export type JwksAnswer = 'keys' | 'unavailable' | 'not-a-jwks' | 'hang';

/** A JWKS request the test holds: it is answered (as `answer` then says) only on `release()`. */
export interface HeldRequest {
  /** Resolves when the request has reached the provider. */
  arrived: Promise<void>;
  /** 'held': arrived, not yet released, and the client is still waiting for it. */
  readonly state: 'waiting' | 'held' | 'released' | 'abandoned';
  release(): void;
}

export class Issuer {
  /** The keys the JWKS publishes; the first signs by default. */
  readonly published: SigningKey[];
  /** How the JWKS endpoint answers from now on (tests of identity-provider outages change it). */
  answer: JwksAnswer = 'keys';
  /** JWKS requests received so far. */
  requests = 0;
  private server?: Server;
  private held: Array<(req: IncomingMessage, res: ServerResponse) => void> = [];
  url = '';

  constructor(keys: SigningKey[], readonly audience = DEV_AUDIENCE) {
    this.published = [...keys];
  }

  get jwksUrl(): string {
    return `${this.url}/.well-known/jwks.json`;
  }

  /** The three settings a service needs to verify this issuer's tokens. */
  get env(): Record<'AUTH_JWKS_URL' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE', string> {
    return { AUTH_JWKS_URL: this.jwksUrl, AUTH_ISSUER: this.url, AUTH_AUDIENCE: this.audience };
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
      this.requests += 1;
      const hold = this.held.shift();
      if (hold) hold(req, res);
      else this.respond(res);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections(); // a hanging answer would keep close() waiting forever
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(null)));
  }

  /** Publishes `key` first (it signs from now on); the old keys stay published unless retired. */
  rotate(key: SigningKey, opts: { retireOld?: boolean } = {}): void {
    this.published.splice(0, opts.retireOld ? this.published.length : 0, key);
  }

  /** Holds the next JWKS request until the test releases it (a barrier, not a delay). */
  holdNext(): HeldRequest {
    let state: HeldRequest['state'] = 'waiting';
    let arrive!: () => void;
    let answer: (() => void) | undefined;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    this.held.push((req, res) => {
      arrive();
      if (state === 'released') return this.respond(res); // released before it came
      state = 'held';
      req.socket.once('close', () => {
        if (state === 'held') state = 'abandoned';
      });
      answer = () => this.respond(res);
    });
    return {
      arrived,
      get state() {
        return state;
      },
      release: () => {
        if (state !== 'waiting' && state !== 'held') return;
        state = 'released';
        answer?.();
      },
    };
  }

  private respond(res: ServerResponse): void {
    if (this.answer === 'hang') return; // never answered: the client's own timeout must end it
    if (this.answer === 'unavailable') return void res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '30' }).end('maintenance');
    const body = this.answer === 'not-a-jwks' ? { status: 'ok' } : { keys: this.published.map((k) => k.publicJwk) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  /** An access token whose subject is the customer's account id. */
  async token(accountId: string, opts: TokenOptions = {}): Promise<string> {
    const key = opts.key ?? this.published[0];
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ scope: 'orders' })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: opts.typ ?? 'JWT' })
      .setSubject(accountId)
      .setIssuer(opts.issuer ?? this.url)
      .setAudience(opts.audience ?? this.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + (opts.expiresIn ?? 3600));
    if (opts.notBefore !== undefined) jwt.setNotBefore(now + opts.notBefore);
    return jwt.sign(await importJWK(key.privateJwk, key.alg));
  }
}

/** The development issuer's key, made once and kept under `<dataDir>/dev-issuer/key.json`. */
export async function devKey(dataDir: string): Promise<SigningKey> {
  const file = path.join(dataDir, 'dev-issuer', 'key.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SigningKey;
  const key = await makeKey('ES256', 'dev-1');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}

/** Where the development issuer of `npm run start:auth` listens (its `iss`). */
export const DEV_ISSUER_PORT = Number(process.env.DEV_ISSUER_PORT ?? 3009);

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Access tokens for `accountId` that look right but must be refused, each for another reason. */
export async function refusableTokens(issuer: Issuer, accountId: string): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  return {
    expired: await issuer.token(accountId, { expiresIn: -120 }),
    'not valid yet': await issuer.token(accountId, { notBefore: 300 }),
    'another issuer': await issuer.token(accountId, { issuer: 'https://evil.example' }),
    'another audience': await issuer.token(accountId, { audience: 'another-api' }),
    'alg: none': `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: accountId, iss: issuer.url, aud: issuer.audience, exp: now + 600 })}.`,
    'a key not in the JWKS': await issuer.token(accountId, { key: await makeKey('ES256', issuer.published[0].kid) }),
  };
}
