import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  Stack,
  Switch,
  TextInput,
} from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/api-client';
import type { ConferenceRoom } from '../api/types';
import type { ResourceFormProps } from '../components/resource-list-page';

type Props = ResourceFormProps<ConferenceRoom>;

export function ConferenceRoomFormModal({ editing, opened, onClose, onSaved }: Props) {
  const [number, setNumber] = useState('');
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [clearPin, setClearPin] = useState(false);
  const [enabled, setEnabled] = useState(true);
  const [announceJoin, setAnnounceJoin] = useState(true);
  const [maxParticipants, setMaxParticipants] = useState<number | string>(10);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!opened) return;
    setNumber(editing?.number ?? '');
    setName(editing?.name ?? '');
    setPin('');
    setClearPin(false);
    setEnabled(editing?.enabled ?? true);
    setAnnounceJoin(editing?.announceJoin ?? true);
    setMaxParticipants(editing?.maxParticipants ?? 10);
    setError(null);
  }, [opened, editing]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    // An empty PIN input keeps the stored PIN (write-only: the form never sees it).
    const pinField = clearPin ? { pin: null } : pin ? { pin } : {};
    const body = {
      number,
      name,
      enabled,
      announceJoin,
      maxParticipants: Number(maxParticipants),
      ...pinField,
    };
    (editing
      ? api('PATCH', `/api/conference-rooms/${editing.id}`, body)
      : api('POST', '/api/conference-rooms', body)
    )
      .then(onSaved, (err: unknown) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))))
      .finally(() => setBusy(false));
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit conference room ${editing.number}` : 'New conference room'}
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {error ? (
            <Alert color="red" role="alert">
              {error.message}
            </Alert>
          ) : null}
          <Group grow align="flex-start">
            <TextInput
              label="Number"
              name="number"
              required
              description="Dialled to join"
              value={number}
              onChange={(e) => setNumber(e.currentTarget.value)}
              error={error?.forField('number')}
            />
            <TextInput
              label="Name"
              name="name"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={error?.forField('name')}
            />
          </Group>
          <PasswordInput
            label="PIN"
            name="pin"
            autoComplete="new-password"
            description={
              editing?.hasPin
                ? 'set — leave empty to keep it'
                : '4-16 digits, asked by the keypad; empty: no PIN'
            }
            disabled={clearPin}
            value={pin}
            onChange={(e) => setPin(e.currentTarget.value)}
            error={error?.forField('pin')}
          />
          {editing?.hasPin ? (
            <Checkbox
              label="Remove the PIN"
              checked={clearPin}
              onChange={(e) => setClearPin(e.currentTarget.checked)}
            />
          ) : null}
          <NumberInput
            label="Most participants"
            name="maxParticipants"
            min={1}
            max={32}
            value={maxParticipants}
            onChange={setMaxParticipants}
            error={error?.forField('maxParticipants')}
          />
          <Switch
            label="Chime when someone joins or leaves"
            checked={announceJoin}
            onChange={(e) => setAnnounceJoin(e.currentTarget.checked)}
          />
          <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {editing ? 'Save' : 'Create'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
