import type { ApolloServerPlugin } from '@apollo/server';
import { type FragmentDefinitionNode, GraphQLError, Kind } from 'graphql';
import type { Authenticator } from '../auth/authenticator.service';
import type { RapportRequest } from '../auth/request-context';
import { assertCostlyFieldsExist, countOperations } from './operation-count.util';
import { RateLimitError } from './rate-limit.errors';
import { callerOf, type RateLimitService } from './rate-limit.service';

/**
 * Charges each GraphQL request for the operations it asks for before anything executes, so a
 * refused request has changed nothing and can simply be sent again after Retry-After.
 */
export function rateLimitPlugin(
  limits: RateLimitService,
  authenticator: Authenticator,
): ApolloServerPlugin<{ req: RapportRequest }> {
  return {
    async serverWillStart({ schema }) {
      assertCostlyFieldsExist(schema);
    },
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue, schema, request: body }) {
          if (!operation) return; // Apollo has already refused a request without one
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION)
              fragments.set(definition.name.value, definition);
          }
          const request = contextValue.req;
          // A bad token is the guard's to report, field by field; here it pays as anonymous.
          const actor = await authenticator.tryAuthenticate(request);
          const caller = callerOf(actor, request);
          try {
            await limits.charge(
              caller,
              countOperations(schema, operation, fragments, body.variables ?? {}),
            );
          } catch (error) {
            if (!(error instanceof RateLimitError)) throw error;
            throw new GraphQLError(error.message, {
              extensions: {
                code: error.code,
                retryAfterSeconds: error.retryAfterSeconds,
                http: {
                  status: 429,
                  headers: new Map([['retry-after', String(error.retryAfterSeconds)]]),
                },
              },
            });
          }
        },
      };
    },
  };
}
