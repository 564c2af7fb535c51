import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  JsonInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { api, ApiError } from '../api/api-client';
import type { Plugin, PluginRollout } from '../api/types';
import { JsonSchemaForm } from '../components/json-schema-form';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useApiData } from '../components/use-api-data';
import { ReadOnlyFieldset } from '../components/read-only-fieldset';
import { useCanChange } from '../components/session-context';

function asObject(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** What the card says after a save: applied without restart once every routing worker runs it. */
function SavedStatus({ savedRevision, rollout }: { savedRevision: number; rollout: PluginRollout | null }) {
  if (rollout && rollout.revision >= savedRevision && rollout.errors.length > 0) {
    return (
      <Alert color="red" role="alert">
        Saved, but a routing worker rejected it and keeps the previous configuration:{' '}
        {rollout.errors.join('; ')}
      </Alert>
    );
  }
  if (rollout && rollout.revision >= savedRevision && rollout.live) {
    return (
      <Alert color="green">
        Saved. Live on{' '}
        {rollout.workers === 1 ? 'the routing worker' : `all ${rollout.workers} routing workers`} (no restart
        needed).
      </Alert>
    );
  }
  if (rollout && rollout.workers === 0) {
    return <Alert color="yellow">Saved. No routing worker is running: it applies when one starts.</Alert>;
  }
  return <Alert color="blue">Saved. Applying to the routing workers…</Alert>;
}

function PluginCard({
  plugin,
  rollout,
  onSaved,
}: {
  plugin: Plugin;
  rollout: PluginRollout | null;
  onSaved: () => void;
}) {
  const [enabled, setEnabled] = useState(plugin.enabled);
  const [config, setConfig] = useState(asObject(plugin.config));
  const [rawJson, setRawJson] = useState(JSON.stringify(plugin.config ?? {}, null, 2));
  const [error, setError] = useState<ApiError | null>(null);
  const [savedRevision, setSavedRevision] = useState<number | null>(null);
  const canChange = useCanChange();

  const save = () => {
    setSavedRevision(null);
    let body: Record<string, unknown> = config;
    if (!plugin.configSchema) {
      try {
        body = asObject(JSON.parse(rawJson));
      } catch {
        setError(new ApiError(400, 'Configuration is not valid JSON'));
        return;
      }
    }
    api<{ revision: number }>('PUT', `/api/plugins/${encodeURIComponent(plugin.id)}`, {
      enabled,
      config: body,
    }).then(
      (result) => {
        setError(null);
        setSavedRevision(result.revision);
        onSaved();
      },
      (err: unknown) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  };
  const fieldErrors = Object.fromEntries((error?.fieldErrors ?? []).map((e) => [e.field, e.message]));

  return (
    <Card withBorder data-testid="plugin-card">
      <ReadOnlyFieldset>
        <Stack>
          <Group justify="space-between">
            <Group gap="xs">
              <Text fw={600}>{plugin.name}</Text>
              {plugin.version ? (
                <Text size="xs" c="dimmed">
                  {plugin.version}
                </Text>
              ) : null}
            </Group>
            {plugin.installed ? (
              <Badge color="green" variant="light">
                installed
              </Badge>
            ) : (
              <Badge color="gray">not running</Badge>
            )}
          </Group>
          {plugin.description ? <Text size="sm">{plugin.description}</Text> : null}
          <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          {plugin.configSchema ? (
            <JsonSchemaForm
              schema={plugin.configSchema}
              value={config}
              onChange={setConfig}
              errors={fieldErrors}
            />
          ) : (
            <JsonInput
              label="Configuration (JSON)"
              autosize
              minRows={3}
              value={rawJson}
              onChange={setRawJson}
              description="No running worker announced a schema for this plugin; edit the JSON directly."
            />
          )}
          {error ? (
            <Alert color="red" role="alert">
              {error.message}
            </Alert>
          ) : null}
          {savedRevision !== null ? <SavedStatus savedRevision={savedRevision} rollout={rollout} /> : null}
          {canChange ? (
            <Group justify="flex-end">
              <Button onClick={save}>Save</Button>
            </Group>
          ) : null}
        </Stack>
      </ReadOnlyFieldset>
    </Card>
  );
}

export function PluginsPage() {
  const { data, error, loading, reload } = useApiData<{ items: Plugin[] }>('/api/plugins');
  // Polled so a save can say when it is live on every routing worker.
  const { data: rollout } = useApiData<PluginRollout>('/api/plugins/rollout', 1000);
  const items = data?.items ?? [];
  return (
    <Stack>
      <Title order={1} size="h2">
        Plugins
      </Title>
      <Text size="sm" c="dimmed" data-testid="plugin-workers">
        {rollout
          ? `${rollout.workers} routing worker${rollout.workers === 1 ? '' : 's'} running; configuration changes apply without a restart.`
          : ''}
      </Text>
      <ErrorAlert error={error} />
      {loading && !data ? <LoadingView /> : null}
      {data && items.length === 0 ? (
        <EmptyView title="No routing plugins">
          Plugins appear when a routing worker starts with them installed.
        </EmptyView>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {items.map((p) => (
          <PluginCard key={p.id} plugin={p} rollout={rollout} onSaved={reload} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
