import { Alert, Button, Center, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/api-client';

export function ChangePasswordPage(props: { forced?: boolean; onChanged: () => void; onLogout: () => void }) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (newPassword !== confirm) {
      setError(
        new ApiError(400, 'The new passwords differ', [{ field: 'confirm', message: 'does not match' }]),
      );
      return;
    }
    setBusy(true);
    api('POST', '/api/auth/password', { currentPassword, newPassword })
      .then(props.onChanged, (err: unknown) =>
        setError(err instanceof ApiError ? err : new ApiError(0, String(err))),
      )
      .finally(() => setBusy(false));
  };

  return (
    <Center mih={props.forced ? '100vh' : undefined} p="md">
      <Paper withBorder p="xl" w="100%" maw={420}>
        <form onSubmit={submit}>
          <Stack>
            <Title order={1} size="h3">
              Change password
            </Title>
            {props.forced ? (
              <Text size="sm">
                You logged in with a one-time password. Choose your own (at least 12 characters).
              </Text>
            ) : null}
            {error && error.fieldErrors.length === 0 ? (
              <Alert color="red" role="alert">
                {error.message}
              </Alert>
            ) : null}
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              required
              value={currentPassword}
              onChange={(e) => setCurrent(e.currentTarget.value)}
              error={error?.forField('currentPassword')}
            />
            <PasswordInput
              label="New password"
              autoComplete="new-password"
              required
              value={newPassword}
              onChange={(e) => setNew(e.currentTarget.value)}
              error={error?.forField('newPassword')}
            />
            <PasswordInput
              label="Repeat new password"
              autoComplete="new-password"
              required
              value={confirm}
              onChange={(e) => setConfirm(e.currentTarget.value)}
              error={error?.forField('confirm')}
            />
            <Group justify="space-between">
              <Button
                variant="subtle"
                onClick={() => void api('POST', '/api/auth/logout').finally(props.onLogout)}
              >
                Log out
              </Button>
              <Button type="submit" loading={busy}>
                Save password
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
