import { Alert, Badge, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/api-client';
import type { ActiveCall, ExtensionLamp, ParkedCall, Registration } from '../api/types';
import { EmptyView, ErrorAlert } from '../components/status-views';
import { useApiData } from '../components/use-api-data';
import { useCanChange } from '../components/session-context';
import { ScrollTable } from '../components/scroll-table';

const refreshMs = 3000;

function secondsFrom(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

function party(uri: string, name: string | undefined): string {
  return name ? `${name} <${uri}>` : uri;
}

const lampColor: Record<ExtensionLamp['lamp'], string> = {
  idle: 'gray',
  dialling: 'yellow',
  ringing: 'orange',
  busy: 'red',
};

/** The other parties of an extension's open dialogs, e.g. "from Alice <sip:100@pbx>". */
function lampParties(l: ExtensionLamp): string {
  return l.dialogs
    .filter((d) => d.state !== 'terminated')
    .map((d) => `${d.direction === 'recipient' ? 'from' : 'to'} ${party(d.remote, d.remoteName)}`)
    .join(', ');
}

export function LivePage() {
  const regs = useApiData<{ items: Registration[] }>('/api/live/registrations', refreshMs);
  const calls = useApiData<{ items: ActiveCall[] }>('/api/live/calls', refreshMs);
  const lamps = useApiData<{ items: ExtensionLamp[] }>('/api/live/lamps', refreshMs);
  const parked = useApiData<{ items: ParkedCall[] }>('/api/live/parked', refreshMs);
  const [hangup, setHangup] = useState<{ ok: boolean; text: string } | null>(null);
  const [ending, setEnding] = useState<string | null>(null);
  const canChange = useCanChange();
  const now = Date.now();
  const hangUp = (c: ActiveCall) => {
    const who = `${party(c.from, c.fromDisplayName)} → ${party(c.to, c.toDisplayName)}`;
    if (!window.confirm(`Hang up the call ${who}? Both parties are disconnected.`)) return;
    setEnding(c.id);
    api('POST', `/api/live/calls/${encodeURIComponent(c.id)}/hangup`)
      .then(
        () => setHangup({ ok: true, text: `Hung up ${who}.` }),
        (err: unknown) =>
          setHangup({
            ok: false,
            text: `Could not hang up ${who}: ${err instanceof Error ? err.message : String(err)}`,
          }),
      )
      .finally(() => {
        setEnding(null);
        calls.reload();
      });
  };
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
      {hangup ? (
        <Alert
          color={hangup.ok ? 'green' : 'red'}
          role={hangup.ok ? 'status' : 'alert'}
          withCloseButton
          onClose={() => setHangup(null)}
          data-testid="hangup-result"
        >
          {hangup.text}
        </Alert>
      ) : null}
      {calls.data && calls.data.items.length === 0 ? <EmptyView title="No active calls" /> : null}
      {calls.data && calls.data.items.length > 0 ? (
        <ScrollTable minWidth={640}>
          <Table striped data-testid="live-calls-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>From</Table.Th>
                <Table.Th>To</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Duration</Table.Th>
                {canChange ? (
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                ) : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {calls.data.items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{party(c.from, c.fromDisplayName)}</Table.Td>
                  <Table.Td>{party(c.to, c.toDisplayName)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light">{c.state}</Badge>
                  </Table.Td>
                  <Table.Td>{secondsFrom(now - c.startedAt)}</Table.Td>
                  {canChange ? (
                    <Table.Td>
                      <Button
                        color="red"
                        variant="light"
                        size="xs"
                        loading={ending === c.id}
                        onClick={() => hangUp(c)}
                        aria-label={`Hang up the call from ${c.from} to ${c.to}`}
                      >
                        Hang up
                      </Button>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : null}
      <Title order={4}>Parked calls</Title>
      <ErrorAlert error={parked.error} />
      {parked.data && parked.data.items.length === 0 ? (
        <EmptyView title="No parked calls">A call transferred to the park number waits here.</EmptyView>
      ) : null}
      {parked.data && parked.data.items.length > 0 ? (
        <ScrollTable minWidth={560}>
          <Table striped data-testid="parked-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Slot</Table.Th>
                <Table.Th>Parked caller</Table.Th>
                <Table.Th>Parked by</Table.Th>
                <Table.Th>Waiting</Table.Th>
                <Table.Th>Rings back in</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {parked.data.items.map((p) => (
                <Table.Tr key={p.slot} data-testid={`parked-${p.slot}`}>
                  <Table.Td>{p.slot}</Table.Td>
                  <Table.Td>{p.parkedName ? `${p.parkedName} (${p.parked})` : p.parked}</Table.Td>
                  <Table.Td>{p.parker}</Table.Td>
                  <Table.Td>{secondsFrom(now - p.since)}</Table.Td>
                  <Table.Td>{secondsFrom(p.timeoutAt - now)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : null}
      <Title order={4}>Extension lamps</Title>
      <ErrorAlert error={lamps.error} />
      {lamps.data && lamps.data.items.length === 0 ? <EmptyView title="No extensions" /> : null}
      {lamps.data && lamps.data.items.length > 0 ? (
        <ScrollTable minWidth={480}>
          <Table striped data-testid="lamps-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Extension</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Lamp</Table.Th>
                <Table.Th>With</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lamps.data.items.map((l) => (
                <Table.Tr key={l.number} data-testid={`lamp-${l.number}`}>
                  <Table.Td>{l.number}</Table.Td>
                  <Table.Td>{l.displayName}</Table.Td>
                  <Table.Td>
                    <Badge color={lampColor[l.lamp]} variant={l.lamp === 'idle' ? 'outline' : 'filled'}>
                      {l.lamp}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{lampParties(l)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : null}
      <Title order={4}>Registrations</Title>
      <ErrorAlert error={regs.error} />
      {regs.data && regs.data.items.length === 0 ? (
        <EmptyView title="No phone is registered">Phones appear here once they register.</EmptyView>
      ) : null}
      {regs.data && regs.data.items.length > 0 ? (
        <ScrollTable minWidth={640}>
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
        </ScrollTable>
      ) : null}
    </Stack>
  );
}
