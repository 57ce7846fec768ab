import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { RapportRequest } from '../auth/request-context';

// One listener for every request: it keeps nothing of its own.
const LISTENER: GraphQLRequestListener<{ req: RapportRequest }> = {
  async didResolveOperation({ operation, operationName, contextValue }) {
    contextValue.req.operationName =
      operationName ?? (operation ? `anonymous ${operation.operation}` : undefined);
  },
};

/** Names the GraphQL operation on the request, for its log line. */
export function requestLoggingPlugin(): ApolloServerPlugin<{ req: RapportRequest }> {
  return { requestDidStart: async () => LISTENER };
}
