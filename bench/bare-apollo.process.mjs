// The GraphQL baseline of bench/graphql.ts, in its own plain Node process like the real server:
// a bare @apollo/server with the application's schema (schema.gql) answering constants (the
// answers our server gave). Receives { port, answers } and replies { ready: true }.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

process.once('message', async ({ port, answers }) => {
  const server = new ApolloServer({
    typeDefs: readFileSync(join(process.cwd(), 'schema.gql'), 'utf8'),
    resolvers: {
      Query: { cohort: () => answers.dashboard.cohort },
      Mutation: { recordTouchpoint: () => answers.touchpoint.recordTouchpoint },
    },
  });
  await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  process.send({ ready: true });
  process.on('SIGTERM', () => server.stop().then(() => process.exit(0)));
});
