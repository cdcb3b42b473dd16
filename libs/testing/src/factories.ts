import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LOCAL_ISSUER, type Role } from '@app/common';
import { Bundesland, GovernmentLevel, type OrganisationEntity, type UserEntity } from '@app/data';

const unique = () => randomBytes(4).toString('hex');

/** Factories: sensible defaults plus overrides, written straight to the database. */
export async function makeOrganisation(
  dataSource: DataSource,
  overrides: Partial<Pick<OrganisationEntity, 'name' | 'slug' | 'level' | 'state'>> = {},
): Promise<OrganisationEntity> {
  const level = overrides.level ?? GovernmentLevel.LAND;
  const id = unique();
  const defaults = {
    name: `Testbehörde ${id}`,
    slug: `testbehoerde-${id}`,
    level,
    state: level === GovernmentLevel.BUND ? null : Bundesland.HE,
  };
  const org = { ...defaults, ...overrides };
  const rows: OrganisationEntity[] = await dataSource.query(
    `INSERT INTO organisation (name, slug, level, state) VALUES ($1, $2, $3, $4)
     RETURNING id, name, slug, level, state, created_at AS "createdAt"`,
    [org.name, org.slug, org.level, org.state],
  );
  return rows[0] as OrganisationEntity;
}

export interface MadeUser extends UserEntity {
  organisationSlug: string;
}

export async function makeUser(
  dataSource: DataSource,
  options: { organisation?: OrganisationEntity; roles?: Role[]; email?: string; displayName?: string } = {},
): Promise<MadeUser> {
  const organisation = options.organisation ?? (await makeOrganisation(dataSource));
  const id = unique();
  const email = options.email ?? `nutzer-${id}@${organisation.slug}.example`;
  const rows: UserEntity[] = await dataSource.query(
    `INSERT INTO app_user (issuer, subject, email, display_name, organisation_id, roles)
     VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, issuer, subject, email, display_name AS "displayName", organisation_id AS "organisationId", roles`,
    [LOCAL_ISSUER, `test:${id}`, email, options.displayName ?? `Testnutzerin ${id}`, organisation.id, options.roles ?? []],
  );
  return { ...(rows[0] as UserEntity), organisationSlug: organisation.slug };
}
