import { Checkbox, PasswordInput, Select, Switch, Textarea, TextInput } from '@mantine/core';
import { FormRow } from '../components/form-row';
import { NumberField } from '../components/form-fields';
import { useEffect, useState } from 'react';
import { api, type ApiError } from '../api/api-client';
import { FormModal, useSave } from '../components/form-modal';
import type { Trunk, TrunkCallerIdMode, TrunkDidSource, TrunkTransport } from '../api/types';
import type { ResourceFormProps } from '../components/resource-list-page';

const transports: { value: TrunkTransport; label: string }[] = [
  { value: 'udp', label: 'UDP' },
  { value: 'tcp', label: 'TCP' },
  { value: 'tls', label: 'TLS' },
];
const didSources: { value: TrunkDidSource; label: string }[] = [
  { value: 'request_uri', label: 'Request-URI user' },
  { value: 'to', label: 'To header user' },
];
const callerIdModes: { value: TrunkCallerIdMode; label: string }[] = [
  { value: 'from', label: 'From header only' },
  { value: 'pai', label: 'From and P-Asserted-Identity (RFC 3325)' },
];

/** Text fields of the form, as typed (empty = not set). */
const emptyText = {
  name: '',
  host: '',
  outboundProxy: '',
  authUsername: '',
  password: '',
  fromUser: '',
  fromDomain: '',
  callerIdNumber: '',
  codecs: '',
  inboundSources: '',
};
type TextFields = typeof emptyText;

function textOf(t: Trunk | null): TextFields {
  if (!t) return emptyText;
  return {
    name: t.name,
    host: t.host,
    outboundProxy: t.outboundProxy ?? '',
    authUsername: t.authUsername ?? '',
    password: '',
    fromUser: t.fromUser ?? '',
    fromDomain: t.fromDomain ?? '',
    callerIdNumber: t.callerIdNumber ?? '',
    codecs: t.codecs.join(', '),
    inboundSources: t.inboundSources.join('\n'),
  };
}

const orNull = (s: string) => s.trim() || null;
const numberOrNull = (v: number | string) => (v === '' ? null : Number(v));
const list = (s: string, sep: RegExp) =>
  s
    .split(sep)
    .map((x) => x.trim())
    .filter(Boolean);

/** Messages for a list field (`inboundSources.2`), naming the line/entry the server refused. */
function listErrors(error: ApiError | null, field: string, what: string): string | undefined {
  const messages = (error?.fieldErrors ?? [])
    .filter((e) => e.field === field || e.field.startsWith(`${field}.`))
    .map((e) => {
      const index = e.field.slice(field.length + 1);
      return index ? `${what} ${Number(index) + 1}: ${e.message}` : e.message;
    });
  return messages.length > 0 ? messages.join('; ') : undefined;
}

type Props = ResourceFormProps<Trunk>;

