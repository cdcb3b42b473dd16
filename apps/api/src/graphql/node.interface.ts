import { Field, ID, InterfaceType } from '@nestjs/graphql';

/** Relay Node: every object with a global id can be fetched again through `node(id)`. */
@InterfaceType('Node', {
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @Field(() => ID, { description: 'Global id; opaque, stable.' })
  id!: string;
}
