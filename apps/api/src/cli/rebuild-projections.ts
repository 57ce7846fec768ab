import { ProjectionRebuilder } from '@rapport/event-store';
import { SingleBar, Presets } from 'cli-progress';
import { parseArgs } from 'node:util';
import { projections } from '../projections';
import { cliEventStore, openCliDatabase, runCli } from './cli.util';

const usage = 'usage: npm run projections:rebuild -- <projection-name>... | --all';

runCli(async () => {
  const { values, positionals } = parseArgs({
    options: { all: { type: 'boolean' } },
    allowPositionals: true,
  });
  const chosen = values.all
    ? projections
    : positionals.map((name) => {
        const projection = projections.find((p) => p.name === name);
        if (!projection)
          throw new Error(
            `no projection named "${name}"; known: ${projections.map((p) => p.name).join(', ') || 'none'}`,
          );
        return projection;
      });
  if (chosen.length === 0) {
    console.log(values.all ? 'there are no projections to rebuild' : usage);
    return;
  }
  const handle = await openCliDatabase('owner', false);
  try {
    const rebuilder = new ProjectionRebuilder(handle.database, cliEventStore(handle));
    const names = chosen.map((p) => p.name).join(', ');
    const bar = new SingleBar(
      { format: `${names} [{bar}] {percentage}% {value}/{total} events` },
      Presets.shades_classic,
    );
    bar.start(1, 0);
    // One pass over the log feeds every chosen projection.
    const result = await rebuilder.rebuildMany(chosen, ({ applied, total }) => {
      bar.setTotal(Math.max(total, 1));
      bar.update(applied);
    });
    bar.stop();
    console.log(
      `${names}: ${result.events} events in ${result.seconds.toFixed(1)} s ` +
        `(${Math.round(result.eventsPerSecond)} events/s), swapped in`,
    );
  } finally {
    await handle.close();
  }
});
