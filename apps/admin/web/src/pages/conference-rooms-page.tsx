import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/api-client';
import type { ConferenceRoom } from '../api/types';
import { ScrollTable } from '../components/scroll-table';
import { useCanChange } from '../components/session-context';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useAction } from '../components/use-action';
import { useApiData } from '../components/use-api-data';
import { ConferenceRoomFormModal } from './conference-room-form-modal';

const yesNo = (on: boolean) => (on ? <Badge variant="light">yes</Badge> : <Badge color="gray">no</Badge>);

export function ConferenceRoomsPage() {
  const rooms = useApiData<{ items: ConferenceRoom[] }>('/api/conference-rooms');
  const [form, setForm] = useState<{ opened: boolean; editing: ConferenceRoom | null }>({
    opened: false,
    editing: null,
  });
  const { act, error: actionError } = useAction(rooms.reload);
  const canChange = useCanChange();

  const remove = (r: ConferenceRoom) => {
    if (!window.confirm(`Delete conference room ${r.number}?`)) return;
    act(api('DELETE', `/api/conference-rooms/${r.id}`));
  };

  const items = rooms.data?.items ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Conference rooms
        </Title>
        {canChange ? (
          <Button onClick={() => setForm({ opened: true, editing: null })}>New room</Button>
        ) : null}
      </Group>
      <Text size="sm" c="dimmed">
        Callers dial the room number to join. In the room, *6 mutes or unmutes, *# leaves.
      </Text>
      <ErrorAlert error={rooms.error ?? actionError} />
      {rooms.loading && !rooms.data ? <LoadingView /> : null}
      {rooms.data && items.length === 0 ? (
        <EmptyView title="No conference rooms yet">
          A conference room mixes everyone who dials its number, optionally behind a PIN.
        </EmptyView>
      ) : null}
      {items.length > 0 ? (
        <ScrollTable minWidth={600}>
          <Table striped data-testid="conference-rooms-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>PIN</Table.Th>
                <Table.Th>Most participants</Table.Th>
                <Table.Th>Join chime</Table.Th>
                <Table.Th>Enabled</Table.Th>
                {canChange ? <Table.Th /> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{r.number}</Table.Td>
                  <Table.Td>{r.name}</Table.Td>
                  <Table.Td>{yesNo(r.hasPin)}</Table.Td>
                  <Table.Td>{r.maxParticipants}</Table.Td>
                  <Table.Td>{yesNo(r.announceJoin)}</Table.Td>
                  <Table.Td>{yesNo(r.enabled)}</Table.Td>
                  {canChange ? (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="xs"
                          variant="subtle"
                          aria-label={`Edit ${r.number}`}
                          onClick={() => setForm({ opened: true, editing: r })}
                        >
                          Edit
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Delete ${r.number}`}
                          onClick={() => remove(r)}
                        >
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : null}
      <ConferenceRoomFormModal
        opened={form.opened}
        editing={form.editing}
        onClose={() => setForm({ opened: false, editing: null })}
        onSaved={() => {
          setForm({ opened: false, editing: null });
          rooms.reload();
        }}
      />
    </Stack>
  );
}
