import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { AppRequest } from '@app/common';
import type { OrganisationEntity, UserEntity } from '@app/data';
import { OrganisationService } from '../identity/organisation.service.js';
import { UserService } from '../identity/user.service.js';

/** One loader per relation, fresh for every request so nothing is cached across users. */
export interface Loaders {
  organisation: DataLoader<string, OrganisationEntity | null>;
  user: DataLoader<string, UserEntity | null>;
}

export interface GraphQLContext {
  req: AppRequest;
  loaders: Loaders;
}

function byId<T extends { id: string }>(ids: readonly string[], rows: T[]): Array<T | null> {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}

@Injectable()
export class LoaderFactory {
  constructor(
    private readonly organisations: OrganisationService,
    private readonly users: UserService,
  ) {}

  create(): Loaders {
    return {
      organisation: new DataLoader(async (ids) => byId(ids, await this.organisations.findByIds(ids))),
      user: new DataLoader(async (ids) => byId(ids, await this.users.findByIds(ids))),
    };
  }
}
