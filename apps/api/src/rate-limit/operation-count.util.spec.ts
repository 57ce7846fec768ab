import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from 'graphql';
import { assertCostlyFieldsExist, countOperations } from './operation-count.util';

// The schema the API serves, as `npm run schema:write` printed it (jest runs from the root).
const schema = buildSchema(readFileSync(join(process.cwd(), 'schema.gql'), 'utf8'));

function count(source: string, variables: Record<string, unknown> = {}): number {
  const document = parse(source);
  // Apollo validates before the rate limiter runs; the examples must be valid requests too.
  expect(validate(schema, document)).toEqual([]);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  return countOperations(schema, operation, fragments, variables);
}

const AS_OF = '"2026-10-01T00:00:00Z"';

describe('countOperations', () => {
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

  it('does not count cheap nested selections', () => {
    expect(
      count(
        '{ cohorts { id name studentIds } student(id: "s") { name contacts { edges { node { id } } } } }',
      ),
    ).toBe(2);
  });

  it('charges at least one for a request with only __typename', () => {
    expect(count('{ __typename }')).toBe(1);
  });

  it('counts each aliased dashboard below a root field', () => {
    expect(
      count(`{ cohort(id: "c") { a: dashboard { students } b: dashboard { students } } }`),
    ).toBe(3);
    expect(
      count(`{ a: cohort(id: "c") { dashboard(asOf: ${AS_OF}) { students } }
               b: cohort(id: "c") { dashboard(asOf: ${AS_OF}) { students } } }`),
    ).toBe(4);
  });

  it('counts costly fields inside fragments and inline fragments at any depth', () => {
    expect(
      count(`{ cohorts { ...Board ... on Cohort { again: dashboard { students } } } }
             fragment Board on Cohort { dashboard { students } }`),
    ).toBe(3);
  });

  it('counts Student fields replayed to asOf, and not their live reads', () => {
    expect(count('{ student(id: "s") { progress { stage } risk { score } } }')).toBe(1);
    expect(
      count(`{ student(id: "s") { progress(asOf: ${AS_OF}) { stage } risk(asOf: ${AS_OF}) { score }
               followUps(asOf: ${AS_OF}) { kind } referralNetwork(asOf: ${AS_OF}) { maxDepth } } }`),
    ).toBe(5);
  });

  it('reads asOf and first from variables, a null asOf counting as live', () => {
    const query = `query($t: DateTime, $n: Int) {
      cohort(id: "c") { students(first: $n) { edges { node { risk(asOf: $t) { score } } } } } }`;
    expect(count(query, { t: null, n: 5 })).toBe(2);
    expect(count(query, { t: '2026-10-01T00:00:00Z', n: 5 })).toBe(2 + 5);
  });

  it('multiplies costly fields below a paged list by the page asked for', () => {
    const nested = (first: string) =>
      `{ cohort(id: "c") { students${first} { edges { node { progress(asOf: ${AS_OF}) { stage } } } } } }`;
    // cohort 1 + students 1 + one replay per student on the page (20 by default, at most 100)
    expect(count(nested('(first: 3)'))).toBe(5);
    expect(count(nested(''))).toBe(22);
    expect(count(nested('(first: 1000)'))).toBe(102);
  });

  it('counts root dashboards and professionals once per alias, as before', () => {
    expect(
      count(
        '{ a: advisorDashboard { edges { node { risk { score } } } } b: sharedProfessionals { edges { node { role } } } }',
      ),
    ).toBe(2);
  });

  it("counts the dashboard's nudge effect as one more costly field", () => {
    expect(count('{ cohort(id: "c") { dashboard { nudgeEffect { items } } } }')).toBe(3);
  });

  it('lists only fields and arguments the schema has', () => {
    expect(() => assertCostlyFieldsExist(schema)).not.toThrow();
    expect(() => assertCostlyFieldsExist(buildSchema('type Query { me: String }'))).toThrow(
      /COSTLY_FIELDS/,
    );
  });
});
