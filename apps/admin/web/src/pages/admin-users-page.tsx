import {
  Badge,
  Button,
  Card,
  Group,
  Menu,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/api-client';
import type { AdminRole, AdminUser } from '../api/types';
import { SecretRevealModal } from '../components/secret-reveal-modal';
import { useCanChange, useSession } from '../components/session-context';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useAction } from '../components/use-action';
import { useApiData } from '../components/use-api-data';
import { ScrollTable } from '../components/scroll-table';

const roleLabels: Record<AdminRole, string> = { admin: 'Admin', read_only: 'Read-only' };
const OTP_HINT = 'Give it to the user: they log in with it and must choose their own password.';

function NewUserForm({ onCreated }: { onCreated: (username: string, password: string) => void }) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<string | null>('read_only');
  const [error, setError] = useState<ApiError | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    api<{ username: string; oneTimePassword: string }>('POST', '/api/admin-users', { username, role }).then(
      (r) => {
        setError(null);
        setUsername('');
        onCreated(r.username, r.oneTimePassword);
      },
      (err: unknown) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  };

  return (
    <Card withBorder>
      <form onSubmit={submit} noValidate>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="User name"
            name="newUsername"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            error={error?.forField('username')}
          />
          <Select
            label="Role"
            data={[
              { value: 'read_only', label: 'Read-only (sees everything, changes nothing)' },
              { value: 'admin', label: 'Admin (everything)' },
            ]}
            value={role}
            onChange={setRole}
            allowDeselect={false}
            error={error?.forField('role')}
          />
          <Button type="submit">Create user</Button>
        </Group>
        {error && error.fieldErrors.length === 0 ? (
          <Text c="red" size="sm" role="alert" mt="xs">
            {error.message}
          </Text>
        ) : null}
      </form>
    </Card>
  );
}

export function AdminUsersPage() {
  const { data, error, loading, reload } = useApiData<{ items: AdminUser[] }>('/api/admin-users');
  const canChange = useCanChange();
  const me = useSession()?.username;
  const [secret, setSecret] = useState<{ title: string; password: string } | null>(null);
  const { act, error: actionError } = useAction(reload);
  const items = data?.items ?? [];

  const update = (u: AdminUser, change: { role?: AdminRole; disabled?: boolean }) =>
    act(api('PATCH', `/api/admin-users/${u.id}`, change));
  const reset = (u: AdminUser) => {
    if (!window.confirm(`Reset the password of "${u.username}"? Their sessions end now.`)) return;
    act(
      api<{ oneTimePassword: string }>('POST', `/api/admin-users/${u.id}/reset-password`).then((r) =>
        setSecret({ title: `One-time password for ${u.username}`, password: r.oneTimePassword }),
      ),
    );
  };

  return (
    <Stack>
      <Title order={1} size="h2">
        Admin users
      </Title>
      <Text size="sm">
        People who use this admin app. Admins change everything; read-only users see every page and change
        nothing but their own password. The last enabled admin cannot be disabled or made read-only.
      </Text>
      {canChange ? (
        <NewUserForm
          onCreated={(username, password) => {
            setSecret({ title: `One-time password for ${username}`, password });
            reload();
          }}
        />
      ) : null}
      <ErrorAlert error={error ?? actionError} />
      {loading && !data ? <LoadingView /> : null}
      {data && items.length === 0 ? <EmptyView title="No users" /> : null}
      {items.length > 0 ? (
        <ScrollTable minWidth={640}>
          <Table striped data-testid="admin-users-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Last login</Table.Th>
                {canChange ? <Table.Th>Actions</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    {u.username}
                    {u.username === me ? ' (you)' : ''}
                  </Table.Td>
                  <Table.Td>{roleLabels[u.role]}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge color={u.disabled ? 'gray' : 'green'} variant="light">
                        {u.disabled ? 'disabled' : 'enabled'}
                      </Badge>
                      {u.locked ? <Badge color="red">locked</Badge> : null}
                      {u.mustChangePassword ? <Badge color="yellow">one-time password</Badge> : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>{u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString() : 'never'}</Table.Td>
                  {canChange ? (
                    <Table.Td>
                      <Menu position="bottom-end">
                        <Menu.Target>
                          <Button variant="subtle" size="xs" aria-label={`Actions for ${u.username}`}>
                            …
                          </Button>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item
                            onClick={() => update(u, { role: u.role === 'admin' ? 'read_only' : 'admin' })}
                          >
                            {u.role === 'admin' ? 'Make read-only' : 'Make admin'}
                          </Menu.Item>
                          <Menu.Item onClick={() => update(u, { disabled: !u.disabled })}>
                            {u.disabled ? 'Enable' : 'Disable'}
                          </Menu.Item>
                          <Menu.Item onClick={() => reset(u)}>Reset password</Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : null}
      <SecretRevealModal
        title={secret?.title ?? ''}
        secret={secret?.password ?? null}
        onClose={() => setSecret(null)}
        hint={OTP_HINT}
      />
    </Stack>
  );
}
