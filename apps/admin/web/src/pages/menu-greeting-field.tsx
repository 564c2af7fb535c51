import { Alert, Anchor, Button, FileInput, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { api, uploadFile, type ApiError } from '../api/api-client';
import type { IvrMenu } from '../api/types';

/**
 * The greeting of a saved menu: the uploaded WAV (play, download, remove) or the built-in tones, and
 * an upload that replaces it at once (PUT /api/ivr-menus/:id/greeting). The server's refusal (not a
 * WAV, an unsupported format…) is shown as text, never as markup.
 */
export function MenuGreetingField({ menu, onChanged }: { menu: IvrMenu; onChanged: () => void }) {
  const [hasGreeting, setHasGreeting] = useState(menu.hasGreeting);
  const [version, setVersion] = useState(menu.updatedAt);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const url = `/api/ivr-menus/${menu.id}/greeting.wav?v=${encodeURIComponent(version)}`;

  const run = (work: Promise<IvrMenu | undefined>) => {
    setBusy(true);
    setError(null);
    work.then(
      (updated) => {
        setHasGreeting(updated?.hasGreeting ?? false);
        setVersion(updated?.updatedAt ?? new Date().toISOString());
        setFile(null);
        setBusy(false);
        onChanged();
      },
      (err: ApiError) => {
        setError(err.message);
        setBusy(false);
      },
    );
  };

  return (
    <Stack gap="xs" data-testid="menu-greeting">
      <Text size="sm" fw={500}>
        Greeting
      </Text>
      {hasGreeting ? (
        <Group>
          <audio controls preload="none" src={url} data-testid="menu-greeting-audio" />
          <Anchor href={url} download={`menu-${menu.number ?? menu.id}-greeting.wav`}>
            Download
          </Anchor>
          <Button
            variant="subtle"
            color="red"
            loading={busy}
            onClick={() => run(api<undefined>('DELETE', `/api/ivr-menus/${menu.id}/greeting`))}
          >
            Remove greeting
          </Button>
        </Group>
      ) : (
        <Text size="sm" c="dimmed" data-testid="menu-greeting-default">
          Built-in tones (no greeting uploaded)
        </Text>
      )}
      <Group align="flex-end" wrap="nowrap">
        <FileInput
          label={hasGreeting ? 'Replace with a WAV file' : 'Upload a WAV file'}
          description="16-bit PCM, µ-law or A-law; stored as 8 kHz mono; at most 10 MiB"
          accept="audio/wav,audio/x-wav,.wav"
          name="greeting"
          clearable
          value={file}
          onChange={setFile}
          style={{ flex: 1 }}
        />
        <Button
          variant="default"
          disabled={!file}
          loading={busy}
          onClick={() => {
            if (file) run(uploadFile<IvrMenu>('PUT', `/api/ivr-menus/${menu.id}/greeting`, 'file', file));
          }}
        >
          Upload greeting
        </Button>
      </Group>
      {error ? (
        <Alert color="red" data-testid="menu-greeting-error">
          {error}
        </Alert>
      ) : null}
    </Stack>
  );
}
