import { Checkbox, PasswordInput, Switch } from '@mantine/core';
import { FormRow } from '../components/form-row';
import { NumberField, TextField } from '../components/form-fields';
import { useEffect, useState } from 'react';
import { api } from '../api/api-client';
import { FormModal, useSave } from '../components/form-modal';
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
  const saving = useSave();
  const { error, reset } = saving;

  useEffect(() => {
    if (!opened) return;
    setNumber(editing?.number ?? '');
    setName(editing?.name ?? '');
    setPin('');
    setClearPin(false);
    setEnabled(editing?.enabled ?? true);
    setAnnounceJoin(editing?.announceJoin ?? true);
    setMaxParticipants(editing?.maxParticipants ?? 10);
    reset();
  }, [opened, editing, reset]);

  const submit = () => {
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
    saving.save(
      editing
        ? api('PATCH', `/api/conference-rooms/${editing.id}`, body)
        : api('POST', '/api/conference-rooms', body),
      onSaved,
    );
  };

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit conference room ${editing.number}` : 'New conference room'}
      editing={editing !== null}
      state={saving}
      onSubmit={submit}
    >
      <FormRow>
        <TextField
          label="Number"
          name="number"
          required
          description="Dialled to join"
          value={number}
          onChange={setNumber}
          errors={error}
        />
        <TextField label="Name" name="name" required value={name} onChange={setName} errors={error} />
      </FormRow>
      <PasswordInput
        label="PIN"
        name="pin"
        autoComplete="new-password"
        description={
          editing?.hasPin ? 'set — leave empty to keep it' : '4-16 digits, asked by the keypad; empty: no PIN'
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
      <NumberField
        label="Most participants"
        name="maxParticipants"
        min={1}
        max={32}
        value={maxParticipants}
        onChange={setMaxParticipants}
        errors={error}
      />
      <Switch
        label="Chime when someone joins or leaves"
        checked={announceJoin}
        onChange={(e) => setAnnounceJoin(e.currentTarget.checked)}
      />
      <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
    </FormModal>
  );
}
