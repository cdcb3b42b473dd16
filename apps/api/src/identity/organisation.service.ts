import { Injectable } from '@nestjs/common';
import { BadUserInput, Conflict, findPage, Forbidden, hasRole, Role, type Actor, type ConnectionShape, type PageRequest } from '@app/common';
import { AuditLogService, GovernmentLevel, OrganisationEntity, TransactionService } from '@app/data';
import type { CreateOrganisationInput } from './create-organisation.input.js';

/** Which government levels carry a Bundesland: required, forbidden or optional. */
const stateRule: Record<GovernmentLevel, 'required' | 'forbidden' | 'optional'> = {
  [GovernmentLevel.BUND]: 'forbidden',
  [GovernmentLevel.LAND]: 'required',
  [GovernmentLevel.KOMMUNE]: 'required',
  [GovernmentLevel.OTHER]: 'optional',
};

/** Organisations are the public directory of the marketplace: every signed-in user may list them. */
@Injectable()
export class OrganisationService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditLogService,
  ) {}

  async list(page: PageRequest): Promise<ConnectionShape<OrganisationEntity>> {
    const query = this.tx.manager.getRepository(OrganisationEntity).createQueryBuilder('o');
    return findPage(query, { key: 'o.name', id: 'o.id', valueOf: (o) => o.name, idOf: (o) => o.id }, page);
  }

  async findByIds(ids: readonly string[]): Promise<OrganisationEntity[]> {
    return this.tx.manager.query(
      `SELECT id, name, slug, level, state, created_at AS "createdAt" FROM organisation WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  async findById(id: string): Promise<OrganisationEntity | null> {
    return this.tx.manager.findOneBy(OrganisationEntity, { id });
  }

  async create(actor: Actor, input: CreateOrganisationInput, requestId: string | null): Promise<OrganisationEntity> {
    if (!hasRole(actor, Role.ADMIN)) throw new Forbidden('only admins create organisations');
    const state = input.state ?? null;
    const rule = stateRule[input.level];
    if (rule === 'required' && state === null) throw BadUserInput.field('input.state', `is required for level ${input.level}`);
    if (rule === 'forbidden' && state !== null) throw BadUserInput.field('input.state', `must be empty for level ${input.level}`);
    const name = input.name.trim();
    // The table's CHECK counts code points of the trimmed name; the input's Length counts blanks and skips variation selectors.
    const nameLength = [...name].length;
    if (nameLength < 2 || nameLength > 200) throw BadUserInput.field('input.name', 'must be 2..200 characters, surrounding blanks not counted');
    return this.tx.run(async (manager) => {
      const inserted: OrganisationEntity[] = await manager.query(
        `INSERT INTO organisation (name, slug, level, state) VALUES ($1, $2, $3, $4)
         ON CONFLICT (slug) DO NOTHING
         RETURNING id, name, slug, level, state, created_at AS "createdAt"`,
        [name, input.slug, input.level, state],
      );
      const organisation = inserted[0];
      if (organisation === undefined) throw new Conflict(`an organisation with slug "${input.slug}" already exists`, { field: 'input.slug' });
      await this.audit.record({
        actorUserId: actor.userId,
        action: 'organisation.created',
        entityType: 'Organisation',
        entityId: organisation.id,
        after: organisation,
        requestId,
      });
      return organisation;
    });
  }
}
