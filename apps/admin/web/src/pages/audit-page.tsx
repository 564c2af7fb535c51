import { Group, Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { AuditEntry, Page } from '../api/types';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useApiData } from '../components/use-api-data';

export function AuditPage() {
  const [page, setPage] = useState(1);
  const { data, error, loading } = useApiData<Page<AuditEntry>>(`/api/audit-log?page=${page}&pageSize=50`);
  return (
    <Stack>
      <Title order={1} size="h2">
        Audit log
      </Title>
      <ErrorAlert error={error} />
      {loading && !data ? <LoadingView /> : null}
      {data && data.items.length === 0 ? <EmptyView title="Nothing recorded yet" /> : null}
      {data && data.items.length > 0 ? (
        <>
          <Table.ScrollContainer minWidth={600}>
            <Table striped data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th>From</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{new Date(e.at).toLocaleString()}</Table.Td>
                    <Table.Td>{e.actor}</Table.Td>
                    <Table.Td>{e.action}</Table.Td>
                    <Table.Td>
                      {e.entity}
                      {e.entityId ? ` ${e.entityId.slice(0, 8)}` : ''}
                    </Table.Td>
                    <Table.Td>{e.ip ?? ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {data.total} entries
            </Text>
            <Pagination total={Math.max(1, Math.ceil(data.total / 50))} value={page} onChange={setPage} />
          </Group>
        </>
      ) : null}
    </Stack>
  );
}
