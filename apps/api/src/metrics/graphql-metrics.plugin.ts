import type { ApolloServerPlugin } from '@apollo/server';
import type { MetricsService } from './metrics.service';

/** Observes each operation's latency by operation name. */
export function graphqlMetricsPlugin(
  metrics: () => MetricsService | undefined,
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors }) {
          metrics()?.observeOperation(
            operationName,
            (performance.now() - started) / 1000,
            (errors?.length ?? 0) > 0,
          );
        },
      };
    },
  };
}
