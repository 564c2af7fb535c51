import { Text } from '@mantine/core';
import type { IvrMenu, MenuDestination } from '../api/types';
import { ResourceListPage } from '../components/resource-list-page';
import { YesNoBadge } from '../components/yes-no-badge';
import { IvrMenuFormModal } from './ivr-menu-form-modal';

/** A destination as one short text (rendered as text by React, never as markup). */
export function destinationLabel(d: MenuDestination | null): string {
  if (d === null || d.kind === 'hangup') return 'hang up';
  if (d.kind === 'trunk') return `trunk ${d.trunk}: ${d.target}`;
  return `${d.kind.replace('_', ' ')} ${d.target}`;
}

export function IvrMenusPage() {
  return (
    <ResourceListPage<IvrMenu>
      title="Menus"
      path="/api/ivr-menus"
      tableTestId="ivr-menus-table"
      newLabel="New menu"
      noun="menu"
      label={(m) => m.number ?? m.name}
      intro={
        <Text size="sm" c="dimmed">
          An auto attendant: callers to the menu number hear the greeting and press a key (RFC 4733 or SIP
          INFO) that sends them to an extension, ring group, mailbox, another menu or an outside number.
        </Text>
      }
      emptyTitle="No menus yet"
      emptyText="A menu answers a number with a greeting and routes the caller by the key pressed."
      minWidth={700}
      columns={[
        { header: 'Number', cell: (m) => m.number ?? '—' },
        { header: 'Name', cell: (m) => m.name },
        {
          header: 'Keys',
          cell: (m) =>
            m.options.map((o) => `${o.digit} → ${destinationLabel(o.destination)}`).join(', ') || '—',
        },
        { header: 'Greeting', cell: (m) => (m.hasGreeting ? 'uploaded' : 'built-in tones') },
        { header: 'Direct dial', cell: (m) => <YesNoBadge on={m.directDial} /> },
        { header: 'No key', cell: (m) => destinationLabel(m.timeoutDestination) },
        { header: 'Enabled', cell: (m) => <YesNoBadge on={m.enabled} /> },
      ]}
      renderForm={(form) => <IvrMenuFormModal {...form} />}
    />
  );
}
