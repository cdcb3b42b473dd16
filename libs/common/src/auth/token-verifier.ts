import { webcrypto } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Unauthenticated } from '../errors/domain-error.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadOrCreateLocalSecret } from './local-token.js';

/** What a verified token says about its bearer, whichever issuer signed it. */
export interface TokenClaims {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  organisation: string | null;
  roles: string[];
  /** When the token expires (its exp claim); null when it carries none. */
  expiresAt: Date | null;
}

function stringClaim(payload: JWTPayload, name: string): string | null {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function rolesClaim(payload: JWTPayload, path: string): string[] {
  // Keycloak nests roles (realm_access.roles); a dotted path reaches them.
  let value: unknown = payload;
  for (const part of path.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new Unauthenticated(`token claim ${path} must be a list of role names`);
  }
  return value as string[];
}

@Injectable()
export class TokenVerifier {
  /** The local HS256 key, imported once (jose would import raw bytes again for every token). */
  private readonly localKey: Promise<webcrypto.CryptoKey> | null;
  private oidcKeys: ReturnType<typeof createRemoteJWKSet> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const secret = config.auth.localEnabled ? loadOrCreateLocalSecret(config.dataDir, config.auth.localSecret) : null;
    this.localKey = secret === null ? null : webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  }

  async verify(token: string): Promise<TokenClaims> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new Unauthenticated('malformed bearer token');
    }
    const oidc = this.config.auth.oidc;
    try {
      if (this.localKey !== null && unverified.iss === LOCAL_ISSUER) {
        const { payload } = await jwtVerify(token, await this.localKey, {
          issuer: LOCAL_ISSUER,
          audience: LOCAL_AUDIENCE,
          algorithms: ['HS256'],
        });
        return this.claims(payload, 'organisation', 'roles');
      }
      if (oidc !== null && unverified.iss === oidc.issuer) {
        const { payload } = await jwtVerify(token, await this.jwks(), {
          issuer: oidc.issuer,
          audience: oidc.audience,
          algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
        });
        return this.claims(payload, oidc.organisationClaim, oidc.rolesClaim);
      }
    } catch (error) {
      if (error instanceof Unauthenticated) throw error;
      throw new Unauthenticated(describeJoseError(error));
    }
    throw new Unauthenticated('token issuer is not trusted');
  }

  private claims(payload: JWTPayload, organisationClaim: string, rolesPath: string): TokenClaims {
    if (!payload.sub || !payload.iss) throw new Unauthenticated('token has no subject');
    return {
      issuer: payload.iss,
      subject: payload.sub,
      email: stringClaim(payload, 'email'),
      name: stringClaim(payload, 'name') ?? stringClaim(payload, 'preferred_username'),
      organisation: stringClaim(payload, organisationClaim),
      roles: rolesClaim(payload, rolesPath),
      expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null,
    };
  }

  private async jwks(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const oidc = this.config.auth.oidc;
    if (oidc === null) throw new Unauthenticated('OIDC is not configured');
    if (this.oidcKeys === null) {
      let jwksUrl = oidc.jwksUrl;
      if (jwksUrl === null) {
        const response = await fetch(new URL('.well-known/openid-configuration', oidc.issuer.replace(/\/?$/, '/')), {
          signal: AbortSignal.timeout(5000),
        }).catch(() => null);
        if (response === null || !response.ok) throw new Unauthenticated('identity provider is unreachable');
        const discovery = (await response.json()) as { jwks_uri?: unknown; issuer?: unknown };
        // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched for.
        if (discovery.issuer !== oidc.issuer) throw new Unauthenticated('identity provider names another issuer');
        if (typeof discovery.jwks_uri !== 'string') throw new Unauthenticated('identity provider has no jwks_uri');
        jwksUrl = discovery.jwks_uri;
      }
      this.oidcKeys = createRemoteJWKSet(new URL(jwksUrl));
    }
    return this.oidcKeys;
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `token claim "${error.claim}" is invalid`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'token was signed with an unknown key';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm is not allowed';
  return 'token could not be verified';
}
