import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { fieldsSelectedInside } from './selected-fields.js';

/** The root field of `query` with the document's fragments, as graphql-js hands them to a resolver. */
function infoOf(query: string): { fieldNodes: FieldNode[]; fragments: Record<string, FragmentDefinitionNode> } {
  const document = parse(query);
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments };
}

describe('fieldsSelectedInside', () => {
  it('collects the fields directly inside every occurrence, whatever the aliases', () => {
    const info = infoOf(`{ search { nodes { published { name tags } } edges { node { p: published { n: shortDescription contacts { email } } } } } }`);
    expect(fieldsSelectedInside(info, 'published').sort()).toEqual(['contacts', 'name', 'shortDescription', 'tags']);
  });

  it('follows fragment spreads and inline fragments, inside and around the field', () => {
    const info = infoOf(`
      query { search { edges { node { ...Hit } } } }
      fragment Hit on AiSystem { ... on AiSystem { published { ...Texts lifecycle } } }
      fragment Texts on AiSystemContent { name ... on AiSystemContent { description } }`);
    expect(fieldsSelectedInside(info, 'published').sort()).toEqual(['description', 'lifecycle', 'name']);
  });

  it('a fragment used inside and outside the field counts in both places', () => {
    const info = infoOf(`
      query { search { ...Both edges { node { published { ...Both } } } } }
      fragment Both on Anything { totalCount name }`);
    expect(fieldsSelectedInside(info, 'published').sort()).toEqual(['name', 'totalCount']);
  });

  it('nothing when the field is not selected', () => {
    expect(fieldsSelectedInside(infoOf(`{ search { totalCount edges { node { slug } } } }`), 'published')).toEqual([]);
  });
});
