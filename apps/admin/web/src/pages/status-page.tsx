import { Badge, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { Health, ProcessInfo, UpDown } from '../api/types';
import { EmptyView, ErrorAlert } from '../components/status-views';
import { useApiData } from '../components/use-api-data';

const refreshMs = 2000;

function age(ms: number | null): string {
  if (ms === null) return 'never';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s ago`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m ago`;
}

function StatusBadge({ status }: { status: UpDown | 'ok' | 'degraded' }) {
  const good = status === 'up' || status === 'ok';
  return (
    <Badge color={good ? 'green' : 'red'} variant="light">
      {status}
    </Badge>
  );
}

interface Component {
  name: string;
  status: UpDown;
  detail: string;
}

function componentsOf(h: Health): Component[] {
  const bool = (ok: boolean): UpDown => (ok ? 'up' : 'down');
  const role = (name: string, r: Health['processes']['worker']): Component => ({
    name,
    status: r.status,
    detail: `${r.alive} of ${r.known} alive, last heartbeat ${age(r.lastBeatAgeMs)}`,
  });
  const list: Component[] = [
    { name: 'Database (PostgreSQL)', status: bool(h.database), detail: '' },
    { name: 'Redis', status: bool(h.redis), detail: '' },
    role('SIP signalling', h.processes.signalling),
    role('Routing workers', h.processes.worker),
  ];
  if (h.rtpengine) {
    list.push({
      name: 'Media relay (rtpengine)',
      status: h.rtpengine.status,
      detail: h.rtpengine.error ? `${h.rtpengine.address}: ${h.rtpengine.error}` : h.rtpengine.address,
    });
  }
  return list;
}

/** The installation's health (GET /api/health) and each process's heartbeat. */
export function StatusPage() {
  const health = useApiData<Health>('/api/health', refreshMs);
  const processes = useApiData<{ items: ProcessInfo[] }>('/api/health/processes', refreshMs);
  const h = health.data;
  return (
    <Stack>
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={1} size="h2">
            Status
          </Title>
          {h ? <StatusBadge status={h.status} /> : null}
        </Group>
        <Text size="xs" c="dimmed">
          refreshes every {refreshMs / 1000} s
        </Text>
      </Group>
      <ErrorAlert error={health.error} />
      {h ? (
        <Table.ScrollContainer minWidth={480}>
          <Table striped data-testid="health-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Component</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Detail</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {componentsOf(h).map((c) => (
                <Table.Tr key={c.name}>
                  <Table.Td>{c.name}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={c.status} />
                  </Table.Td>
                  <Table.Td>{c.detail}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <Title order={4}>Processes</Title>
      {h ? (
        <Text size="sm" c="dimmed">
          Each process writes a heartbeat every {h.heartbeat.intervalMs / 1000} s; one silent for{' '}
          {h.heartbeat.aliveMs / 1000} s is down.
        </Text>
      ) : null}
      <ErrorAlert error={processes.error} />
      {processes.data && processes.data.items.length === 0 ? (
        <EmptyView title="No process has a heartbeat">
          Start the B2BUA (signalling and worker roles); they appear here within a second.
        </EmptyView>
      ) : null}
      {processes.data && processes.data.items.length > 0 ? (
        <Table.ScrollContainer minWidth={640}>
          <Table striped data-testid="processes-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Role</Table.Th>
                <Table.Th>Host</Table.Th>
                <Table.Th>PID</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Last heartbeat</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {processes.data.items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>{p.role}</Table.Td>
                  <Table.Td>{p.host}</Table.Td>
                  <Table.Td>{p.pid}</Table.Td>
                  <Table.Td>{p.version}</Table.Td>
                  <Table.Td>{new Date(p.startedAt).toLocaleString()}</Table.Td>
                  <Table.Td>{age(p.lastBeatAgeMs)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={p.status} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </Stack>
  );
}
