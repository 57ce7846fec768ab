import type { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloDriver } from '@nestjs/apollo';
import type { AppConfig } from '../config/app-config';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { graphqlMetricsPlugin } from '../metrics/graphql-metrics.plugin';
import type { MetricsService } from '../metrics/metrics.service';
import { formatGraphqlError } from './error-mapping';
import { noStorePlugin } from './no-store.plugin';
import type { Authenticator } from '../auth/authenticator.service';
import { requestLoggingPlugin } from '../logging/request-logging.plugin';
import { rateLimitPlugin } from '../rate-limit/rate-limit.plugin';
import type { RateLimitService } from '../rate-limit/rate-limit.service';

/**
 * The schema is built from the resolvers in memory; `npm run schema:write` prints it to the
 * committed schema.gql and CI fails when the two differ.
 */
export const MAX_TOKENS = 5_000;

export interface GraphqlDependencies {
  metrics?: MetricsService;
  /** Absent when only printing the schema. */
  rateLimit?: { limits: RateLimitService; authenticator: Authenticator };
}

export function graphqlOptions(
  config: AppConfig,
  dependencies: GraphqlDependencies = {},
): ApolloDriverConfig {
  const { metrics, rateLimit } = dependencies;
  // Static limits checked before execution; the limits themselves are not echoed to clients.
  const armor = new ApolloArmor({
    maxDepth: { n: 15, ignoreIntrospection: true, flattenFragments: true, exposeLimits: false },
    maxAliases: { n: 15, exposeLimits: false },
    // Tokens are limited by graphql-js's own parser (parseOptions below): armor's re-parse in
    // a plugin turns every syntax error into a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: 30, exposeLimits: false },
    // Armor's cost compounds per level: a page of students with its progress costs ~33k.
    costLimit: { maxCost: 100_000, exposeLimits: false },
    blockFieldSuggestion: { enabled: config.production },
  }).protect();
  return {
    // Plugins are typed for Apollo's base context; ours carries the request as well.
    plugins: [
      ...armor.plugins,
      // No cache hints are used: Apollo's plugin would only add a hook to every field resolved.
      ApolloServerPluginCacheControlDisabled(),
      // Not a federated subgraph: no traces to inline, not even a check per request.
      ApolloServerPluginInlineTraceDisabled(),
      noStorePlugin(),
      graphqlMetricsPlugin(() => metrics),
      requestLoggingPlugin(),
      // Off, the limiter would still verify every token per request to charge nobody.
      ...(rateLimit && config.rateLimit.enabled
        ? [rateLimitPlugin(rateLimit.limits, rateLimit.authenticator)]
        : []),
    ] as ApolloDriverConfig['plugins'],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: MAX_TOKENS },
    allowBatchedHttpRequests: false,
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
