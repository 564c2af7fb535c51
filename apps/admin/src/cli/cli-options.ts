import { Option } from 'commander';

export type Out = (text: string) => void;

/** An `on|off` switch option; commander refuses any other value with a message naming the option. */
export function onOffOption(flags: string, description: string): Option {
  return new Option(flags, description).choices(['on', 'off']);
}

/** undefined when the option was not given, else whether it was `on`. */
export function isOn(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'on';
}

/** `a, b,,c` → ['a', 'b', 'c']. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** `--json` prints the data as the API returns it; otherwise the human rendering. */
export function printResult(out: Out, json: boolean | undefined, data: unknown, human: () => string): void {
  out(json ? JSON.stringify(data, null, 2) + '\n' : human());
}

/** The `--json` option every listing and show command takes. */
export const JSON_HELP = 'print JSON (the admin API shape) instead of a table';
