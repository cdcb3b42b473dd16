import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LOCAL_ISSUER } from '@app/common';
import type { OrganisationEntity } from '@app/data';
import { completeContent } from './catalogue-fixtures.js';

/**
 * A published entry of `organisation`, written straight to the database as the workflow would leave it
 * (one approved revision, listed). For tests of what happens after publication.
 */
export async function makePublishedEntry(
  dataSource: DataSource,
  organisation: OrganisationEntity,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; globalId: string; slug: string }> {
  const suffix = randomBytes(4).toString('hex');
  const content = { ...completeContent({ name: `Testsystem ${suffix}` }), gatedDetails: { deploymentNotes: 'Helm-Chart intern', technicalContact: 'technik@behoerde.example', repositoryAccess: 'Zugang auf Anfrage' }, ...overrides };
  const [author] = (await dataSource.query(
    `INSERT INTO app_user (issuer, subject, email, display_name, organisation_id, roles) VALUES ($1, $2, $3, 'Autorin', $4, '{PUBLISHER}') RETURNING id`,
    [LOCAL_ISSUER, `entry-author:${suffix}`, `autorin-${suffix}@${organisation.slug}.example`, organisation.id],
  )) as Array<{ id: string }>;
  const slug = `testsystem-${suffix}`;
  const [entry] = (await dataSource.query(
    `INSERT INTO ai_system (slug, organisation_id, status, draft, created_by, updated_by) VALUES ($1, $2, 'PUBLISHED', $3, $4, $4) RETURNING id`,
    [slug, organisation.id, content, author?.id],
  )) as Array<{ id: string }>;
  const [revision] = (await dataSource.query(
    `INSERT INTO ai_system_revision (ai_system_id, number, content, submitted_by, outcome, reviewed_by, reviewed_at)
     VALUES ($1, 1, $2, $3, 'APPROVED', $3, now()) RETURNING id`,
    [entry?.id, content, author?.id],
  )) as Array<{ id: string }>;
  await dataSource.query(
    `UPDATE ai_system s SET published = draft, published_revision_id = $2, published_at = now(), first_published_at = now(), listed = true,
       name = draft->>'name', organisation_level = o.level, organisation_state = o.state
     FROM organisation o WHERE s.id = $1 AND o.id = s.organisation_id`,
    [entry?.id, revision?.id],
  );
  const id = entry?.id ?? '';
  return { id, globalId: Buffer.from(`AiSystem:${id}`).toString('base64url'), slug };
}
