import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';

export const LOCAL_ISSUER = 'urn:ki-marktplatz:local';
export const LOCAL_AUDIENCE = 'ki-marktplatz';

export interface LocalTokenClaims {
  subject: string;
  email: string;
  name: string;
  organisation: string;
  roles: string[];
}

/** A secret (by default the HS256 one for local tokens): configured, or generated once into the data directory. */
export function loadOrCreateLocalSecret(dataDir: string, configured: string | null, fileName = 'jwt-secret'): Uint8Array {
  if (configured !== null) return new TextEncoder().encode(configured);
  const file = join(dataDir, fileName);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

export async function signLocalToken(
  secret: Uint8Array,
  claims: LocalTokenClaims,
  options: { expiresIn?: string; issuer?: string; audience?: string } = {},
): Promise<string> {
  return new SignJWT({ email: claims.email, name: claims.name, organisation: claims.organisation, roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setAudience(options.audience ?? LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(secret);
}
