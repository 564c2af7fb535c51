import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type {
  ApplyMigrationsInput,
  ApplyMigrationsOutput,
  DiagnoseMigrationHistoryInput,
  DiagnoseMigrationHistoryOutput,
  DiffParams,
  DiffResult,
  MigrationList,
} from '@prisma/schema-engine-wasm';

import { CharAsTextClient } from './char-as-text-client.js';

/** The part of the wasm SchemaEngine we use. */
export interface WasmSchemaEngine {
  diff(params: DiffParams): Promise<DiffResult>;
  /** What `prisma migrate deploy` runs; used by the tests to prove our bookkeeping is compatible. */
  applyMigrations(input: ApplyMigrationsInput): Promise<ApplyMigrationsOutput>;
  diagnoseMigrationHistory(input: DiagnoseMigrationHistoryInput): Promise<DiagnoseMigrationHistoryOutput>;
  free(): void;
}

type WasmExports = Record<string, unknown>;

/** The slice of the WebAssembly global we need (lib "dom" is not in this package's tsconfig). */
interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, object>,
  ): Promise<{ instance: { exports: WasmExports } }>;
}

interface EngineModule {
  __wbg_set_wasm(exports: WasmExports): void;
  SchemaEngine: {
    new: (
      options: { datamodels: [string, string][] | undefined },
      log: (line: string) => void,
      adapter: object,
    ) => Promise<WasmSchemaEngine>;
  };
}

let loaded: Promise<EngineModule> | undefined;

/**
 * Loads @prisma/schema-engine-wasm without Node's experimental wasm-module imports: we instantiate the
 * .wasm ourselves against its JS glue, which is what its ESM entry point would do.
 */
function loadEngineModule(): Promise<EngineModule> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const glue = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const module = (await import(pathToFileURL(glue).href)) as EngineModule;
    const bytes = await readFile(path.join(path.dirname(glue), 'schema_engine_bg.wasm'));
    const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const { instance } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': module });
    module.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as (() => void) | undefined)?.();
    return module;
  })();
  return loaded;
}

/**
 * A schema engine whose main and shadow connections both go to `databaseUrl` (a throwaway database we
 * created). adapter-pg's own connectToShadowDb() would end up on the main database, so we supply it.
 */
export async function openSchemaEngine(
  databaseUrl: string,
  schema: string,
  debugLog?: (line: string) => void,
): Promise<WasmSchemaEngine> {
  const module = await loadEngineModule();
  const factory = new PrismaPg({ connectionString: databaseUrl, Client: CharAsTextClient });
  const adapter = bindMigrationAwareSqlAdapterFactory({
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => factory.connect(),
    connectToShadowDb: () => factory.connect(),
  });
  return module.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    debugLog ?? (() => undefined),
    adapter,
  );
}

/** Our migration files in the engine's input shape. */
export function toEngineMigrationList(
  baseDir: string,
  lockfileContent: string,
  migrations: readonly { name: string; script: string }[],
): MigrationList {
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: lockfileContent },
    shadowDbInitScript: '',
    migrationDirectories: migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.script } },
    })),
  };
}
