import { Badge, Button, Code, Group, Paper, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { CallDetail, CallTraceView } from '../api/types';
import { LadderDiagram } from '../components/ladder-diagram';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useApiData } from '../components/use-api-data';
import { ScrollTable } from '../components/scroll-table';
import { directionText } from '../components/call-direction';

function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={200}>{label}</Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function TraceView({ id }: { id: string }) {
  const path = `/api/calls/${encodeURIComponent(id)}`;
  const { data, error, loading } = useApiData<CallTraceView>(`${path}/trace`);
  const [selected, setSelected] = useState<number | null>(null);
  const message = selected === null ? undefined : data?.messages[selected];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          SIP ladder
        </Title>
        <Group>
          <Button component="a" variant="light" href={`${path}/trace.txt`} download>
            Download text
          </Button>
          <Button component="a" variant="light" href={`${path}/trace.pcap`} download>
            Download pcap
          </Button>
        </Group>
      </Group>
      <ErrorAlert error={error} />
      {loading && !data ? <LoadingView /> : null}
      {data && data.dropped > 0 ? (
        <Text c="orange" size="sm">
          {data.dropped} later message(s) were not kept: the call's trace buffer was full.
        </Text>
      ) : null}
      {data ? (
        <ScrollArea type="auto">
          <LadderDiagram trace={data} selected={selected} onSelect={setSelected} />
        </ScrollArea>
      ) : null}
      {message ? (
        <Paper withBorder p="sm" data-testid="sip-message">
          <Text size="sm" fw={600}>
            {new Date(message.t).toISOString()} {message.proto}{' '}
            {message.dir === 'in'
              ? `${message.remote} → ${message.local}`
              : `${message.local} → ${message.remote}`}
          </Text>
          <Code block>{message.text}</Code>
        </Paper>
      ) : data ? (
        <Text size="sm" c="dimmed">
          Click an arrow to see the whole message.
        </Text>
      ) : null}
    </Stack>
  );
}

/** The recording of a call: played from the authenticated endpoint (session cookie), with a download. */
function RecordingView({ id, recording }: { id: string; recording: NonNullable<CallDetail['recording']> }) {
  const src = `/api/calls/${encodeURIComponent(id)}/recording.wav`;
  return (
    <Stack gap="xs" data-testid="call-recording">
      <Group justify="space-between">
        <Title order={2} size="h3">
          Recording
        </Title>
        <Button component="a" variant="light" href={src} download>
          Download WAV
        </Button>
      </Group>
      <audio controls preload="none" src={src} data-testid="recording-audio" />
      <Text size="sm" c="dimmed">
        {(recording.durationMs / 1000).toFixed(1)} s, caller left, callee right; recorded for{' '}
        {recording.reasons.join(', ')}
        {recording.announced ? ' (announced to both parties)' : ''}.
      </Text>
    </Stack>
  );
}

/** One call: its record, legs with their SIP Call-IDs, and its SIP ladder when a trace is stored. */
export function CallDetailPage({ id }: { id: string }) {
  const { data, error, loading } = useApiData<CallDetail>(`/api/calls/${encodeURIComponent(id)}`);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Call detail
        </Title>
        <Button component="a" variant="subtle" href="#/calls">
          Back to call history
        </Button>
      </Group>
      <ErrorAlert error={error} />
      {loading && !data ? <LoadingView /> : null}
      {data ? (
        <>
          <Table data-testid="call-facts" withRowBorders>
            <Table.Tbody>
              <Fact label="From">
                {data.callerName ? `${data.callerName} <${data.callerNumber}>` : data.callerNumber}
              </Fact>
              <Fact label="To">{data.calleeNumber}</Fact>
              <Fact label="Direction">{directionText(data)}</Fact>
              {data.externalNumber ? <Fact label="External number">{data.externalNumber}</Fact> : null}
              {data.did ? <Fact label="DID">{data.did}</Fact> : null}
              <Fact label="Started">{when(data.startedAt)}</Fact>
              <Fact label="Answered by">{data.answeredBy ?? '—'}</Fact>
              <Fact label="Outcome">
                <Badge variant="light" color={data.disposition === 'answered' ? 'green' : 'gray'}>
                  {data.disposition}
                </Badge>{' '}
                {data.hangupCause ?? ''} {data.hangupSide ? `(hung up by ${data.hangupSide})` : ''}
              </Fact>
              <Fact label="Routing plugin">{data.pluginId ?? '—'}</Fact>
              <Fact label="Caller SIP Call-ID">
                <Code>{data.sipCallId ?? '—'}</Code>
              </Fact>
              <Fact label="Call id">
                <Code>{data.id}</Code>
              </Fact>
            </Table.Tbody>
          </Table>
          <Title order={2} size="h3">
            Legs
          </Title>
          {data.legs.length === 0 ? (
            <Text size="sm" c="dimmed">
              No outgoing leg was started.
            </Text>
          ) : (
            <ScrollTable minWidth={700}>
              <Table striped data-testid="legs-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Target</Table.Th>
                    <Table.Th>Started</Table.Th>
                    <Table.Th>Final status</Table.Th>
                    <Table.Th>Answered</Table.Th>
                    <Table.Th>SIP Call-ID</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.legs.map((l) => (
                    <Table.Tr key={`${l.target}-${l.startedAt}-${l.sipCallId ?? ''}`}>
                      <Table.Td>{l.target}</Table.Td>
                      <Table.Td>{when(l.startedAt)}</Table.Td>
                      <Table.Td>{l.status ?? '—'}</Table.Td>
                      <Table.Td>{l.answered ? 'yes' : 'no'}</Table.Td>
                      <Table.Td>
                        <Code>{l.sipCallId ?? '—'}</Code>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          )}
          {data.recording ? <RecordingView id={data.id} recording={data.recording} /> : null}
          {data.trace ? (
            <TraceView id={data.id} />
          ) : (
            <EmptyView title="No SIP trace stored for this call">
              Traces are kept for SWITCHBOARD_TRACE_RETENTION_DAYS (0 turns capture off) and within
              SWITCHBOARD_TRACE_MAX_TOTAL_MB; a call that just ended has its trace a few seconds later.
            </EmptyView>
          )}
        </>
      ) : null}
    </Stack>
  );
}
