import { MultiSelect, Select, Switch } from '@mantine/core';
import { FormRow } from '../components/form-row';
import { NumberField, TextField } from '../components/form-fields';
import { useEffect, useState } from 'react';
import { api } from '../api/api-client';
import { FormModal, useSave } from '../components/form-modal';
import type { Extension, FallbackKind, RingGroup, RingStrategy } from '../api/types';
import { strategies } from './ring-strategies';
import type { ResourceFormProps } from '../components/resource-list-page';

const fallbacks: { value: FallbackKind; label: string }[] = [
  { value: 'none', label: 'Reject (unavailable)' },
  { value: 'extension', label: 'Extension' },
  { value: 'ring_group', label: 'Ring group' },
  { value: 'voicemail', label: 'Voicemail of extension' },
  { value: 'external', label: 'External number / SIP URI' },
  { value: 'hangup', label: 'Hang up' },
  { value: 'busy', label: 'Busy (486)' },
];

interface Props extends ResourceFormProps<RingGroup> {
  extensions: Extension[];
}

export function RingGroupFormModal({ editing, opened, extensions, onClose, onSaved }: Props) {
  const [number, setNumber] = useState('');
  const [name, setName] = useState('');
  const [strategy, setStrategy] = useState<RingStrategy>('ringall');
  const [ringTime, setRingTime] = useState<number | string>(30);
  const [memberRing, setMemberRing] = useState<number | string>(15);
  const [members, setMembers] = useState<string[]>([]);
  const [fallbackKind, setFallbackKind] = useState<FallbackKind>('none');
  const [fallbackTarget, setFallbackTarget] = useState('');
  const [callerIdPrefix, setCallerIdPrefix] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [recordCalls, setRecordCalls] = useState(false);
  const saving = useSave();
  const { error, reset } = saving;

  useEffect(() => {
    if (!opened) return;
    setNumber(editing?.number ?? '');
    setName(editing?.name ?? '');
    setStrategy(editing?.strategy ?? 'ringall');
    setRingTime(editing?.ringTimeSeconds ?? 30);
    setMemberRing(editing?.memberRingSeconds ?? 15);
    setMembers(editing?.members.map((m) => m.number) ?? []);
    setFallbackKind(editing?.fallbackKind ?? 'none');
    setFallbackTarget(editing?.fallbackTarget ?? '');
    setCallerIdPrefix(editing?.callerIdPrefix ?? '');
    setEnabled(editing?.enabled ?? true);
    setRecordCalls(editing?.recordCalls ?? false);
    reset();
  }, [opened, editing, reset]);

  const submit = () => {
    const body = {
      number,
      name,
      strategy,
      enabled,
      recordCalls,
      ringTimeSeconds: Number(ringTime),
      memberRingSeconds: Number(memberRing),
      fallbackKind,
      fallbackTarget: fallbackTarget.trim() || null,
      callerIdPrefix: callerIdPrefix || null,
      members: members.map((extension) => ({ extension })),
    };
    saving.save(
      editing ? api('PATCH', `/api/ring-groups/${editing.id}`, body) : api('POST', '/api/ring-groups', body),
      onSaved,
    );
  };

  const memberError = error?.fieldErrors.find((e) => e.field.startsWith('members'))?.message;
  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit ring group ${editing.number}` : 'New ring group'}
      size="lg"
      editing={editing !== null}
      state={saving}
      onSubmit={submit}
    >
      <FormRow>
        <TextField
          label="Number"
          name="number"
          required
          inputMode="numeric"
          value={number}
          onChange={setNumber}
          errors={error}
        />
        <TextField label="Name" name="name" required value={name} onChange={setName} errors={error} />
      </FormRow>
      <MultiSelect
        label="Members (in ring order)"
        name="members"
        searchable
        placeholder="Pick extensions"
        data={extensions.map((e) => ({ value: e.number, label: `${e.number} ${e.displayName}` }))}
        value={members}
        onChange={setMembers}
        error={memberError}
        nothingFoundMessage="No extension matches"
      />
      <Select
        label="Strategy"
        name="strategy"
        data={strategies}
        value={strategy}
        allowDeselect={false}
        onChange={(v) => v && setStrategy(v)}
        error={error?.forField('strategy')}
      />
      <FormRow>
        <NumberField
          label="Ring time (s)"
          name="ringTimeSeconds"
          min={5}
          max={600}
          value={ringTime}
          onChange={setRingTime}
          errors={error}
        />
        <NumberField
          label="Per member (s)"
          name="memberRingSeconds"
          min={5}
          max={300}
          value={memberRing}
          onChange={setMemberRing}
          errors={error}
        />
      </FormRow>
      <FormRow>
        <Select
          label="When nobody answers"
          name="fallbackKind"
          data={fallbacks}
          value={fallbackKind}
          allowDeselect={false}
          onChange={(v) => v && setFallbackKind(v)}
        />
        <TextField
          label="Fallback target"
          name="fallbackTarget"
          value={fallbackTarget}
          disabled={fallbackKind === 'none' || fallbackKind === 'hangup' || fallbackKind === 'busy'}
          onChange={setFallbackTarget}
          errors={error}
        />
      </FormRow>
      <TextField
        label="Caller name prefix (optional)"
        description={'Shown before the caller name on the members\' phones, e.g. "Sales: "'}
        name="callerIdPrefix"
        value={callerIdPrefix}
        onChange={setCallerIdPrefix}
        errors={error}
      />
      <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
      <Switch
        label="Record calls"
        description="Through the media relay; listened to on the call's detail page"
        checked={recordCalls}
        onChange={(e) => setRecordCalls(e.currentTarget.checked)}
      />
    </FormModal>
  );
}
