import {
  EventStore,
  EventStore1764230400000,
  openDatabase,
  START,
  WorkerRole1764300000000,
} from '@rapport/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEvent, newTenant } from '../support/builders';

// The embedded default itself, whatever database the rest of the suite uses.
describe('embedded PGlite database', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'rapport-pglite-')), 'pglite');
  });
  afterEach(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  const open = () =>
    openDatabase(
      { mode: 'embedded', dataDir, poolSize: 4 },
      { role: 'app', migrate: [EventStore1764230400000, WorkerRole1764300000000] },
    );

  it('keeps its data across a restart and does not migrate twice', async () => {
    const first = await open();
    const worker = await first.as('worker');
    const tenant = (await newTenant(worker.database)).tenantId;
    await worker.close();
    await new EventStore(first.database).append(tenant, 'kept', [newEvent('Kept')]);
    await first.close();

    const second = await open();
    try {
      const events = await new EventStore(second.database).readStream(tenant, 'kept');
      expect(events.map((e) => e.type)).toEqual(['Kept']);
    } finally {
      await second.close();
    }
  });

  it('lets a second opener (a CLI) attach to the running server instead of opening the files', async () => {
    const server = await open();
    const cli = await openDatabase({ mode: 'embedded', dataDir, poolSize: 2 }, { role: 'owner' });
    try {
      expect(cli.description).toMatch(/served by process/);
      const tenant = (await newTenant(cli.database)).tenantId;
      await new EventStore(cli.database).append(tenant, 'from-cli', [newEvent('FromCli')]);
      const worker = await server.as('worker');
      const page = await new EventStore(worker.database)
        .readAll(START)
        .finally(() => worker.close());
      expect(page.events.map((e) => e.type)).toEqual(['FromCli']);
    } finally {
      await cli.close();
      await server.close();
    }
  });
});
