import { Injectable } from '@nestjs/common';
import { findPage, hasRole, isRole, Role, Unauthenticated, type Actor, type ConnectionShape, type PageRequest, type TokenClaims } from '@app/common';
import { TransactionService, UserEntity } from '@app/data';

/** Users are organisation-owned: members see their own organisation's users, admins see everyone. */
@Injectable()
export class UserService {
  constructor(private readonly tx: TransactionService) {}

  async findById(id: string): Promise<UserEntity | null> {
    return this.tx.manager.findOneBy(UserEntity, { id });
  }

  async findByIds(ids: readonly string[]): Promise<UserEntity[]> {
    return this.tx.manager.query(
      `SELECT id, email, display_name AS "displayName", organisation_id AS "organisationId", roles FROM app_user WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  async findVisible(actor: Actor | null, id: string): Promise<UserEntity | null> {
    if (actor === null) return null;
    const user = await this.findById(id);
    if (user === null) return null;
    return hasRole(actor, Role.ADMIN) || user.organisationId === actor.organisationId ? user : null;
  }

  async listVisible(actor: Actor, page: PageRequest): Promise<ConnectionShape<UserEntity>> {
    const query = this.tx.manager.getRepository(UserEntity).createQueryBuilder('u');
    if (!hasRole(actor, Role.ADMIN)) query.where('u.organisation_id = :organisationId', { organisationId: actor.organisationId });
    return findPage(query, { key: 'u.display_name', id: 'u.id', valueOf: (u) => u.displayName, idOf: (u) => u.id }, page);
  }

  /**
   * Users come from the identity provider: created on first sight, kept in step with the token's claims
   * (organisation and roles are the provider's to decide). One SELECT when nothing changed.
   */
  async provision(claims: TokenClaims): Promise<Actor> {
    const unknownRoles = claims.roles.filter((role) => !isRole(role));
    if (unknownRoles.length > 0) throw new Unauthenticated(`token carries unknown role ${unknownRoles.join(', ')}`);
    const roles = [...new Set(claims.roles.filter((role) => role !== Role.AGENCY_USER))].sort();
    const manager = this.tx.manager;
    // One statement per request: the user (if known) and the organisation the token names.
    const found: Array<{ user: UserEntity | null; claimedOrganisationId: string | null }> = await manager.query(
      `SELECT CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object(
                'id', u.id, 'organisationId', u.organisation_id, 'email', u.email, 'displayName', u.display_name, 'roles', u.roles) END AS "user",
              (SELECT o.id FROM organisation o WHERE o.slug = $3::text) AS "claimedOrganisationId"
       FROM (SELECT 1) AS one LEFT JOIN app_user u ON u.issuer = $1::text AND u.subject = $2::text`,
      [claims.issuer, claims.subject, claims.organisation],
    );
    let user = found[0]?.user ?? null;
    const organisationSlug = claims.organisation;
    let organisationId = user?.organisationId ?? null;
    if (organisationSlug !== null) {
      const claimed = found[0]?.claimedOrganisationId ?? null;
      if (claimed === null) throw new Unauthenticated(`token names unknown organisation "${organisationSlug}"`);
      organisationId = claimed;
    }
    if (organisationId === null) throw new Unauthenticated('token names no organisation');
    const email = claims.email ?? user?.email ?? `${claims.subject}@unknown.invalid`;
    const displayName = claims.name ?? user?.displayName ?? email;
    const unchanged =
      user !== null &&
      user.organisationId === organisationId &&
      user.email === email &&
      user.displayName === displayName &&
      [...user.roles].sort().join() === roles.join();
    if (!unchanged) {
      const rows: UserEntity[] = await manager.query(
        `INSERT INTO app_user (issuer, subject, email, display_name, organisation_id, roles)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (issuer, subject) DO UPDATE SET email = EXCLUDED.email, display_name = EXCLUDED.display_name,
           organisation_id = EXCLUDED.organisation_id, roles = EXCLUDED.roles, updated_at = now()
         RETURNING id, organisation_id AS "organisationId", roles`,
        [claims.issuer, claims.subject, email, displayName, organisationId, roles],
      );
      user = rows[0] ?? null;
    }
    if (user === null) throw new Unauthenticated('user could not be provisioned');
    return {
      userId: user.id,
      subject: claims.subject,
      organisationId: user.organisationId,
      roles: new Set(user.roles.filter(isRole)),
    };
  }
}
