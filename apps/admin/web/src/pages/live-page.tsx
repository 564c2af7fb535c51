import { Badge, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { ActiveCall, Registration } from '../api/types';
import { EmptyView, ErrorAlert } from '../components/status-views';
import { useApiData } from '../components/use-api-data';

const refreshMs = 3000;

function secondsFrom(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

export function LivePage() {
  const regs = useApiData<{ items: Registration[] }>('/api/live/registrations', refreshMs);
  const calls = useApiData<{ items: ActiveCall[] }>('/api/live/calls', refreshMs);
  const now = Date.now();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Live
        </Title>
        <Text size="xs" c="dimmed">
          refreshes every {refreshMs / 1000} s
        </Text>
      </Group>
      <Title order={4}>Active calls</Title>
      <ErrorAlert error={calls.error} />
      {calls.data && calls.data.items.length === 0 ? <EmptyView title="No active calls" /> : null}
      {calls.data && calls.data.items.length > 0 ? (
        <Table.ScrollContainer minWidth={560}>
          <Table striped data-testid="live-calls-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>From</Table.Th>
                <Table.Th>To</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Duration</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {calls.data.items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{c.fromDisplayName ? `${c.fromDisplayName} <${c.from}>` : c.from}</Table.Td>
                  <Table.Td>{c.toDisplayName ? `${c.toDisplayName} <${c.to}>` : c.to}</Table.Td>
                  <Table.Td>
                    <Badge variant="light">{c.state}</Badge>
                  </Table.Td>
                  <Table.Td>{secondsFrom(now - c.startedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <Title order={4}>Registrations</Title>
      <ErrorAlert error={regs.error} />
      {regs.data && regs.data.items.length === 0 ? (
        <EmptyView title="No phone is registered">Phones appear here once they register.</EmptyView>
      ) : null}
      {regs.data && regs.data.items.length > 0 ? (
        <Table.ScrollContainer minWidth={640}>
          <Table striped data-testid="registrations-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>AOR</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Contact</Table.Th>
                <Table.Th>User agent</Table.Th>
                <Table.Th>Source</Table.Th>
                <Table.Th>Expires in</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {regs.data.items.map((r) => (
                <Table.Tr key={`${r.aor} ${r.contact}`}>
                  <Table.Td>{r.aor}</Table.Td>
                  <Table.Td>{r.displayName ?? ''}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{r.contact}</Table.Td>
                  <Table.Td>{r.userAgent ?? ''}</Table.Td>
                  <Table.Td>
                    {r.sourceAddress ?? ''}
                    {r.transport ? ` (${r.transport})` : ''}
                  </Table.Td>
                  <Table.Td>{secondsFrom(r.expiresAt - now)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </Stack>
  );
}
