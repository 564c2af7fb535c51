import { Badge, Group, Text } from '@mantine/core';
import type { Extension, RingGroup } from '../api/types';
import { ResourceListPage } from '../components/resource-list-page';
import { useApiData } from '../components/use-api-data';
import { strategyLabel } from './ring-strategies';
import { RingGroupFormModal } from './ring-group-form-modal';

function Members({ group }: { group: RingGroup }) {
  if (group.members.length === 0)
    return (
      <Text c="dimmed" size="sm">
        none
      </Text>
    );
  return (
    <Group gap={4}>
      {group.members.map((m) => (
        <Badge key={m.extensionId} variant="light" title={m.displayName}>
          {m.number}
        </Badge>
      ))}
    </Group>
  );
}

export function RingGroupsPage() {
  // The form's member picker lists the extensions.
  const extensions = useApiData<{ items: Extension[] }>('/api/extensions');
  return (
    <ResourceListPage<RingGroup>
      title="Ring groups"
      path="/api/ring-groups"
      tableTestId="ring-groups-table"
      newLabel="New ring group"
      noun="ring group"
      label={(g) => g.number}
      emptyTitle="No ring groups yet"
      emptyText="A ring group is a number that rings several extensions, e.g. Sales or Reception."
      minWidth={600}
      otherError={extensions.error}
      columns={[
        { header: 'Number', cell: (g) => g.number },
        {
          header: 'Name',
          cell: (g) => (
            <>
              {g.name} {g.enabled ? null : <Badge color="gray">disabled</Badge>}
            </>
          ),
        },
        { header: 'Strategy', cell: (g) => strategyLabel(g.strategy) },
        { header: 'Members', cell: (g) => <Members group={g} /> },
        { header: 'Ring time', cell: (g) => `${g.ringTimeSeconds}s` },
      ]}
      renderForm={(form) => <RingGroupFormModal {...form} extensions={extensions.data?.items ?? []} />}
    />
  );
}
