import {
  Alert,
  Button,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/api-client';
import type { Extension, FinalDestinationKind, FollowMe } from '../api/types';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useApiData } from '../components/use-api-data';
import { ReadOnlyFieldset } from '../components/read-only-fieldset';
import { useCanChange } from '../components/session-context';

function extFromHash(): string | null {
  return new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('ext');
}

/**
 * The API names fields by array index (`steps.1.targets.0`); the page numbers steps from 1, so its
 * messages do too: `Step 2, target 1: must be a phone number or a sip: URI`.
 */
export function stepWords(text: string): string {
  return text
    .replace(
      /\bsteps\.(\d+)\.targets\.(\d+)/g,
      (_m, s: string, t: string) => `Step ${Number(s) + 1}, target ${Number(t) + 1}`,
    )
    .replace(/\bsteps\.(\d+)\.targets\b/g, (_m, s: string) => `Step ${Number(s) + 1}, targets`)
    .replace(/\bsteps\.(\d+)\.ringSeconds\b/g, (_m, s: string) => `Step ${Number(s) + 1}, ring time`)
    .replace(/\bsteps\.(\d+)\b/g, (_m, s: string) => `Step ${Number(s) + 1}`)
    .replace(/\bfinalDestination\.(target|kind)\b/g, 'Final destination');
}

const finalKinds: { value: FinalDestinationKind; label: string }[] = [
  { value: 'voicemail', label: 'Voicemail box' },
  { value: 'extension', label: 'Another extension' },
  { value: 'ring_group', label: 'Ring group' },
  { value: 'external', label: 'External number / SIP URI' },
  { value: 'busy', label: 'Busy (486)' },
  { value: 'hangup', label: 'Hang up (480)' },
];

/** What the caller reaches after the last step (the find-me plugin's end of plan). */
function finalDestination({ kind, target }: FollowMe['finalDestination'], extension: Extension): string {
  switch (kind) {
    case 'voicemail':
      if (target && target !== extension.number) return `the voicemail box of ${target}`;
      return extension.voicemail?.enabled
        ? `the voicemail box of ${extension.number}`
        : 'nobody: the caller hears "temporarily unavailable" (480); turn on the voicemail box of the extension to take messages';
    case 'extension':
      return `extension ${target ?? '?'} (its own follow-me and voicemail apply)`;
    case 'ring_group':
      return `ring group ${target ?? '?'}`;
    case 'external':
      return `the external number ${target ?? '?'}`;
    case 'busy':
      return 'the caller hears busy (486)';
    case 'hangup':
      return 'the call ends: the caller hears "temporarily unavailable" (480)';
  }
}

const targetHint: Record<FinalDestinationKind, string> = {
  voicemail: 'Extension number; empty = this extension',
  extension: 'Extension number',
  ring_group: 'Ring group number',
  external: 'Phone number or sip: URI',
  busy: '',
  hangup: '',
};

