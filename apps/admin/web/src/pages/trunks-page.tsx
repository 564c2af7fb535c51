import { Badge, Button, Group, Stack, Table, Title } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/api-client';
import type { Trunk } from '../api/types';
import { ScrollTable } from '../components/scroll-table';
import { useCanChange } from '../components/session-context';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useAction } from '../components/use-action';
import { useApiData } from '../components/use-api-data';
import { TrunkFormModal } from './trunk-form-modal';
import { TrunkRegistrationStatus } from './trunk-registration-status';

export function TrunksPage() {
  const trunks = useApiData<{ items: Trunk[] }>('/api/trunks');
  const [form, setForm] = useState<{ opened: boolean; editing: Trunk | null }>({
    opened: false,
    editing: null,
  });
  const { act, error: actionError } = useAction(trunks.reload);
  const canChange = useCanChange();

  const remove = (t: Trunk) => {
    if (!window.confirm(`Delete trunk ${t.name}?`)) return;
    act(api('DELETE', `/api/trunks/${t.id}`));
  };

  const items = trunks.data?.items ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Trunks
        </Title>
        {canChange ? (
          <Button onClick={() => setForm({ opened: true, editing: null })}>New trunk</Button>
        ) : null}
      </Group>
      <ErrorAlert error={trunks.error ?? actionError} />
      {trunks.loading && !trunks.data ? <LoadingView /> : null}
      {trunks.data && items.length === 0 ? (
        <EmptyView title="No trunks yet">
          A trunk connects the PBX to a SIP provider for calls to and from the public network.
        </EmptyView>
      ) : null}
      {items.length > 0 ? (
        <ScrollTable minWidth={700}>
          <Table striped data-testid="trunks-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Host</Table.Th>
                <Table.Th>Transport</Table.Th>
                <Table.Th>Enabled</Table.Th>
                <Table.Th>Registration</Table.Th>
                {canChange ? <Table.Th /> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>{t.name}</Table.Td>
                  <Table.Td>{t.port === null ? t.host : `${t.host}:${t.port}`}</Table.Td>
                  <Table.Td>{t.transport.toUpperCase()}</Table.Td>
                  <Table.Td>
                    {t.enabled ? <Badge variant="light">yes</Badge> : <Badge color="gray">no</Badge>}
                  </Table.Td>
                  <Table.Td>
                    <TrunkRegistrationStatus trunk={t} />
                  </Table.Td>
                  {canChange ? (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="xs"
                          variant="subtle"
                          aria-label={`Edit ${t.name}`}
                          onClick={() => setForm({ opened: true, editing: t })}
                        >
                          Edit
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Delete ${t.name}`}
                          onClick={() => remove(t)}
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
      <TrunkFormModal
        opened={form.opened}
        editing={form.editing}
        onClose={() => setForm({ opened: false, editing: null })}
        onSaved={() => {
          setForm({ opened: false, editing: null });
          trunks.reload();
        }}
      />
    </Stack>
  );
}
