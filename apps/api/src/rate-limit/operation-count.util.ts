import {
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * How many operations a GraphQL request asks for: its root fields, each alias counting once,
 * fragments at the root included. `{ a: me { id } b: me { id } }` is two operations.
 */
export function countRootFields(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): number {
  // Validation has already run, so fragments exist and never cycle.
  const count = (selectionSet: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          total += 1;
          break;
        case Kind.INLINE_FRAGMENT:
          total += count(selection.selectionSet);
          break;
        case Kind.FRAGMENT_SPREAD: {
          const fragment = fragments.get(selection.name.value);
          if (fragment) total += count(fragment.selectionSet);
          break;
        }
        default: {
          const unknown: never = selection;
          throw new Error(`unknown selection ${String(unknown)}`);
        }
      }
    }
    return total;
  };
  return Math.max(1, count(operation.selectionSet));
}
