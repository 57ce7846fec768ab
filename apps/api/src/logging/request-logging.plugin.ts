import type { ApolloServerPlugin } from '@apollo/server';
import type { RapportRequest } from '../auth/request-context';

/** Names the GraphQL operation on the request, for its log line. */
export function requestLoggingPlugin(): ApolloServerPlugin<{ req: RapportRequest }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, operationName, contextValue }) {
          contextValue.req.operationName =
            operationName ?? (operation ? `anonymous ${operation.operation}` : undefined);
        },
      };
    },
  };
}
