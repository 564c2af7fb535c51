import { Text } from '@mantine/core';
import type { ConferenceRoom } from '../api/types';
import { ResourceListPage } from '../components/resource-list-page';
import { YesNoBadge } from '../components/yes-no-badge';
import { ConferenceRoomFormModal } from './conference-room-form-modal';

export function ConferenceRoomsPage() {
  return (
    <ResourceListPage<ConferenceRoom>
      title="Conference rooms"
      path="/api/conference-rooms"
      tableTestId="conference-rooms-table"
      newLabel="New room"
      noun="conference room"
      label={(r) => r.number}
      intro={
        <Text size="sm" c="dimmed">
          Callers dial the room number to join. In the room, *6 mutes or unmutes, *# leaves.
        </Text>
      }
      emptyTitle="No conference rooms yet"
      emptyText="A conference room mixes everyone who dials its number, optionally behind a PIN."
      minWidth={600}
      columns={[
        { header: 'Number', cell: (r) => r.number },
        { header: 'Name', cell: (r) => r.name },
        { header: 'PIN', cell: (r) => <YesNoBadge on={r.hasPin} /> },
        { header: 'Most participants', cell: (r) => r.maxParticipants },
        { header: 'Join chime', cell: (r) => <YesNoBadge on={r.announceJoin} /> },
        { header: 'Enabled', cell: (r) => <YesNoBadge on={r.enabled} /> },
      ]}
      renderForm={(form) => <ConferenceRoomFormModal {...form} />}
    />
  );
}
