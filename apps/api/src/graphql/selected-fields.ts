import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The names of the fields a query selects directly inside any field called `objectField` within the current
 * field (through fragments and inline fragments, at any depth; aliases do not matter): what the resolver must
 * read of that object. Over-approximates when `objectField` occurs at several places.
 */
export function fieldsSelectedInside(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, objectField: string): string[] {
  const found = new Set<string>();
  const visited = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined, inside: boolean): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (inside) found.add(selection.name.value);
        else visit(selection.selectionSet, selection.name.value === objectField);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, inside);
      } else {
        const key = `${selection.name.value}:${inside}`;
        if (visited.has(key)) continue;
        visited.add(key);
        visit(info.fragments[selection.name.value]?.selectionSet, inside);
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet, false);
  return [...found];
}
