import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, type CliContext } from './cli-context.js';
import type { Out } from './cli-options.js';
import { scaffoldFiles } from './plugin-scaffold-templates.js';

/** The plugin registry's rule for ids (packages/plugin-sdk, PluginRegistry). */
const PLUGIN_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `^x.y.z` of the SDK this CLI was built with: a new plugin targets the PBX it is made for. */
function sdkRange(): string {
  const file = createRequire(import.meta.url).resolve('@switchboard/plugin-sdk/package.json');
  return `^${(JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version}`;
}

/** A folder we may write into: missing or empty; anything else could overwrite someone's work. */
function prepareFolder(dir: string): void {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new CliError(`${dir} exists and is not a folder`);
  if (stat && fs.readdirSync(dir).length > 0) throw new CliError(`${dir} is not empty`);
  fs.mkdirSync(dir, { recursive: true });
}

/** `switchboard plugin new <name>`: a plugin project (package, tsconfig, plugin, testkit test). */
export function registerPluginScaffoldCommands(program: Command, _ctx: () => CliContext, out: Out): void {
  const plugin =
    program.commands.find((c) => c.name() === 'plugin') ??
    program.command('plugin').description('routing plugins');
  plugin
    .command('new <name>')
    .description('write a new routing plugin project (builds and tests without a PBX)')
    .option('--dir <path>', 'folder to create (default ./<name>); must be missing or empty')
    .option(
      '--sdk <spec>',
      'version spec of @switchboard/plugin-sdk, e.g. file:/tmp/switchboard-plugin-sdk-0.1.0.tgz',
    )
    .action((name: string, opts: { dir?: string; sdk?: string }) => {
      if (!PLUGIN_ID.test(name)) {
        throw new CliError(`plugin name "${name}" must be kebab-case (a-z, 0-9, -), e.g. night-service`);
      }
      const dir = path.resolve(opts.dir ?? name);
      prepareFolder(dir);
      const files = scaffoldFiles({ id: name, sdkSpec: opts.sdk ?? sdkRange() });
      for (const [file, content] of files) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
      }
      out(
        `wrote plugin "${name}" to ${dir}: ${[...files.keys()].join(', ')}\n` +
          `next: cd ${dir} && npm install && npm run build && npm test\n` +
          `then put ${dir} in SWITCHBOARD_PLUGINS of the routing workers and restart them\n`,
      );
    });
}
