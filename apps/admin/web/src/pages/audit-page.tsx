import { Button, Group, Pagination, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { AuditEntry, Page } from '../api/types';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useApiData } from '../components/use-api-data';
import { ScrollTable } from '../components/scroll-table';

const PAGE_SIZE = 50;

function fields(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function show(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The fields that changed: `name: Sales → Support`; a creation lists its values, a deletion the old ones. */
function changesOf(e: AuditEntry): { field: string; before: string; after: string }[] {
  const before = fields(e.before);
  const after = fields(e.after);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => ({ field: k, before: show(before[k]), after: show(after[k]) }));
}

/** A local calendar day (from a date input) as the instant it starts, optionally the next day's. */
function dayStart(day: string, plusDays = 0): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

function Changes({ entry }: { entry: AuditEntry }) {
  const changes = changesOf(entry);
  if (changes.length === 0) return null;
  return (
    <Stack gap={0} data-testid="audit-changes">
      {changes.map((c) => (
        <Text key={c.field} size="xs" style={{ wordBreak: 'break-word' }}>
          <b>{c.field}</b>: {c.before} → {c.after}
        </Text>
      ))}
    </Stack>
  );
}

export function AuditPage() {
  const [page, setPage] = useState(1);
  const [actor, setActor] = useState('');
  const [entity, setEntity] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const entities = useApiData<{ items: string[] }>('/api/audit-log/entities');
  const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  if (actor.trim()) query.set('actor', actor.trim());
  if (entity) query.set('entity', entity);
  const fromInstant = dayStart(from);
  const toInstant = dayStart(to, 1);
  if (fromInstant) query.set('from', fromInstant);
  if (toInstant) query.set('to', toInstant);
  const { data, error, loading } = useApiData<Page<AuditEntry>>(`/api/audit-log?${query.toString()}`);
  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(1);
    };

  return (
    <Stack>
      <Title order={1} size="h2">
        Audit log
      </Title>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label="Who"
          name="auditActor"
          placeholder="user name"
          value={actor}
          onChange={(e) => filter(setActor)(e.currentTarget.value)}
        />
        <Select
          label="What"
          placeholder="everything"
          clearable
          data={entities.data?.items ?? []}
          value={entity}
          onChange={filter(setEntity)}
        />
        <TextInput
          type="date"
          label="From"
          name="auditFrom"
          value={from}
          onChange={(e) => filter(setFrom)(e.currentTarget.value)}
        />
        <TextInput
          type="date"
          label="To"
          name="auditTo"
          value={to}
          onChange={(e) => filter(setTo)(e.currentTarget.value)}
        />
        <Button
          variant="subtle"
          onClick={() => {
            setActor('');
            setEntity(null);
            setFrom('');
            setTo('');
            setPage(1);
          }}
        >
          Clear
        </Button>
      </Group>
      <ErrorAlert error={error ?? entities.error} />
      {loading && !data ? <LoadingView /> : null}
      {data && data.items.length === 0 ? <EmptyView title="No entries match" /> : null}
      {data && data.items.length > 0 ? (
        <>
          <ScrollTable minWidth={760}>
            <Table striped data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th>Changes</Table.Th>
                  <Table.Th>From</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{new Date(e.at).toLocaleString()}</Table.Td>
                    <Table.Td>{e.actor}</Table.Td>
                    <Table.Td>{e.action.replace(/_/g, ' ')}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{e.entity.replace(/_/g, ' ')}</Text>
                      {e.label ? (
                        <Text size="sm" fw={500}>
                          {e.label}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Changes entry={e} />
                    </Table.Td>
                    <Table.Td>{e.ip ?? ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {data.total} entries
            </Text>
            <Pagination
              total={Math.max(1, Math.ceil(data.total / PAGE_SIZE))}
              value={page}
              onChange={setPage}
            />
          </Group>
        </>
      ) : null}
    </Stack>
  );
}
