import {
  Badge,
  Button,
  Group,
  Modal,
  NumberInput,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  Alert,
} from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api/api-client';
import type { VoicemailBoxRow, VoicemailMessage } from '../api/types';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useAction } from '../components/use-action';
import { useApiData } from '../components/use-api-data';
import { useCanChange } from '../components/session-context';
import { ScrollTable } from '../components/scroll-table';

function BoxSettingsModal({
  row,
  onClose,
  onSaved,
}: {
  row: VoicemailBoxRow | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [enabled, setEnabled] = useState(true);
  const [maxSeconds, setMaxSeconds] = useState<number | string>(180);
  const [maxMessages, setMaxMessages] = useState<number | string>(100);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    setEnabled(row?.box?.enabled ?? true);
    setMaxSeconds(row?.box?.maxMessageSeconds ?? 180);
    setMaxMessages(row?.box?.maxMessages ?? 100);
    setEmail(row?.box?.email ?? '');
    setError(null);
  }, [row]);
  const save = () => {
    if (!row) return;
    api('PUT', `/api/voicemail/boxes/${row.extensionId}`, {
      enabled,
      maxMessageSeconds: Number(maxSeconds),
      maxMessages: Number(maxMessages),
      email: email.trim() || null,
    }).then(onSaved, (err: unknown) =>
      setError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  };
  return (
    <Modal opened={row !== null} onClose={onClose} title={`Voicemail box of ${row?.number ?? ''}`} centered>
      <Stack>
        {error ? (
          <Alert color="red" role="alert">
            {error.message}
          </Alert>
        ) : null}
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <NumberInput
          label="Longest message (s)"
          min={10}
          max={3600}
          value={maxSeconds}
          onChange={setMaxSeconds}
          error={error?.forField('maxMessageSeconds')}
        />
        <NumberInput
          label="Most messages kept"
          min={1}
          max={10000}
          value={maxMessages}
          onChange={setMaxMessages}
          error={error?.forField('maxMessages')}
        />
        <TextInput
          label="Notify e-mail (optional)"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={error?.forField('email')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={save}>Save</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function Messages({ row, onChanged }: { row: VoicemailBoxRow; onChanged: () => void }) {
  const boxId = row.box?.id ?? '';
  const { data, error, reload } = useApiData<{ items: VoicemailMessage[] }>(
    `/api/voicemail/boxes/${boxId}/messages`,
  );
  const changed = useCallback(() => {
    reload();
    onChanged();
  }, [reload, onChanged]);
  const { act, error: actionError } = useAction(changed);
  const canChange = useCanChange();
  const items = data?.items ?? [];
  return (
    <Stack>
      <ErrorAlert error={error ?? actionError} />
      {data && items.length === 0 ? <EmptyView title="No messages in this box" /> : null}
      {items.map((m) => (
        <Group key={m.id} justify="space-between" wrap="wrap" data-testid="voicemail-message">
          <Stack gap={0}>
            <Text fw={m.heard ? 400 : 700}>
              {m.callerName ? `${m.callerName} ` : ''}&lt;{m.callerNumber}&gt;{' '}
              {m.heard ? null : <Badge size="xs">new</Badge>}
            </Text>
            <Text size="xs" c="dimmed">
              {new Date(m.createdAt).toLocaleString()} · {m.durationSeconds}s
            </Text>
          </Stack>
          <Group gap="xs" wrap="wrap">
            <audio controls preload="none" src={`/api/voicemail/messages/${m.id}/audio`} />
            {canChange ? (
              <>
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => act(api('PATCH', `/api/voicemail/messages/${m.id}`, { heard: !m.heard }))}
                >
                  {m.heard ? 'Mark new' : 'Mark heard'}
                </Button>
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={() =>
                    window.confirm('Delete this message?') &&
                    act(api('DELETE', `/api/voicemail/messages/${m.id}`))
                  }
                >
                  Delete
                </Button>
              </>
            ) : null}
          </Group>
        </Group>
      ))}
    </Stack>
  );
}

export function VoicemailPage() {
  const { data, error, loading, reload } = useApiData<{ items: VoicemailBoxRow[] }>('/api/voicemail/boxes');
  const [editing, setEditing] = useState<VoicemailBoxRow | null>(null);
  const [open, setOpen] = useState<VoicemailBoxRow | null>(null);
  const canChange = useCanChange();
  const items = data?.items ?? [];
  return (
    <Stack>
      <Title order={1} size="h2">
        Voicemail
      </Title>
      <ErrorAlert error={error} />
      {loading && !data ? <LoadingView /> : null}
      {data && items.length === 0 ? (
        <EmptyView title="No extensions yet">Each extension can have one voicemail box.</EmptyView>
      ) : null}
      {items.length > 0 ? (
        <ScrollTable minWidth={520}>
          <Table striped data-testid="voicemail-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Extension</Table.Th>
                <Table.Th>Box</Table.Th>
                <Table.Th>Messages</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.extensionId}>
                  <Table.Td>
                    {r.number} {r.displayName}
                  </Table.Td>
                  <Table.Td>
                    {r.box ? (
                      r.box.enabled ? (
                        <Badge color="green" variant="light">
                          on
                        </Badge>
                      ) : (
                        <Badge color="gray">off</Badge>
                      )
                    ) : (
                      <Text size="sm" c="dimmed">
                        none
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{r.box ? `${r.box.messages} (${r.box.unheard} new)` : '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      {canChange ? (
                        <Button size="xs" variant="subtle" onClick={() => setEditing(r)}>
                          {r.box ? 'Settings' : 'Create box'}
                        </Button>
                      ) : null}
                      {r.box ? (
                        <Button size="xs" variant="subtle" onClick={() => setOpen(r)}>
                          Messages
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : null}
      <BoxSettingsModal
        row={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          reload();
        }}
      />
      <Modal
        opened={open !== null}
        onClose={() => setOpen(null)}
        title={`Messages for ${open?.number ?? ''}`}
        size="lg"
        centered
      >
        {open ? <Messages row={open} onChanged={reload} /> : null}
      </Modal>
    </Stack>
  );
}
