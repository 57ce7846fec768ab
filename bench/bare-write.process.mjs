// The write baseline of bench/graphql.ts: a bare @apollo/server with the application's schema whose
// mutation does one plain INSERT per request into a bare table of the same PostgreSQL database
// (autocommit, durable at COMMIT like ours), then answers the constant our server gave: the
// physical limit of a durable write endpoint here. Receives { port, answers, databaseUrl,
// poolSize } and replies { ready: true }.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

process.once('message', async ({ port, answers, databaseUrl, poolSize }) => {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_bare_writes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    interview_id uuid NOT NULL,
    kind text NOT NULL,
    note text,
    recorded_at timestamptz NOT NULL DEFAULT now())`);
  const server = new ApolloServer({
    typeDefs: readFileSync(join(process.cwd(), 'schema.gql'), 'utf8'),
    resolvers: {
      Query: { cohort: () => answers.dashboard.cohort },
      Mutation: {
        recordTouchpoint: async (_, { input }) => {
          await pool.query(
            'INSERT INTO bench_bare_writes (interview_id, kind, note) VALUES ($1, $2, $3)',
            [input.interviewId, input.kind, input.note ?? null],
          );
          return answers.touchpoint.recordTouchpoint;
        },
      },
    },
  });
  await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  process.send({ ready: true });
  process.on('SIGTERM', () =>
    server
      .stop()
      .then(() => pool.end())
      .then(() => process.exit(0)),
  );
});
