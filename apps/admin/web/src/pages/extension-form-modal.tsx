import { Checkbox, Fieldset, PasswordInput, Select, Stack, Switch, TextInput } from '@mantine/core';
import { NumberField, TextField } from '../components/form-fields';
import { useEffect, useState } from 'react';
import { api } from '../api/api-client';
import { FormModal, useSave } from '../components/form-modal';
import { useApiData } from '../components/use-api-data';
import type { DialClass, DigestAlgorithm, Extension, MediaMode, MusicClass, SrtpPolicy } from '../api/types';

/** The choices of digest algorithms offered to the phone; 'default' = the global setting. */
const DIGEST_CHOICES = [
  { value: 'default', label: 'Global setting (SWITCHBOARD_SIP_DIGEST_ALGORITHMS)' },
  { value: 'MD5', label: 'MD5 only (baresip 1.0, most desk phones)' },
  { value: 'SHA-256,MD5', label: 'SHA-256, then MD5' },
  { value: 'MD5,SHA-256', label: 'MD5, then SHA-256' },
  { value: 'SHA-256', label: 'SHA-256 only' },
];

const MEDIA_CHOICES: { value: MediaMode; label: string }[] = [
  { value: 'inherit', label: 'Global setting (SWITCHBOARD_MEDIA_MODE)' },
  { value: 'relay', label: 'Relay: always through rtpengine' },
  { value: 'auto', label: 'Auto: relay when a party is behind NAT' },
  { value: 'direct', label: 'Direct: phone to phone' },
];

const DIAL_CLASS_CHOICES: { value: DialClass; label: string }[] = [
  { value: 'internal', label: 'Internal only (no outside calls)' },
  { value: 'local', label: 'Local' },
  { value: 'national', label: 'National' },
  { value: 'international', label: 'International' },
];

const SRTP_CHOICES: { value: SrtpPolicy; label: string }[] = [
  { value: 'optional', label: 'Optional: SRTP when the phone offers it' },
  { value: 'required', label: 'Required: plain RTP refused (488)' },
  { value: 'off', label: 'Off: plain RTP only' },
];

/** The music-on-hold choices: the classes on disk, and a stored one that is gone from it. */
function musicChoices(classes: MusicClass[], stored: string | null): { value: string; label: string }[] {
  const choices = classes.map((c) => ({
    value: c.name,
    label: `${c.name} (${c.tracks === 0 && c.name === 'default' ? 'shipped tune' : `${c.tracks} file(s)`})`,
  }));
  if (stored !== null && !classes.some((c) => c.name === stored))
    choices.push({ value: stored, label: `${stored} (missing from the data directory)` });
  return choices;
}

const digestListOf = (value: string): DigestAlgorithm[] =>
  value === 'default' ? [] : (value.split(',') as DigestAlgorithm[]);

interface Props {
  /** null = create. */
  editing: Extension | null;
  opened: boolean;
  onClose: () => void;
  /** Called with the saved extension and, on create, the generated SIP password. */
  onSaved: (extension: Extension, sipPassword: string | null) => void;
}

