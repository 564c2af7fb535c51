import { Badge, Button, Group, Menu, Stack, Switch, Table, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { api } from '../api/api-client';
import type { Extension } from '../api/types';
import { SecretRevealModal } from '../components/secret-reveal-modal';
import { EmptyView, ErrorAlert, LoadingView } from '../components/status-views';
import { useAction } from '../components/use-action';
import { useApiData } from '../components/use-api-data';
import { useCanChange } from '../components/session-context';
import { ExtensionFormModal } from './extension-form-modal';
import { ScrollTable } from '../components/scroll-table';

export function ExtensionsPage() {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const { data, error, loading, reload } = useApiData<{ items: Extension[] }>(
    `/api/extensions${debounced ? `?search=${encodeURIComponent(debounced)}` : ''}`,
  );
  const [form, setForm] = useState<{ opened: boolean; editing: Extension | null }>({
    opened: false,
    editing: null,
  });
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);
  const { act, error: actionError } = useAction(reload);
  const newPassword = (ext: Extension) =>
    act(
      api<{ sipPassword: string }>('POST', `/api/extensions/${ext.id}/sip-password`, {}).then((r) =>
        setSecret({ title: `New SIP password for ${ext.number}`, value: r.sipPassword }),
      ),
    );
  const remove = (ext: Extension) => {
    if (window.confirm(`Delete extension ${ext.number}? Phones using it will stop working.`)) {
      act(api('DELETE', `/api/extensions/${ext.id}`));
    }
  };

  const items = data?.items ?? [];
  const canChange = useCanChange();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Extensions
        </Title>
        {canChange ? (
          <Button onClick={() => setForm({ opened: true, editing: null })}>New extension</Button>
        ) : null}
      </Group>
      <TextInput
        placeholder="Search by number or name"
        aria-label="Search extensions"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        maw={360}
      />
      <ErrorAlert error={error ?? actionError} />
      {loading && !data ? <LoadingView /> : null}
      {data && items.length === 0 ? (
        <EmptyView title={debounced ? 'No extension matches' : 'No extensions yet'}>
          {debounced
            ? 'Try another search.'
            : 'Create the first extension, then enter its number and SIP password in a phone.'}
        </EmptyView>
      ) : null}
      {items.length > 0 ? (
        <ScrollTable minWidth={720}>
          <Table striped highlightOnHover data-testid="extensions-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Phone</Table.Th>
                <Table.Th>Voicemail</Table.Th>
                <Table.Th>Max calls</Table.Th>
                <Table.Th>SIP password</Table.Th>
                <Table.Th>Enabled</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((ext) => (
                <Table.Tr key={ext.id}>
                  <Table.Td>{ext.number}</Table.Td>
                  <Table.Td>{ext.displayName}</Table.Td>
                  <Table.Td data-testid="registration-status">
                    {ext.registrations ? (
                      <Badge color="green" variant="light">
                        online{ext.registrations > 1 ? ` (${ext.registrations})` : ''}
                      </Badge>
                    ) : (
                      <Badge color="gray" variant="light">
                        offline
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td data-testid="voicemail-status">
                    {ext.voicemail === null ? (
                      <Badge color="gray" variant="light">
                        none
                      </Badge>
                    ) : ext.voicemail.enabled ? (
                      <Badge color="blue" variant="light">
                        on{ext.voicemail.unheard > 0 ? ` · ${ext.voicemail.unheard} new` : ''}
                      </Badge>
                    ) : (
                      <Badge color="gray">off</Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{ext.maxConcurrentCalls}</Table.Td>
                  <Table.Td>
                    {ext.hasSipPassword ? (
                      <Badge color="green" variant="light">
                        set
                      </Badge>
                    ) : (
                      <Badge color="gray">none</Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={`Enable ${ext.number}`}
                      checked={ext.enabled}
                      disabled={!canChange}
                      onChange={(e) =>
                        act(api('PATCH', `/api/extensions/${ext.id}`, { enabled: e.currentTarget.checked }))
                      }
                    />
                  </Table.Td>
                  <Table.Td>
                    <Menu position="bottom-end">
                      <Menu.Target>
                        <Button variant="subtle" size="xs" aria-label={`Actions for ${ext.number}`}>
                          Actions
                        </Button>
                      </Menu.Target>
                      <Menu.Dropdown>
                        {canChange ? (
                          <>
                            <Menu.Item onClick={() => setForm({ opened: true, editing: ext })}>
                              Edit
                            </Menu.Item>
                            <Menu.Item onClick={() => newPassword(ext)}>Generate new SIP password</Menu.Item>
                          </>
                        ) : null}
                        <Menu.Item component="a" href={`#/follow-me?ext=${ext.id}`}>
                          Follow-me
                        </Menu.Item>
                        {canChange ? (
                          <Menu.Item color="red" onClick={() => remove(ext)}>
                            Delete
                          </Menu.Item>
                        ) : null}
                      </Menu.Dropdown>
                    </Menu>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : null}
      <ExtensionFormModal
        opened={form.opened}
        editing={form.editing}
        onClose={() => setForm({ opened: false, editing: null })}
        onSaved={(ext, sipPassword) => {
          setForm({ opened: false, editing: null });
          if (sipPassword) setSecret({ title: `SIP password for ${ext.number}`, value: sipPassword });
          reload();
        }}
      />
      <SecretRevealModal
        title={secret?.title ?? ''}
        secret={secret?.value ?? null}
        onClose={() => setSecret(null)}
      />
    </Stack>
  );
}
