import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/api-client';
import type { Extension, RingGroup } from '../api/types';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useAction } from '../components/use-action';
import { useApiData } from '../components/use-api-data';
import { useCanChange } from '../components/session-context';
import { strategyLabel } from './ring-strategies';
import { RingGroupFormModal } from './ring-group-form-modal';
import { ScrollTable } from '../components/scroll-table';

export function RingGroupsPage() {
  const groups = useApiData<{ items: RingGroup[] }>('/api/ring-groups');
  const extensions = useApiData<{ items: Extension[] }>('/api/extensions');
  const [form, setForm] = useState<{ opened: boolean; editing: RingGroup | null }>({
    opened: false,
    editing: null,
  });
  const { act, error: actionError } = useAction(groups.reload);

  const remove = (g: RingGroup) => {
    if (!window.confirm(`Delete ring group ${g.number}?`)) return;
    act(api('DELETE', `/api/ring-groups/${g.id}`));
  };

  const items = groups.data?.items ?? [];
  const canChange = useCanChange();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Ring groups
        </Title>
        {canChange ? (
          <Button onClick={() => setForm({ opened: true, editing: null })}>New ring group</Button>
        ) : null}
      </Group>
      <ErrorAlert error={groups.error ?? extensions.error ?? actionError} />
      {groups.loading && !groups.data ? <LoadingView /> : null}
      {groups.data && items.length === 0 ? (
        <EmptyView title="No ring groups yet">
          A ring group is a number that rings several extensions, e.g. Sales or Reception.
        </EmptyView>
      ) : null}
      {items.length > 0 ? (
        <ScrollTable minWidth={600}>
          <Table striped data-testid="ring-groups-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Strategy</Table.Th>
                <Table.Th>Members</Table.Th>
                <Table.Th>Ring time</Table.Th>
                {canChange ? <Table.Th /> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((g) => (
                <Table.Tr key={g.id}>
                  <Table.Td>{g.number}</Table.Td>
                  <Table.Td>
                    {g.name} {g.enabled ? null : <Badge color="gray">disabled</Badge>}
                  </Table.Td>
                  <Table.Td>{strategyLabel(g.strategy)}</Table.Td>
                  <Table.Td>
                    {g.members.length === 0 ? (
                      <Text c="dimmed" size="sm">
                        none
                      </Text>
                    ) : (
                      <Group gap={4}>
                        {g.members.map((m) => (
                          <Badge key={m.extensionId} variant="light" title={m.displayName}>
                            {m.number}
                          </Badge>
                        ))}
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td>{g.ringTimeSeconds}s</Table.Td>
                  {canChange ? (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="xs"
                          variant="subtle"
                          onClick={() => setForm({ opened: true, editing: g })}
                        >
                          Edit
                        </Button>
                        <Button size="xs" variant="subtle" color="red" onClick={() => remove(g)}>
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
      <RingGroupFormModal
        opened={form.opened}
        editing={form.editing}
        extensions={extensions.data?.items ?? []}
        onClose={() => setForm({ opened: false, editing: null })}
        onSaved={() => {
          setForm({ opened: false, editing: null });
          groups.reload();
        }}
      />
    </Stack>
  );
}
