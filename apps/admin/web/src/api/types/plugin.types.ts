export interface Plugin {
  id: string;
  name: string;
  version: string | null;
  description: string | null;
  installed: boolean;
  enabled: boolean;
  config: unknown;
  configSchema: Record<string, unknown> | null;
}

export interface PluginRollout {
  revision: number;
  workers: number;
  applied: number;
  live: boolean;
  errors: string[];
}
