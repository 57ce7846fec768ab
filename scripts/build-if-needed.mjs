// Builds the API when dist/ is missing or older than any source file, so `npm start` and the
// CLIs work straight after `npm ci` and stay quick afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const output = 'dist/apps/api/src/main.js';
const sources = ['apps', 'libs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.(ts|json)$/.test(path) ? stat.mtimeMs : 0;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const built = existsSync(output) ? statSync(output).mtimeMs : 0;
const changed = Math.max(...sources.filter(existsSync).map(newest));
if (changed > built) {
  console.log('Building Rapport…');
  const result = spawnSync('npx', ['nest', 'build', 'api'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
