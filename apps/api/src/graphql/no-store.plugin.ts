import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';

const LISTENER: GraphQLRequestListener<object> = {
  async willSendResponse({ response }) {
    // An answer already marked by Apollo (an HTTP error) keeps its own header.
    if (!response.http.headers.has('cache-control'))
      response.http.headers.set('cache-control', 'no-store');
  },
};

/**
 * Every GraphQL answer is personal and current: `cache-control: no-store`, set here because
 * Apollo's cache-control plugin, which used to set it, is off (it costs a hook per field).
 */
export function noStorePlugin(): ApolloServerPlugin {
  return { requestDidStart: async () => LISTENER };
}
