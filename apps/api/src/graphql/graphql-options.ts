import type { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloDriver } from '@nestjs/apollo';
import type { AppConfig } from '../config/app-config';
import { formatGraphqlError } from './error-mapping';

/**
 * The schema is built from the resolvers in memory; `npm run schema:write` prints it to the
 * committed schema.gql and CI fails when the two differ.
 */
export function graphqlOptions(config: AppConfig): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    autoSchemaFile: true,
    sortSchema: true,
    path: '/graphql',
    playground: false,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    formatError: formatGraphqlError,
    context: ({ req }: { req: unknown }) => ({ req }),
  };
}