export function ExtensionFormModal({ editing, opened, onClose, onSaved }: Props) {
  const [number, setNumber] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [maxCalls, setMaxCalls] = useState<number | string>(2);
  const [enabled, setEnabled] = useState(true);
  const [recordCalls, setRecordCalls] = useState(false);
  const [digest, setDigest] = useState('default');
  const [mediaMode, setMediaMode] = useState<MediaMode>('inherit');
  const [srtpPolicy, setSrtpPolicy] = useState<SrtpPolicy>('optional');
  const [dialClass, setDialClass] = useState<DialClass>('national');
  const [externalNumber, setExternalNumber] = useState('');
  const [maxOutside, setMaxOutside] = useState<number | string>(2);
  const [pickupGroups, setPickupGroups] = useState('');
  const [directedPickup, setDirectedPickup] = useState(true);
  const [mohClass, setMohClass] = useState('default');
  const musicClasses = useApiData<{ items: MusicClass[] }>('/api/music-classes');
  const reloadClasses = musicClasses.reload;
  const [pin, setPin] = useState('');
  const [clearPin, setClearPin] = useState(false);
  const [voicemailOn, setVoicemailOn] = useState(true);
  const [voicemailEmail, setVoicemailEmail] = useState('');
  const saving = useSave();
  const { error, reset } = saving;

  useEffect(() => {
    if (!opened) return;
    setNumber(editing?.number ?? '');
    setDisplayName(editing?.displayName ?? '');
    setMaxCalls(editing?.maxConcurrentCalls ?? 2);
    setEnabled(editing?.enabled ?? true);
    setRecordCalls(editing?.recordCalls ?? false);
    setDigest(editing?.digestAlgorithms.join(',') || 'default');
    setMediaMode(editing?.mediaMode ?? 'inherit');
    setSrtpPolicy(editing?.srtpPolicy ?? 'optional');
    setDialClass(editing?.dialClass ?? 'national');
    setExternalNumber(editing?.externalNumber ?? '');
    setMaxOutside(editing?.maxExternalCalls ?? 2);
    setPickupGroups(editing?.pickupGroups.join(', ') ?? '');
    setDirectedPickup(editing?.directedPickup ?? true);
    setMohClass(editing?.mohClass ?? 'default');
    setPin('');
    setClearPin(false);
    // A new extension gets a box (callers expect voicemail); an existing one shows what it has.
    setVoicemailOn(editing ? (editing.voicemail?.enabled ?? false) : true);
    setVoicemailEmail(editing?.voicemail?.email ?? '');
    reset();
  }, [opened, editing, reset]);

  // The classes are directories on disk: read them again each time the form opens.
  useEffect(() => {
    if (opened) reloadClasses();
  }, [opened, reloadClasses]);

  const submit = () => {
    const fields = {
      number,
      displayName,
      enabled,
      maxConcurrentCalls: Number(maxCalls),
      recordCalls,
      digestAlgorithms: digestListOf(digest),
      mediaMode,
      srtpPolicy,
      dialClass,
      externalNumber: externalNumber.trim() || null,
      maxExternalCalls: Number(maxOutside),
      pickupGroups: pickupGroups
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== ''),
      directedPickup,
      // `default` is stored as null.
      mohClass,
      // Without a box and left off: nothing to create.
      ...(voicemailOn || editing?.voicemail
        ? { voicemail: { enabled: voicemailOn, email: voicemailEmail.trim() || null } }
        : {}),
    };
    const request = editing
      ? api<Extension>('PATCH', `/api/extensions/${editing.id}`, {
          ...fields,
          ...(clearPin ? { voicemailPin: null } : pin ? { voicemailPin: pin } : {}),
        }).then((ext) => ({ extension: ext, sipPassword: null }))
      : api<{ extension: Extension; sipPassword: string | null }>('POST', '/api/extensions', {
          ...fields,
          ...(pin ? { voicemailPin: pin } : {}),
        });
    saving.save(request, ({ extension, sipPassword }) => onSaved(extension, sipPassword));
  };

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit extension ${editing.number}` : 'New extension'}
      editing={editing !== null}
      state={saving}
      onSubmit={submit}
    >
      <TextInput
        description={
          editing ? 'The number is the SIP user name: changing it clears the SIP password.' : undefined
        }
        label="Number"
        name="number"
        required
        inputMode="numeric"
        value={number}
        onChange={(e) => setNumber(e.currentTarget.value)}
        error={error?.forField('number')}
      />
      <TextField
        label="Display name"
        name="displayName"
        required
        value={displayName}
        onChange={setDisplayName}
        errors={error}
      />
      <NumberField
        label="Max concurrent calls"
        name="maxConcurrentCalls"
        min={1}
        max={100}
        value={maxCalls}
        onChange={setMaxCalls}
        errors={error}
      />
      <Select
        label="Digest algorithms offered"
        description="Phones that stop at a SHA-256 challenge need MD5 only"
        name="digestAlgorithms"
        data={DIGEST_CHOICES}
        value={digest}
        allowDeselect={false}
        onChange={(v) => setDigest(v ?? 'default')}
        error={error?.forField('digestAlgorithms')}
      />
      <Fieldset legend="Media">
        <Stack gap="xs">
          <Select
            label="Media mode"
            description="When the two phones of a call differ, relay wins"
            name="mediaMode"
            data={MEDIA_CHOICES}
            value={mediaMode}
            allowDeselect={false}
            onChange={(v) => setMediaMode(v ?? 'inherit')}
            error={error?.forField('mediaMode')}
          />
          <Select
            label="SRTP (SDES)"
            description={
              srtpPolicy === 'required' && mediaMode === 'direct'
                ? 'SRTP needs the media relay: calls of this phone are relayed despite "direct"'
                : 'Keys travel in the SDP: use with TLS phones'
            }
            name="srtpPolicy"
            data={SRTP_CHOICES}
            value={srtpPolicy}
            allowDeselect={false}
            onChange={(v) => setSrtpPolicy(v ?? 'optional')}
            error={error?.forField('srtpPolicy')}
          />
        </Stack>
      </Fieldset>
      <Fieldset legend="Outside calls">
        <Stack gap="xs">
          <Select
            label="Dialling class"
            description="Widest numbers it may dial through trunks; emergency numbers always go out"
            name="dialClass"
            data={DIAL_CLASS_CHOICES}
            value={dialClass}
            allowDeselect={false}
            onChange={(v) => setDialClass(v ?? 'national')}
            error={error?.forField('dialClass')}
          />
          <TextField
            label="External number (caller ID)"
            description="E.164, e.g. +493012345100; blank: the route's or trunk's"
            name="externalNumber"
            value={externalNumber}
            onChange={setExternalNumber}
            errors={error}
          />
          <NumberField
            label="Outside calls at once"
            description="0 = no limit"
            name="maxExternalCalls"
            min={0}
            max={100}
            value={maxOutside}
            onChange={setMaxOutside}
            errors={error}
          />
        </Stack>
      </Fieldset>
      <Fieldset legend="Call pickup">
        <Stack gap="xs">
          <TextField
            label="Pickup groups"
            description="Comma-separated names, e.g. sales, support: members answer each other's ringing calls with the group pickup code (*8)"
            name="pickupGroups"
            value={pickupGroups}
            onChange={setPickupGroups}
            errors={error}
          />
          <Switch
            label="Directed pickup from any extension"
            description="Off: only its pickup groups may answer its ringing calls with directed pickup (**number)"
            checked={directedPickup}
            onChange={(e) => setDirectedPickup(e.currentTarget.checked)}
          />
        </Stack>
      </Fieldset>
      <Select
        label="Music on hold"
        description="What the parties this extension holds or parks hear: the WAV files of a class directory under <data dir>/moh/"
        name="mohClass"
        data={musicChoices(musicClasses.data?.items ?? [], editing?.mohClass ?? null)}
        value={mohClass}
        allowDeselect={false}
        onChange={(v) => setMohClass(v ?? 'default')}
        error={error?.forField('mohClass') ?? (musicClasses.error ? 'Classes not loaded' : undefined)}
      />
      <Fieldset legend="Voicemail">
        <Stack gap="xs">
          <Switch
            label="Voicemail box"
            description="Unanswered and busy calls can leave a message; off keeps stored messages."
            checked={voicemailOn}
            onChange={(e) => setVoicemailOn(e.currentTarget.checked)}
          />
          <PasswordInput
            label={
              editing?.hasVoicemailPin
                ? 'New voicemail PIN (blank keeps the current one)'
                : 'Voicemail PIN (for listening from other phones)'
            }
            name="voicemailPin"
            inputMode="numeric"
            value={pin}
            disabled={clearPin}
            onChange={(e) => setPin(e.currentTarget.value)}
            error={error?.forField('voicemailPin')}
          />
          {editing?.hasVoicemailPin ? (
            <Checkbox
              label="Remove the voicemail PIN"
              checked={clearPin}
              onChange={(e) => setClearPin(e.currentTarget.checked)}
            />
          ) : null}
          <TextInput
            label="E-mail for new messages (optional)"
            name="voicemailEmail"
            type="email"
            value={voicemailEmail}
            disabled={!voicemailOn}
            onChange={(e) => setVoicemailEmail(e.currentTarget.value)}
            error={error?.forField('voicemail.email')}
          />
        </Stack>
      </Fieldset>
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
