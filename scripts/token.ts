// `npm run token -- <accountId>`: prints an access token for a customer of that account, signed by
// the development identity provider of `npm run start:auth` (valid for 12 hours).
import path from 'node:path';
import { devIssuer } from './dev-identity';

async function main(): Promise<void> {
  const accountId = process.argv[2];
  if (!accountId || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(accountId)) {
    process.stderr.write('usage: npm run token -- <accountId>   (for example acc-alice)\n');
    process.exit(64);
  }
  const issuer = await devIssuer(path.resolve(__dirname, '..', '.data'));
  process.stdout.write(`${await issuer.token(accountId, { expiresIn: 12 * 3600 })}\n`);
}

void main();
