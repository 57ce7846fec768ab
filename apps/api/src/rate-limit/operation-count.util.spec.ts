import { type FragmentDefinitionNode, Kind, type OperationDefinitionNode, parse } from 'graphql';
import { countRootFields } from './operation-count.util';

function count(source: string): number {
  const document = parse(source);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  return countRootFields(operation, fragments);
}

describe('countRootFields', () => {
  it('counts one operation per root field', () => {
    expect(count('{ me { subject } cohorts { id } }')).toBe(2);
  });

  it('counts every alias, so aliasing a field does not multiply work for free', () => {
    expect(count('{ a: me { subject } b: me { subject } c: me { subject } }')).toBe(3);
  });

  it('counts fields reached through fragments and inline fragments at the root', () => {
    expect(
      count(`query { ...Both ... on Query { health { status } } }
             fragment Both on Query { me { subject } x: me { role } }`),
    ).toBe(3);
  });

  it('does not count nested selections', () => {
    expect(count('{ cohorts { id students { edges { node { id } } } } }')).toBe(1);
  });

  it('charges at least one for a request with only __typename', () => {
    expect(count('{ __typename }')).toBe(1);
  });
});
