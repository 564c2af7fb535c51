import type { Trunk } from '../api/types';
import { ResourceListPage } from '../components/resource-list-page';
import { YesNoBadge } from '../components/yes-no-badge';
import { TrunkFormModal } from './trunk-form-modal';
import { TrunkRegistrationStatus } from './trunk-registration-status';

export function TrunksPage() {
  return (
    <ResourceListPage<Trunk>
      title="Trunks"
      path="/api/trunks"
      tableTestId="trunks-table"
      newLabel="New trunk"
      noun="trunk"
      label={(t) => t.name}
      emptyTitle="No trunks yet"
      emptyText="A trunk connects the PBX to a SIP provider for calls to and from the public network."
      minWidth={700}
      columns={[
        { header: 'Name', cell: (t) => t.name },
        { header: 'Host', cell: (t) => (t.port === null ? t.host : `${t.host}:${t.port}`) },
        { header: 'Transport', cell: (t) => t.transport.toUpperCase() },
        { header: 'Enabled', cell: (t) => <YesNoBadge on={t.enabled} /> },
        { header: 'Registration', cell: (t) => <TrunkRegistrationStatus trunk={t} /> },
      ]}
      renderForm={(form) => <TrunkFormModal {...form} />}
    />
  );
}
