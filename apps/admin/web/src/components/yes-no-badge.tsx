import { Badge } from '@mantine/core';

/** A boolean setting in a table cell. */
export function YesNoBadge({ on }: { on: boolean }) {
  return on ? <Badge variant="light">yes</Badge> : <Badge color="gray">no</Badge>;
}
