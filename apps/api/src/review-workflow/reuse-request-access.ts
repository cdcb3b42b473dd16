import { hasRole, Role, type Actor } from '@app/common';

interface Parties {
  requestingOrganisationId: string;
  owningOrganisationId: string;
  requesterId: string;
}

/** The requesting and the owning organisation see a request and write in its thread; nobody else knows it exists. */
export function isParty(actor: Actor | null, request: Parties): boolean {
  return actor !== null && (actor.organisationId === request.requestingOrganisationId || actor.organisationId === request.owningOrganisationId);
}

/** Reviewers of the owning organisation decide; never on a request their own organisation made. */
export function canDecide(actor: Actor | null, request: Parties): boolean {
  return (
    actor !== null &&
    hasRole(actor, Role.REVIEWER) &&
    actor.organisationId === request.owningOrganisationId &&
    actor.organisationId !== request.requestingOrganisationId
  );
}

/** Only the person who filed a request withdraws it. */
export function canWithdraw(actor: Actor | null, request: Parties): boolean {
  return actor !== null && actor.userId === request.requesterId;
}

/** Owner-side replies move a submitted request into review. */
export function isOwnerSide(actor: Actor, request: Parties): boolean {
  return actor.organisationId === request.owningOrganisationId;
}
