/**
 * The benchmark harness of issue #6: every workload beside a baseline measured in the same run.
 *
 *   npm run bench -- --quick        append, digests (2,000), 200k seed + rebuild, asOf, GraphQL
 *   npm run bench                   the same with 10,000 digests and a second size of 1M events
 *   npm run bench -- --only append,graphql      (append, rebuild, asof, graphql, digests, roster, tokens)
 *
 * Prints one table and writes bench/results.json (and bench/plans.txt). Runs under jest only
 * because ts-jest already resolves the `@rapport/*` aliases and the ESM-only NestJS packages.
 */
import { appendWorkload } from './append';
import { encryptionWorkload } from './encryption';
import { digestsWorkload } from './digests';
import { graphqlWorkload } from './graphql';
import {
  type Args,
  DB_NAME,
  dbUrl,
  dropDatabase,
  freshDatabase,
  log,
  parseArgs,
  printTable,
  record,
  withClient,
  writeResults,
} from './harness';
import { asOfWorkload, rebuildWorkload, writePlans } from './rebuild';
import { rosterWorkload } from './roster';
import { seed } from './seed';
import { tokensWorkload } from './tokens';

const TERM_START = new Date('2026-09-07T00:00:00.000Z');
const TERM_DAYS = 84;

function label(events: number): string {
  return events >= 1_000_000 ? `${events / 1_000_000}M` : `${Math.round(events / 1000)}k`;
}

async function seededWorkloads(args: Args, size: number, last: boolean): Promise<void> {
  const tag = label(size);
  log(`\n== ${tag} events ==`);
  const { app, owner } = await freshDatabase(DB_NAME);
  try {
    const seeded = await withClient(dbUrl(DB_NAME), (c) =>
      seed(c, {
        events: size,
        studentsPerCohort: args.cohortSize,
        termStart: TERM_START,
        termDays: TERM_DAYS,
      }),
    );
    log(
      `  seeded ${seeded.events} events, ${seeded.streams} streams, ${seeded.students} students, ` +
        `${seeded.cohortIds.length} cohorts (generate ${seeded.generateSeconds.toFixed(1)} s, write ${seeded.writeSeconds.toFixed(1)} s)`,
    );
    // The rebuild also fills aggregate_states, which the seed bypassed: the later workloads need it.
    await rebuildWorkload(owner, DB_NAME, seeded, tag, args.quick);
    if (args.only.has('asof')) await asOfWorkload(app, seeded, tag, args, last);
    await owner.close();
    await app.close();
    // GraphQL last: its mutations append to the log. Only on the size the issue names (200k).
    if (args.only.has('graphql') && size === args.sizes[0]) {
      log(`\n== graphql on ${tag} events, ${seeded.students} students ==`);
      await graphqlWorkload(DB_NAME, seeded, tag, args);
    }
  } finally {
    await owner.close().catch(() => undefined);
    await app.close().catch(() => undefined);
  }
}

test('rapport benchmark', async () => {
  const args = parseArgs();
  const started = performance.now();
  log(
    `\nRapport benchmark (${args.quick ? 'quick' : 'full'}): ${[...args.only].join(', ')}; ` +
      `sizes ${args.sizes.map(label).join(', ')}, ${args.digests} digests`,
  );
  const meta = () => ({
    mode: args.quick ? 'quick' : 'full',
    args: process.env.BENCH_ARGS ?? '',
    finishedAt: new Date().toISOString(),
    node: process.version,
  });
  const timed = async (name: string, work: () => Promise<void>) => {
    const t = performance.now();
    await work();
    log(`  (${name}: ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  };
  if (args.only.has('append')) await timed('append', () => appendWorkload(args));
  if (args.only.has('digests')) await timed('digests', () => digestsWorkload(args));
  if (args.only.has('roster')) await timed('roster', () => rosterWorkload(args));
  if (args.only.has('tokens')) await timed('tokens', () => tokensWorkload(args));
  if (args.only.has('encryption')) await timed('encryption', () => encryptionWorkload(args));
  if (args.only.has('rebuild') || args.only.has('asof') || args.only.has('graphql')) {
    for (const [i, size] of args.sizes.entries()) {
      await timed(`seed, rebuild, asOf, GraphQL on ${label(size)}`, () =>
        seededWorkloads(args, size, i === args.sizes.length - 1),
      );
      writeResults(meta()); // a long run that is interrupted still leaves the finished sizes
      writePlans();
    }
    await dropDatabase(DB_NAME);
  }
  record('seed', 'total bench wall time', 's', (performance.now() - started) / 1000);
  writeResults(meta());
  printTable();
  log('wrote bench/results.json and bench/plans.txt');
});
