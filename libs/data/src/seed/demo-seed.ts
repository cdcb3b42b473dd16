import type { DataSource } from 'typeorm';
import { LOCAL_ISSUER } from '@app/common';
import { demoOrganisations, demoSubject, demoUsers } from './demo-data.js';

/** Idempotent: inserts what is missing, never overwrites what users changed since. */
export async function seedDemoData(dataSource: DataSource): Promise<{ organisations: number; users: number }> {
  return dataSource.transaction(async (manager) => {
    let organisations = 0;
    for (const org of demoOrganisations) {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO organisation (slug, name, level, state) VALUES ($1, $2, $3, $4)
         ON CONFLICT (slug) DO NOTHING RETURNING id`,
        [org.slug, org.name, org.level, org.state],
      );
      organisations += inserted.length;
    }
    let users = 0;
    for (const user of demoUsers) {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO app_user (issuer, subject, email, display_name, organisation_id, roles)
         SELECT $1, $2, $3, $4, o.id, $6 FROM organisation o WHERE o.slug = $5
         ON CONFLICT (issuer, subject) DO NOTHING RETURNING id`,
        [LOCAL_ISSUER, demoSubject(user.email), user.email, user.displayName, user.organisation, user.roles],
      );
      users += inserted.length;
    }
    return { organisations, users };
  });
}
