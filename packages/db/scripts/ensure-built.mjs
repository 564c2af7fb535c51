// Builds the package when dist/ is missing, so `pnpm --filter @switchboard/db run migrate` works on a
// fresh clone without a separate build step.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const needed = ['dist/index.js', 'dist/cli/migrate.js', 'dist/cli/seed.js', 'dist/cli/migration-new.js'];
if (!needed.every((file) => existsSync(path.join(packageDir, file)))) {
  console.log('@switchboard/db: dist/ missing, building first');
  const run = (args) => spawnSync(process.execPath, args, { cwd: packageDir, stdio: 'inherit' }).status === 0;
  const tsc = path.join(packageDir, 'node_modules/typescript/bin/tsc');
  if (!run([path.join(packageDir, 'scripts/generate.mjs')]) || !run([tsc, '-p', 'tsconfig.build.json'])) {
    process.exit(1);
  }
}
