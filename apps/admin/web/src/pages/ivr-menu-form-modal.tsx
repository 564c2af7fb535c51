import { ActionIcon, Alert, Button, Group, Select, Switch, Text, TextInput } from '@mantine/core';
import { FormRow } from '../components/form-row';
import { NumberField, TextField } from '../components/form-fields';
import { useEffect, useState } from 'react';
import { api, type ApiError } from '../api/api-client';
import { FormModal, useSave } from '../components/form-modal';
import type { IvrMenu, MenuDestination } from '../api/types';
import type { ResourceFormProps } from '../components/resource-list-page';
import { MenuGreetingField } from './menu-greeting-field';

type Props = ResourceFormProps<IvrMenu>;

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'];
const KINDS = [
  { value: 'extension', label: 'Extension' },
  { value: 'ring_group', label: 'Ring group' },
  { value: 'voicemail', label: 'Voicemail box' },
  { value: 'menu', label: 'Another menu' },
  { value: 'trunk', label: 'Outside number (trunk)' },
  { value: 'hangup', label: 'Hang up' },
];

/** One destination being edited: kind, target and (for a trunk) its name. */
interface DestinationDraft {
  kind: string;
  target: string;
  trunk: string;
}

const draftOf = (d: MenuDestination | null): DestinationDraft =>
  d === null || d.kind === 'hangup'
    ? { kind: 'hangup', target: '', trunk: '' }
    : { kind: d.kind, target: d.target, trunk: d.kind === 'trunk' ? d.trunk : '' };

function bodyOf(d: DestinationDraft): Record<string, string> {
  if (d.kind === 'hangup') return { kind: 'hangup' };
  if (d.kind === 'trunk') return { kind: 'trunk', trunk: d.trunk, target: d.target };
  return { kind: d.kind, target: d.target };
}

function DestinationFields({
  label,
  name,
  value,
  onChange,
  error,
}: {
  label: string;
  name: string;
  value: DestinationDraft;
  onChange: (d: DestinationDraft) => void;
  error: string | undefined;
}) {
  return (
    <Group grow align="flex-start" wrap="nowrap">
      <Select
        label={label}
        name={`${name}.kind`}
        data={KINDS}
        allowDeselect={false}
        value={value.kind}
        onChange={(kind) => onChange({ ...value, kind: kind ?? 'hangup' })}
        error={error}
      />
      {value.kind === 'trunk' ? (
        <TextInput
          label="Trunk"
          name={`${name}.trunk`}
          value={value.trunk}
          onChange={(e) => onChange({ ...value, trunk: e.currentTarget.value })}
        />
      ) : null}
      {value.kind !== 'hangup' ? (
        <TextInput
          label="Number"
          name={`${name}.target`}
          value={value.target}
          onChange={(e) => onChange({ ...value, target: e.currentTarget.value })}
        />
      ) : null}
    </Group>
  );
}

/** The first field error under `prefix` (e.g. `options.0`), so a row shows what the API refused. */
function errorUnder(error: ApiError | null, prefix: string): string | undefined {
  return error?.fieldErrors.find((e) => e.field === prefix || e.field.startsWith(`${prefix}.`))?.message;
}

