/** What `switchboard plugin new` writes: the project layout of the plugin SDK README, §1–§2. */
export interface ScaffoldOptions {
  /** Plugin id, kebab-case; also the package name's suffix. */
  readonly id: string;
  /** The version spec of @switchboard/plugin-sdk in package.json (`^0.1.0`, `file:…tgz`). */
  readonly sdkSpec: string;
}

/**
 * Tool versions of the generated project: the ones this repository builds and tests the SDK with,
 * so a generated project compiles against the SDK's .d.ts as the SDK's own tests do.
 */
const TYPESCRIPT_RANGE = '~6.0.3';
const VITEST_RANGE = '^4.1.12';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function packageJson(o: ScaffoldOptions): string {
  return json({
    name: `switchboard-plugin-${o.id}`,
    version: '0.1.0',
    description: `Switchboard routing plugin ${o.id}`,
    type: 'module',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    files: ['dist'],
    scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run' },
    dependencies: { '@switchboard/plugin-sdk': o.sdkSpec },
    devDependencies: { typescript: TYPESCRIPT_RANGE, vitest: VITEST_RANGE },
  });
}

const tsconfigJson = json({
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    declaration: true,
    skipLibCheck: true,
    types: [],
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
});

function pluginSource(o: ScaffoldOptions): string {
  return `import { PASS, definePlugin, z, type RoutingDecision } from '@switchboard/plugin-sdk';

/** Configuration (Plugins page of the admin app); every field has a default, so {} works. */
export const configSchema = z.strictObject({
  number: z
    .string()
    .regex(/^[0-9*#+]+$/)
    .default('500')
    .describe('The number this plugin takes calls for'),
  target: z
    .string()
    .regex(/^[0-9]+$/)
    .default('200')
    .describe('The extension those calls go to'),
});

export default definePlugin({
  id: '${o.id}',
  version: '0.1.0',
  description: 'Sends the calls for one number on to an extension',
  configSchema,
  async route(call, api): Promise<RoutingDecision> {
    if (call.destination !== api.config.number) return PASS; // not ours: the next plugin decides
    const target = await api.extensions.get(api.config.target);
    if (!target?.enabled) {
      api.log.warn('target extension missing or disabled', { callId: call.callId, target: api.config.target });
      return PASS;
    }
    api.log.info('rerouting', { callId: call.callId, target: target.number });
    // The chain is asked again for the extension's number: the extensions plugin rings its phones.
    return { steps: [{ type: 'reroute', destination: target.number }] };
  },
});
`;
}

function pluginTest(o: ScaffoldOptions): string {
  return `import { routeCall, simulatePlan, testCall, type TestWorld } from '@switchboard/plugin-sdk/testkit';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

const world: TestWorld = { extensions: [{ number: '200' }, { number: '201', enabled: false }] };

describe('${o.id}', () => {
  it('reroutes calls for its number to the target extension', async () => {
    const r = await routeCall(plugin, testCall('500'), { world });
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps).toEqual([{ type: 'reroute', destination: '200' }]);
    expect(simulatePlan(r.plan, {}).result).toEqual({ kind: 'reroute', destination: '200' });
    expect(r.logs.map((l) => l.msg)).toEqual(['rerouting']);
  });

  it('passes other numbers, and its number when the target is disabled', async () => {
    expect((await routeCall(plugin, testCall('300'), { world })).pass).toBe(true);
    const disabled = await routeCall(plugin, testCall('500'), { world, config: { target: '201' } });
    expect(disabled.pass).toBe(true);
  });

  it('refuses a typo in its configuration', async () => {
    await expect(routeCall(plugin, testCall('500'), { world, config: { numbr: '600' } })).rejects.toThrow(/numbr/);
  });
});
`;
}

function readme(o: ScaffoldOptions): string {
  return `# switchboard-plugin-${o.id}

A Switchboard routing plugin: calls for \`number\` (default 500) go on to extension \`target\`
(default 200). Written with \`@switchboard/plugin-sdk\`; see its README for the API.

\`\`\`sh
npm install
npm run build   # src/ -> dist/
npm test        # test/*.test.ts with the SDK's testkit, no PBX needed
\`\`\`

Load it into a PBX: put this folder's absolute path first in the routing workers'
\`SWITCHBOARD_PLUGINS\` (e.g. \`SWITCHBOARD_PLUGINS=/opt/plugins/${o.id},@switchboard/plugin-extensions\`)
and restart them; configure \`number\` and \`target\` on the admin app's Plugins page.
`;
}

/** The files of a new plugin project, relative path → content. */
export function scaffoldFiles(o: ScaffoldOptions): ReadonlyMap<string, string> {
  return new Map([
    ['package.json', packageJson(o)],
    ['tsconfig.json', tsconfigJson],
    ['src/index.ts', pluginSource(o)],
    ['test/plugin.test.ts', pluginTest(o)],
    ['README.md', readme(o)],
    ['.gitignore', 'node_modules/\ndist/\n'],
  ]);
}
