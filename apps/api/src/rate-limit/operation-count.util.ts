import {
  type FieldNode,
  type FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { MAX_PAGE_SIZE, pageSize } from '../common/connection';

/**
 * Fields that compute something (a dashboard, a ranking, a replay of events up to `asOf`)
 * rather than read stored rows. Each occurrence costs one operation wherever it appears, so
 * aliasing or nesting them does not multiply work for free. `whenArgument`: only when that
 * argument is given (without it the field reads a projection).
 */
export const COSTLY_FIELDS: Readonly<Record<string, { whenArgument?: string }>> = {
  'Query.advisorDashboard': {},
  'Query.sharedProfessionals': {},
  'Cohort.dashboard': {},
  'Cohort.students': {},
  'CohortDashboardView.nudgeEffect': {},
  'Student.progress': { whenArgument: 'asOf' },
  'Student.followUps': { whenArgument: 'asOf' },
  'Student.risk': { whenArgument: 'asOf' },
  'Student.referralNetwork': { whenArgument: 'asOf' },
};

/** Fails start-up when a listed field or argument no longer exists, so none is missed. */
export function assertCostlyFieldsExist(schema: GraphQLSchema): void {
  for (const [name, { whenArgument }] of Object.entries(COSTLY_FIELDS)) {
    const [typeName, fieldName] = name.split('.');
    const type = schema.getType(typeName);
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`COSTLY_FIELDS names ${name}, which the schema lacks`);
    if (whenArgument && !field.args.some((a) => a.name === whenArgument))
      throw new Error(`COSTLY_FIELDS: ${name} has no argument ${whenArgument}`);
  }
}

/**
 * How many operations a GraphQL request asks for: one per root field and one per costly field
 * (COSTLY_FIELDS) at any depth, every alias and fragment counted. A costly field below a paged
 * field (one with `first`) counts once per item of the page asked for. `{ a: me { id } b: me
 * { id } }` is two operations; `{ cohort(id: 1) { a: dashboard b: dashboard } }` is three.
 */
export function countOperations(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
): number {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  // Variables that do not coerce fail the request anyway; count as if they were absent.
  const values = coerced.coerced ?? {};
  const argumentsOf = (field: GraphQLField<unknown, unknown>, node: FieldNode) => {
    try {
      return getArgumentValues(field, node, values);
    } catch {
      return {};
    }
  };

  // Validation has already run, so fragments exist and never cycle.
  const count = (
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType | undefined | null,
    items: number,
    atRoot: boolean,
  ): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          const field =
            isObjectType(parent) || isInterfaceType(parent)
              ? parent.getFields()[selection.name.value]
              : undefined;
          const args = field ? argumentsOf(field, selection) : {};
          const costly = parent && field && isCostly(`${parent.name}.${field.name}`, args);
          total += Math.max(atRoot ? 1 : 0, costly ? items : 0);
          if (field && selection.selectionSet) {
            const page = field.args.some((a) => a.name === 'first') ? pageOf(args.first) : 1;
            total += count(selection.selectionSet, getNamedType(field.type), items * page, false);
          }
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const type = selection.typeCondition
            ? schema.getType(selection.typeCondition.name.value)
            : parent;
          total += count(selection.selectionSet, type, items, atRoot);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const fragment = fragments.get(selection.name.value);
          if (fragment) {
            const type = schema.getType(fragment.typeCondition.name.value);
            total += count(fragment.selectionSet, type, items, atRoot);
          }
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
  const root = schema.getRootType(operation.operation);
  return Math.max(1, count(operation.selectionSet, root, 1, true));
}

function isCostly(name: string, args: Record<string, unknown>): boolean {
  const rule = COSTLY_FIELDS[name];
  if (!rule) return false;
  return rule.whenArgument === undefined || args[rule.whenArgument] != null;
}

/** The page a `first` argument asks for: the API's default when absent, never above the maximum. */
function pageOf(first: unknown): number {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1) return pageSize(null);
  return Math.min(first, MAX_PAGE_SIZE);
}
