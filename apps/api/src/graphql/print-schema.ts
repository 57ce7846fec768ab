import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { resolvers } from '../app.module';

export const SCHEMA_FILE = 'schema.gql';
const HEADER =
  '# Generated from the resolvers by `npm run schema:write`; CI fails when it drifts.\n\n';

export function formatSchema(schema: GraphQLSchema): string {
  return HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
}

/** Builds the GraphQL schema from the resolvers alone, without a database. */
export async function buildSchemaText(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  await app.init();
  try {
    return formatSchema(await app.get(GraphQLSchemaFactory).create(resolvers));
  } finally {
    await app.close();
  }
}