export function IvrMenuFormModal({ editing, opened, onClose, onSaved, onChanged }: Props) {
  const [number, setNumber] = useState('');
  const [name, setName] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [rows, setRows] = useState<{ digit: string; destination: DestinationDraft }[]>([]);
  const [directDial, setDirectDial] = useState(false);
  const [interDigit, setInterDigit] = useState<number | string>(2000);
  const [response, setResponse] = useState<number | string>(5000);
  const [repeat, setRepeat] = useState<number | string>(2);
  const [timeout, setTimeoutDestination] = useState<DestinationDraft>(draftOf(null));
  const [invalid, setInvalid] = useState<DestinationDraft>(draftOf(null));
  const saving = useSave();
  const { error, reset } = saving;

  useEffect(() => {
    if (!opened) return;
    setNumber(editing?.number ?? '');
    setName(editing?.name ?? '');
    setEnabled(editing?.enabled ?? true);
    setRows((editing?.options ?? []).map((o) => ({ digit: o.digit, destination: draftOf(o.destination) })));
    setDirectDial(editing?.directDial ?? false);
    setInterDigit(editing?.interDigitTimeoutMs ?? 2000);
    setResponse(editing?.responseTimeoutMs ?? 5000);
    setRepeat(editing?.repeatCount ?? 2);
    setTimeoutDestination(draftOf(editing?.timeoutDestination ?? null));
    setInvalid(draftOf(editing?.invalidDestination ?? null));
    reset();
  }, [opened, editing, reset]);

  const setRow = (i: number, row: { digit: string; destination: DestinationDraft }) =>
    setRows(rows.map((r, j) => (j === i ? row : r)));
  const nextKey = () => KEYS.find((k) => !rows.some((r) => r.digit === k)) ?? '1';

  const submit = () => {
    const orNull = (d: DestinationDraft) => (d.kind === 'hangup' ? null : bodyOf(d));
    const body = {
      number: number.trim() === '' ? null : number,
      name,
      enabled,
      options: rows.map((r) => ({ digit: r.digit, destination: bodyOf(r.destination) })),
      directDial,
      interDigitTimeoutMs: Number(interDigit),
      responseTimeoutMs: Number(response),
      repeatCount: Number(repeat),
      timeoutDestination: orNull(timeout),
      invalidDestination: orNull(invalid),
    };
    saving.save(
      editing ? api('PATCH', `/api/ivr-menus/${editing.id}`, body) : api('POST', '/api/ivr-menus', body),
      onSaved,
    );
  };

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit menu ${editing.number ?? editing.name}` : 'New menu'}
      size="lg"
      editing={editing !== null}
      state={saving}
      onSubmit={submit}
    >
      <FormRow>
        <TextField
          label="Number"
          name="number"
          description="Dialled to reach the menu; empty: only from other menus' plans"
          value={number}
          onChange={setNumber}
          errors={error}
        />
        <TextField label="Name" name="name" required value={name} onChange={setName} errors={error} />
      </FormRow>
      {editing ? (
        <MenuGreetingField menu={editing} onChanged={onChanged} />
      ) : (
        <Text size="sm" c="dimmed">
          The menu plays its built-in tones until you upload a greeting (edit the menu once it is saved).
        </Text>
      )}
      {rows.map((row, i) => (
        <Group key={i} align="flex-end" wrap="nowrap" data-testid="menu-key-row">
          <Select
            label="Key"
            name={`options.${i}.digit`}
            data={KEYS}
            allowDeselect={false}
            w={80}
            value={row.digit}
            onChange={(digit) => setRow(i, { ...row, digit: digit ?? row.digit })}
          />
          <DestinationFields
            label="Goes to"
            name={`options.${i}.destination`}
            value={row.destination}
            onChange={(destination) => setRow(i, { ...row, destination })}
            error={errorUnder(error, `options.${i}`)}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Remove key ${row.digit}`}
            onClick={() => setRows(rows.filter((_, j) => j !== i))}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      {errorUnder(error, 'options') && !rows.some((_, i) => errorUnder(error, `options.${i}`)) ? (
        <Alert color="red">{errorUnder(error, 'options')}</Alert>
      ) : null}
      <Group>
        <Button
          variant="default"
          disabled={rows.length >= KEYS.length}
          onClick={() =>
            setRows([
              ...rows,
              { digit: nextKey(), destination: { kind: 'extension', target: '', trunk: '' } },
            ])
          }
        >
          Add key
        </Button>
      </Group>
      <DestinationFields
        label="When no key is pressed"
        name="timeoutDestination"
        value={timeout}
        onChange={setTimeoutDestination}
        error={errorUnder(error, 'timeoutDestination')}
      />
      <DestinationFields
        label="After invalid keys"
        name="invalidDestination"
        value={invalid}
        onChange={setInvalid}
        error={errorUnder(error, 'invalidDestination')}
      />
      <FormRow>
        <NumberField
          label="Wait for a key (ms)"
          name="responseTimeoutMs"
          min={1000}
          max={60000}
          value={response}
          onChange={setResponse}
          errors={error}
        />
        <NumberField
          label="Repeats"
          name="repeatCount"
          min={0}
          max={5}
          value={repeat}
          onChange={setRepeat}
          errors={error}
        />
      </FormRow>
      <Switch
        label="Callers may dial an extension directly"
        checked={directDial}
        onChange={(e) => setDirectDial(e.currentTarget.checked)}
      />
      {directDial ? (
        <NumberField
          label="Pause that ends a dialled extension (ms)"
          name="interDigitTimeoutMs"
          min={500}
          max={10000}
          value={interDigit}
          onChange={setInterDigit}
          errors={error}
        />
      ) : null}
      <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
    </FormModal>
  );
}