export function TrunkFormModal({ editing, opened, onClose, onSaved }: Props) {
  const [text, setText] = useState<TextFields>(emptyText);
  const [enabled, setEnabled] = useState(true);
  const [port, setPort] = useState<number | string>('');
  const [transport, setTransport] = useState<TrunkTransport>('udp');
  const [register, setRegister] = useState(false);
  const [registerExpiry, setRegisterExpiry] = useState<number | string>(3600);
  const [didSource, setDidSource] = useState<TrunkDidSource>('request_uri');
  const [callerIdMode, setCallerIdMode] = useState<TrunkCallerIdMode>('from');
  const [sendPrivacy, setSendPrivacy] = useState(true);
  const [maxCalls, setMaxCalls] = useState<number | string>('');
  const [clearPassword, setClearPassword] = useState(false);
  const saving = useSave();
  const { error, reset } = saving;

  useEffect(() => {
    if (!opened) return;
    setText(textOf(editing));
    setEnabled(editing?.enabled ?? true);
    setPort(editing?.port ?? '');
    setTransport(editing?.transport ?? 'udp');
    setRegister(editing?.register ?? false);
    setRegisterExpiry(editing?.registerExpiry ?? 3600);
    setDidSource(editing?.didSource ?? 'request_uri');
    setCallerIdMode(editing?.callerIdMode ?? 'from');
    setSendPrivacy(editing?.sendPrivacy ?? true);
    setMaxCalls(editing?.maxConcurrentCalls ?? '');
    setClearPassword(false);
    reset();
  }, [opened, editing, reset]);

  const field = (name: keyof TextFields) => ({
    name,
    value: text[name],
    onChange: (e: { currentTarget: { value: string } }) => {
      const value = e.currentTarget.value;
      setText((t) => ({ ...t, [name]: value }));
    },
    error: error?.forField(name),
  });

  const submit = () => {
    // An empty password input keeps the stored one (write-only: the form never sees it).
    const password = clearPassword ? { password: null } : text.password ? { password: text.password } : {};
    const body = {
      name: text.name,
      enabled,
      host: text.host,
      port: numberOrNull(port),
      transport,
      outboundProxy: orNull(text.outboundProxy),
      authUsername: orNull(text.authUsername),
      ...password,
      register,
      registerExpiry: Number(registerExpiry),
      fromUser: orNull(text.fromUser),
      fromDomain: orNull(text.fromDomain),
      didSource,
      callerIdMode,
      sendPrivacy,
      callerIdNumber: orNull(text.callerIdNumber),
      codecs: list(text.codecs, /[,\s]+/),
      maxConcurrentCalls: numberOrNull(maxCalls),
      inboundSources: list(text.inboundSources, /\n/),
    };
    saving.save(
      editing ? api('PATCH', `/api/trunks/${editing.id}`, body) : api('POST', '/api/trunks', body),
      onSaved,
    );
  };

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit trunk ${editing.name}` : 'New trunk'}
      size="lg"
      editing={editing !== null}
      state={saving}
      onSubmit={submit}
    >
      <TextInput label="Name" required {...field('name')} />
      <FormRow>
        <TextInput label="Provider host" required description="Name or IP address" {...field('host')} />
        <NumberField
          label="Port"
          name="port"
          description="Empty: RFC 3263 DNS lookup"
          min={1}
          max={65535}
          value={port}
          onChange={setPort}
          errors={error}
        />
        <Select
          label="Transport"
          name="transport"
          data={transports}
          value={transport}
          allowDeselect={false}
          onChange={(v) => v && setTransport(v)}
          error={error?.forField('transport')}
        />
      </FormRow>
      <TextInput
        label="Outbound proxy (optional)"
        description="host or host:port"
        {...field('outboundProxy')}
      />
      <FormRow>
        <TextInput label="Auth username" {...field('authUsername')} />
        <PasswordInput
          label="Password"
          autoComplete="new-password"
          description={editing?.hasPassword ? 'set — leave empty to keep it' : 'not set'}
          disabled={clearPassword}
          {...field('password')}
        />
      </FormRow>
      {editing?.hasPassword ? (
        <Checkbox
          label="Remove the stored password"
          checked={clearPassword}
          onChange={(e) => setClearPassword(e.currentTarget.checked)}
        />
      ) : null}
      <FormRow>
        <Switch
          label="Register with the provider"
          description="Needs the auth username and password"
          checked={register}
          onChange={(e) => setRegister(e.currentTarget.checked)}
          error={error?.forField('register')}
        />
        <NumberField
          label="Registration expiry (s)"
          name="registerExpiry"
          min={60}
          max={86400}
          value={registerExpiry}
          onChange={setRegisterExpiry}
          errors={error}
        />
      </FormRow>
      <FormRow>
        <TextInput label="From user (optional)" {...field('fromUser')} />
        <TextInput label="From domain (optional)" {...field('fromDomain')} />
      </FormRow>
      <FormRow>
        <Select
          label="Dialled number (DID) from"
          name="didSource"
          data={didSources}
          value={didSource}
          allowDeselect={false}
          onChange={(v) => v && setDidSource(v)}
          error={error?.forField('didSource')}
        />
        <Select
          label="Caller ID sent in"
          name="callerIdMode"
          data={callerIdModes}
          value={callerIdMode}
          allowDeselect={false}
          onChange={(v) => v && setCallerIdMode(v)}
          error={error?.forField('callerIdMode')}
        />
      </FormRow>
      <FormRow>
        <TextInput
          label="Caller ID number (optional)"
          description="Digits, optional leading +"
          {...field('callerIdNumber')}
        />
        <NumberField
          label="Max concurrent calls"
          name="maxConcurrentCalls"
          description="Empty: no limit"
          min={1}
          max={10000}
          value={maxCalls}
          onChange={setMaxCalls}
          errors={error}
        />
      </FormRow>
      <Switch
        label="Send Privacy header"
        description="Send Privacy: id on anonymous calls (RFC 3323)"
        checked={sendPrivacy}
        onChange={(e) => setSendPrivacy(e.currentTarget.checked)}
      />
      <TextInput
        label="Codecs (optional)"
        description="In order of preference, comma-separated (empty: all), e.g. PCMA, PCMU"
        {...field('codecs')}
        error={listErrors(error, 'codecs', 'codec')}
      />
      <Textarea
        label="Inbound source allow-list"
        description="One IP address or CIDR block per line: calls from these addresses are this trunk's"
        autosize
        minRows={2}
        {...field('inboundSources')}
        error={listErrors(error, 'inboundSources', 'line')}
      />
      <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
    </FormModal>
  );
}
