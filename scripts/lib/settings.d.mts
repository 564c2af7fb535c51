export function settingsFile(dataDir: string): string;
export function readSettings(file: string): Record<string, string>;
export function stableDomainName(hostName?: string): string;
export function chooseSipDomain(o: {
  env: Record<string, string | undefined>;
  stored: Record<string, string>;
  firstRun: boolean;
  previousDefault: string;
  hostName?: string;
}): string;
export function writeSettings(file: string, values: Record<string, string>): void;
