export { createAdminApp } from './app/create-admin-app.js';
export { AdminAppModule, type AdminAppDependencies } from './app/admin-app.module.js';
export { startAdminServer, adminOptionsFrom, type RunningAdminServer } from './app/admin-server.js';
export { defaultAdminOptions, type AdminOptions } from './common/admin-options.js';
export { redisKeys, type RegistrationBinding, type ActiveCall } from '@switchboard/live-state';
export { pluginManifestsKey, type PluginManifest } from './plugins/plugin-manifest.js';
export { buildOpenApiDocument } from './openapi/openapi-document.js';
export { runCli, type CliIo } from './cli/switchboard-cli.js';
