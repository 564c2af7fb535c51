import {
  Anchor,
  Badge,
  Button,
  Group,
  Pagination,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import type { CallRecord, Page } from '../api/types';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useApiData } from '../components/use-api-data';
import { ScrollTable } from '../components/scroll-table';
import { directionText } from '../components/call-direction';

const dispositions = [
  'answered',
  'no_answer',
  'busy',
  'cancelled',
  'rejected',
  'failed',
  'voicemail',
  'redirected',
];
const directions = ['internal', 'inbound', 'outbound'];
const pageSize = 25;

function duration(s: number | null): string {
  if (s === null) return '—';
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function CallHistoryPage() {
  const [number, setNumber] = useState('');
  const [debouncedNumber] = useDebouncedValue(number, 300);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [disposition, setDisposition] = useState<string | null>(null);
  const [direction, setDirection] = useState<string | null>(null);
  const [page, setPage] = useState(1);

  const filter = new URLSearchParams();
  if (debouncedNumber) filter.set('number', debouncedNumber);
  if (from) filter.set('from', from);
  if (to) filter.set('to', to);
  if (disposition) filter.set('disposition', disposition);
  if (direction) filter.set('direction', direction);
  const query = new URLSearchParams(filter);
  query.set('page', String(page));
  query.set('pageSize', String(pageSize));
  const { data, error, loading } = useApiData<Page<CallRecord>>(`/api/calls?${query.toString()}`);
  const pages = data ? Math.max(1, Math.ceil(data.total / pageSize)) : 1;
  const resetPage =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(1);
    };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Call history
        </Title>
        <Button component="a" variant="light" href={`/api/calls/export.csv?${filter.toString()}`} download>
          Export CSV
        </Button>
      </Group>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label="Number"
          placeholder="caller or callee"
          value={number}
          onChange={(e) => resetPage(setNumber)(e.currentTarget.value)}
          w={180}
        />
        <TextInput
          label="From"
          type="date"
          value={from}
          onChange={(e) => resetPage(setFrom)(e.currentTarget.value)}
          w={170}
        />
        <TextInput
          label="To"
          type="date"
          value={to}
          onChange={(e) => resetPage(setTo)(e.currentTarget.value)}
          w={170}
        />
        <Select
          label="Outcome"
          placeholder="any"
          clearable
          data={dispositions}
          value={disposition}
          onChange={resetPage(setDisposition)}
          w={160}
        />
        <Select
          label="Direction"
          placeholder="any"
          clearable
          data={directions}
          value={direction}
          onChange={resetPage(setDirection)}
          w={160}
        />
      </Group>
      <ErrorAlert error={error} />
      {loading && !data ? <LoadingView /> : null}
      {data && data.items.length === 0 ? (
        <EmptyView title="No calls match">Calls appear here when they end.</EmptyView>
      ) : null}
      {data && data.items.length > 0 ? (
        <>
          <ScrollTable minWidth={700}>
            <Table striped data-testid="calls-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Started</Table.Th>
                  <Table.Th>From</Table.Th>
                  <Table.Th>To</Table.Th>
                  <Table.Th>Direction</Table.Th>
                  <Table.Th>Answered by</Table.Th>
                  <Table.Th>Duration</Table.Th>
                  <Table.Th>Outcome</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Anchor
                        href={`#/calls/${encodeURIComponent(c.id)}`}
                        aria-label={`Details of the call at ${new Date(c.startedAt).toLocaleString()}`}
                      >
                        {new Date(c.startedAt).toLocaleString()}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      {c.callerName ? `${c.callerName} <${c.callerNumber}>` : c.callerNumber}
                    </Table.Td>
                    <Table.Td>{c.calleeNumber}</Table.Td>
                    <Table.Td>{directionText(c)}</Table.Td>
                    <Table.Td>{c.answeredBy ?? '—'}</Table.Td>
                    <Table.Td>{duration(c.durationSeconds)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={c.disposition === 'answered' ? 'green' : 'gray'}>
                        {c.disposition}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {data.total} calls
            </Text>
            <Pagination total={pages} value={page} onChange={setPage} />
          </Group>
        </>
      ) : null}
    </Stack>
  );
}
