import { ProjectionRebuilder } from '@rapport/event-store';
import { projections } from '../projections';
import { cliEventStore, openCliDatabase, runCli } from './cli.util';

// Rebuilds every read model into scratch tables and compares them with the live ones, row by
// row. Exits non-zero when any differs: a read model that is not what history says.
runCli(async () => {
  const handle = await openCliDatabase('owner', false);
  let differing = 0;
  try {
    const rebuilder = new ProjectionRebuilder(handle.database, cliEventStore(handle));
    for (const projection of projections) {
      const differences = await rebuilder.verify(projection);
      for (const [table, count] of Object.entries(differences)) {
        console.log(
          `${projection.name} ${table}: ${count === 0 ? 'identical' : `${count} rows differ`}`,
        );
        differing += count;
      }
    }
  } finally {
    await handle.close();
  }
  if (differing > 0) throw new Error(`${differing} rows differ from a rebuild of the history`);
  console.log('every read model matches a rebuild of the history');
});
