import { Injectable } from '@nestjs/common';
import { decodeGlobalId, NotFound, type Actor } from '@app/common';
import type { Node } from './node.interface.js';

/** Fetches one node of its type for an actor, or null when it does not exist or the actor may not see it. */
export type NodeFetcher = (id: string, actor: Actor | null) => Promise<Node | null>;

/** Feature modules register how to fetch their node types; `node(id)` dispatches here. */
@Injectable()
export class NodeRegistry {
  private readonly fetchers = new Map<string, NodeFetcher>();

  register(typeName: string, fetcher: NodeFetcher): void {
    if (this.fetchers.has(typeName)) throw new Error(`node type ${typeName} registered twice`);
    this.fetchers.set(typeName, fetcher);
  }

  async fetch(globalId: string, actor: Actor | null): Promise<Node> {
    const { type, id } = decodeGlobalId(globalId);
    const fetcher = this.fetchers.get(type);
    const node = fetcher ? await fetcher(id, actor) : null;
    // Missing and invisible look the same, so ids of other organisations' data leak nothing.
    if (node === null) throw new NotFound(type, globalId);
    return node;
  }
}