function FollowMeEditor({ extension }: { extension: Extension }) {
  const { data, error, loading } = useApiData<FollowMe>(`/api/extensions/${extension.id}/follow-me`);
  const [draft, setDraft] = useState<FollowMe | null>(null);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const canChange = useCanChange();

  useEffect(() => setDraft(data), [data]);
  if (loading && !draft) return <LoadingView />;
  if (error) return <ErrorAlert error={error} />;
  if (!draft) return null;

  const setStep = (i: number, step: FollowMe['steps'][number]) =>
    setDraft({ ...draft, steps: draft.steps.map((s, j) => (j === i ? step : s)) });
  const save = () => {
    setSaved(false);
    api<FollowMe>('PUT', `/api/extensions/${extension.id}/follow-me`, draft).then(
      (r) => {
        setDraft(r);
        setSaveError(null);
        setSaved(true);
      },
      (err: unknown) => setSaveError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  };

  return (
    <ReadOnlyFieldset>
      <Stack>
        <Switch
          label="Follow-me enabled"
          checked={draft.enabled}
          onChange={(e) => setDraft({ ...draft, enabled: e.currentTarget.checked })}
        />
        <Text size="sm" c="dimmed">
          When {extension.number} does not answer, these steps ring one after the other; the targets of a step
          ring together.
        </Text>
        {saveError ? (
          <Alert color="red" role="alert">
            {stepWords(saveError.message)}
          </Alert>
        ) : null}
        {saved ? <Alert color="green">Saved.</Alert> : null}
        {draft.steps.length === 0 ? (
          <EmptyView title="No follow-me steps">
            Add a step with an extension, a phone number or a SIP URI.
          </EmptyView>
        ) : null}
        {draft.steps.map((step, i) => (
          <Paper key={i} withBorder p="sm">
            <Group align="flex-end" wrap="wrap">
              <TagsInput
                label={`Step ${i + 1} targets`}
                placeholder="Number or sip: URI, Enter to add"
                value={step.targets}
                onChange={(targets) => setStep(i, { ...step, targets })}
                style={{ flex: 1, minWidth: 220 }}
                error={saveError?.fieldErrors.find((e) => e.field.startsWith(`steps.${i}.targets`))?.message}
              />
              <NumberInput
                label="Ring (s)"
                min={5}
                max={300}
                w={110}
                value={step.ringSeconds}
                onChange={(v) => setStep(i, { ...step, ringSeconds: Number(v) })}
                error={saveError?.forField(`steps.${i}.ringSeconds`)}
              />
              {canChange ? (
                <Button
                  variant="subtle"
                  color="red"
                  onClick={() => setDraft({ ...draft, steps: draft.steps.filter((_, j) => j !== i) })}
                >
                  Remove
                </Button>
              ) : null}
            </Group>
          </Paper>
        ))}
        <Paper withBorder p="sm">
          <Stack gap="xs">
            <Text size="sm" data-testid="follow-me-final">
              <b>{draft.steps.length === 0 ? 'Then' : `After step ${draft.steps.length}`}:</b>{' '}
              {finalDestination(draft.finalDestination, extension)}
            </Text>
            <Group align="flex-start" wrap="wrap">
              <Select
                label="Final destination"
                data={finalKinds}
                value={draft.finalDestination.kind}
                allowDeselect={false}
                w={240}
                onChange={(v) =>
                  v &&
                  setDraft({
                    ...draft,
                    finalDestination: {
                      kind: v,
                      target: v === 'busy' || v === 'hangup' ? null : draft.finalDestination.target,
                    },
                  })
                }
              />
              <TextInput
                label="Destination target"
                placeholder={targetHint[draft.finalDestination.kind]}
                disabled={targetHint[draft.finalDestination.kind] === ''}
                value={draft.finalDestination.target ?? ''}
                style={{ flex: 1, minWidth: 220 }}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    finalDestination: { ...draft.finalDestination, target: e.currentTarget.value || null },
                  })
                }
                error={saveError?.forField('finalDestination.target')}
              />
            </Group>
          </Stack>
        </Paper>
        {canChange ? (
          <Group>
            <Button
              variant="light"
              onClick={() =>
                setDraft({ ...draft, steps: [...draft.steps, { targets: [], ringSeconds: 20 }] })
              }
            >
              Add step
            </Button>
            <Button onClick={save}>Save follow-me</Button>
          </Group>
        ) : null}
      </Stack>
    </ReadOnlyFieldset>
  );
}

export function FollowMePage() {
  const extensions = useApiData<{ items: Extension[] }>('/api/extensions');
  const [selected, setSelected] = useState<string | null>(extFromHash());
  const items = extensions.data?.items ?? [];
  const extension = items.find((e) => e.id === selected) ?? null;

  return (
    <Stack>
      <Title order={1} size="h2">
        Follow-me
      </Title>
      <ErrorAlert error={extensions.error} />
      {extensions.data && items.length === 0 ? (
        <EmptyView title="No extensions yet">Create an extension first.</EmptyView>
      ) : null}
      {items.length > 0 ? (
        <Select
          label="Extension"
          placeholder="Pick an extension"
          searchable
          maw={360}
          value={selected}
          onChange={setSelected}
          data={items.map((e) => ({ value: e.id, label: `${e.number} ${e.displayName}` }))}
        />
      ) : null}
      {extension ? <FollowMeEditor key={extension.id} extension={extension} /> : null}
    </Stack>
  );
}
