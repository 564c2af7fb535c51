import {
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/api-client';
import type { ApiToken } from '../api/types';
import { SecretRevealModal } from '../components/secret-reveal-modal';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useAction } from '../components/use-action';
import { useApiData } from '../components/use-api-data';
import { useCanChange } from '../components/session-context';
import { ScrollTable } from '../components/scroll-table';

const when = (iso: string | null, none: string): string => (iso ? new Date(iso).toLocaleString() : none);

function status(t: ApiToken): { label: string; color: string } {
  if (t.revokedAt) return { label: 'revoked', color: 'gray' };
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= Date.now())
    return { label: 'expired', color: 'gray' };
  return { label: 'active', color: 'green' };
}

function NewTokenForm({ onCreated }: { onCreated: (token: string) => void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<string | null>('read_only');
  const [days, setDays] = useState<number | string>(90);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    api<{ token: string }>('POST', '/api/tokens', {
      name,
      scope,
      expiresInDays: days === '' ? null : Number(days),
    }).then(
      (r) => {
        setError(null);
        setName('');
        onCreated(r.token);
      },
      (err: unknown) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  };

  return (
    <Card withBorder>
      <form onSubmit={submit} noValidate>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Name"
            name="tokenName"
            description="What uses it, e.g. provisioning script"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={error?.forField('name')}
          />
          <Select
            label="Scope"
            data={[
              { value: 'read_only', label: 'Read-only (GET only)' },
              { value: 'full', label: 'Full (everything you can do)' },
            ]}
            value={scope}
            onChange={setScope}
            allowDeselect={false}
            error={error?.forField('scope')}
          />
          <NumberInput
            label="Expires after (days)"
            description="Empty: never"
            name="expiresInDays"
            min={1}
            max={3650}
            value={days}
            onChange={setDays}
            error={error?.forField('expiresInDays')}
          />
          <Button type="submit">Create token</Button>
        </Group>
      </form>
    </Card>
  );
}

export function ApiTokensPage() {
  const { data, error, loading, reload } = useApiData<{ items: ApiToken[] }>('/api/tokens');
  const [secret, setSecret] = useState<string | null>(null);
  const { act, error: actionError } = useAction(reload);
  const canChange = useCanChange();
  const items = data?.items ?? [];

  const revoke = (t: ApiToken) => {
    if (!window.confirm(`Revoke the token "${t.name}"? Whatever uses it stops working.`)) return;
    act(api('DELETE', `/api/tokens/${t.id}`));
  };

  return (
    <Stack>
      <Title order={1} size="h2">
        API tokens
      </Title>
      <Text size="sm">
        For scripts and integrations: send <code>Authorization: Bearer sbt_…</code> to the API (no CSRF token
        needed). A token acts as the admin who created it; read-only tokens may only read.
      </Text>
      {canChange ? (
        <NewTokenForm
          onCreated={(token) => {
            setSecret(token);
            reload();
          }}
        />
      ) : (
        <Text size="sm" c="dimmed">
          Your account is read-only: an admin creates tokens.
        </Text>
      )}
      <ErrorAlert error={error ?? actionError} />
      {loading && !data ? <LoadingView /> : null}
      {data && items.length === 0 ? <EmptyView title="No API tokens yet" /> : null}
      {items.length > 0 ? (
        <ScrollTable minWidth={760}>
          <Table striped data-testid="tokens-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Token</Table.Th>
                <Table.Th>Scope</Table.Th>
                <Table.Th>Created by</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((t) => {
                const s = status(t);
                return (
                  <Table.Tr key={t.id}>
                    <Table.Td>{t.name}</Table.Td>
                    <Table.Td>
                      <code>{t.prefix}…</code>
                    </Table.Td>
                    <Table.Td>{t.scope === 'full' ? 'full' : 'read-only'}</Table.Td>
                    <Table.Td>{t.createdBy}</Table.Td>
                    <Table.Td>{when(t.expiresAt, 'never')}</Table.Td>
                    <Table.Td>{when(t.lastUsedAt, 'never')}</Table.Td>
                    <Table.Td>
                      <Badge color={s.color} variant="light">
                        {s.label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {s.label === 'active' && canChange ? (
                        <Button size="xs" variant="subtle" color="red" onClick={() => revoke(t)}>
                          Revoke
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : null}
      <SecretRevealModal
        title="New API token"
        secret={secret}
        hint="Send it as Authorization: Bearer <token>."
        onClose={() => setSecret(null)}
      />
    </Stack>
  );
}
