import type { IncomingMessage } from 'node:http';
import type { Actor } from './actor.js';

/** Request as seen by guards and resolvers: the request log sets `id`, the guard sets `actor`. */
export interface AppRequest extends IncomingMessage {
  id?: string;
  actor?: Actor | null;
}

/** Turns a request's bearer token into an Actor; implemented where users are stored. */
export abstract class Authenticator {
  abstract actorFor(request: AppRequest): Promise<Actor | null>;
}
