import { Alert, Autocomplete, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/api-client';
import { useCanChange } from '../components/session-context';
import { ErrorAlert, LoadingView } from '../components/status-views';
import { useApiData } from '../components/use-api-data';

interface Settings {
  timeZone: string;
}

/** The browser's list of IANA zones (the server checks the name against its own tz database). */
function knownZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}

/** Wall-clock time in `zone` now, or null for a name the browser does not know. */
function localTimeIn(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat(undefined, {
      timeZone: zone,
      dateStyle: 'full',
      timeStyle: 'short',
    }).format(new Date());
  } catch {
    return null;
  }
}

export function SettingsPage() {
  const { data, error, loading } = useApiData<Settings>('/api/settings');
  const canChange = useCanChange();
  const [timeZone, setTimeZone] = useState('');
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const zones = useMemo(knownZones, []);

  useEffect(() => {
    if (data) setTimeZone(data.timeZone);
  }, [data]);

  if (loading && !data) return <LoadingView />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setSaved(false);
    api<Settings>('PUT', '/api/settings', { timeZone })
      .then(
        // The stored value comes back in the answer: a reload here would land later and overwrite
        // whatever was typed after "Saved" appeared.
        (stored) => {
          setSaveError(null);
          setSaved(true);
          setTimeZone(stored.timeZone);
        },
        (err: unknown) => setSaveError(err instanceof ApiError ? err : new ApiError(0, String(err))),
      )
      .finally(() => setBusy(false));
  };
  const now = localTimeIn(timeZone);

  return (
    <Stack maw={560}>
      <Title order={1} size="h2">
        Settings
      </Title>
      <ErrorAlert error={error} />
      <Paper withBorder p="md">
        <form onSubmit={submit}>
          <Stack>
            {saveError && saveError.fieldErrors.length === 0 ? (
              <Alert color="red" role="alert">
                {saveError.message}
              </Alert>
            ) : null}
            <Autocomplete
              label="Time zone"
              name="timeZone"
              description="Business hours and other time-of-day routing read the clock in this zone (IANA name), whatever the server's own time zone is."
              data={zones}
              limit={20}
              value={timeZone}
              onChange={(value) => {
                setTimeZone(value);
                setSaved(false);
              }}
              disabled={!canChange}
              error={saveError?.forField('timeZone')}
              required
            />
            <Text size="sm" c="dimmed" data-testid="zone-now">
              {now ? `Now there: ${now}` : 'Not a time zone this browser knows'}
            </Text>
            {canChange ? (
              <Group justify="flex-end">
                {saved ? (
                  <Text size="sm" c="green" role="status">
                    Saved
                  </Text>
                ) : null}
                <Button type="submit" loading={busy}>
                  Save settings
                </Button>
              </Group>
            ) : null}
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
