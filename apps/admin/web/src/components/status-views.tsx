import { Alert, Center, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export function ErrorAlert({
  error,
  title = 'Something went wrong',
}: {
  error: Error | null;
  title?: string;
}) {
  if (!error) return null;
  return (
    <Alert color="red" title={title} role="alert">
      {error.message}
    </Alert>
  );
}

export function EmptyView({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Stack align="center" gap={4} py="xl" data-testid="empty-state">
      <Text fw={600}>{title}</Text>
      {children ? (
        <Text c="dimmed" size="sm" ta="center">
          {children}
        </Text>
      ) : null}
    </Stack>
  );
}

export function LoadingView() {
  return (
    <Center py="xl">
      <Loader size="sm" />
    </Center>
  );
}
