import { openDatabase } from '@rapport/event-store';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrations } from '../database/migrations';
import { schemaSnapshot } from '../database/schema-snapshot';
import { buildSchemaText, SCHEMA_FILE } from '../graphql/print-schema';
import { runCli } from './cli.util';

const DATABASE_SNAPSHOT = 'apps/api/src/database/schema.sql';
const MIGRATION_DIRS = ['libs/event-store/src/migrations', 'apps/api/src/database/migrations'];

/**
 * Fails when the committed schema.gql or database snapshot differs from what the code and the
 * migrations produce, or when a migration file is not registered. `--write` updates the files.
 * The snapshot is taken on a throwaway in-memory PGlite so it is the same on every machine.
 */
runCli(async () => {
  const write = process.argv.includes('--write');
  const problems: string[] = [];

  const registered = new Set(migrations.map((m) => m.name));
  for (const dir of MIGRATION_DIRS.filter(existsSync)) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      for (const [, name] of readFileSync(join(dir, file), 'utf8').matchAll(
        /export class (\w+) implements MigrationInterface/g,
      )) {
        if (!registered.has(name))
          problems.push(
            `migration ${name} (${dir}/${file}) is not listed in apps/api/src/database/migrations.ts`,
          );
      }
    }
  }

  const handle = await openDatabase(
    { mode: 'embedded', dataDir: null, poolSize: 2 },
    { role: 'owner', migrate: migrations },
  );
  const generated: [string, string][] = [
    [SCHEMA_FILE, await buildSchemaText()],
    [DATABASE_SNAPSHOT, await schemaSnapshot(handle.database).finally(() => handle.close())],
  ];

  for (const [file, content] of generated) {
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (committed === content) continue;
    if (write) {
      writeFileSync(file, content);
      console.log(`wrote ${file}`);
    } else {
      problems.push(`${file} is out of date: run \`npm run schema:write\` and commit it`);
    }
  }
  if (problems.length > 0) throw new Error(`drift found:\n  ${problems.join('\n  ')}`);
  console.log(
    write
      ? 'schema files are up to date'
      : 'no drift: schema.gql and the database snapshot match the code',
  );
});
