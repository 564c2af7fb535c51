import { Alert, AppShell, Badge, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { api } from './api/api-client';
import type { Session } from './api/types';
import { SessionContext } from './components/session-context';
import { useHashRoute } from './components/use-hash-route';
import { AdminUsersPage } from './pages/admin-users-page';
import { ApiTokensPage } from './pages/api-tokens-page';
import { AuditPage } from './pages/audit-page';
import { CallDetailPage } from './pages/call-detail-page';
import { CallHistoryPage } from './pages/call-history-page';
import { ChangePasswordPage } from './pages/change-password-page';
import { ConferenceRoomsPage } from './pages/conference-rooms-page';
import { IvrMenusPage } from './pages/ivr-menus-page';
import { ExtensionsPage } from './pages/extensions-page';
import { FollowMePage } from './pages/follow-me-page';
import { LivePage } from './pages/live-page';
import { PluginsPage } from './pages/plugins-page';
import { RingGroupsPage } from './pages/ring-groups-page';
import { SettingsPage } from './pages/settings-page';
import { StatusPage } from './pages/status-page';
import { TrunksPage } from './pages/trunks-page';
import { VoicemailPage } from './pages/voicemail-page';

const pages = [
  { route: 'extensions', label: 'Extensions', render: () => <ExtensionsPage /> },
  { route: 'ring-groups', label: 'Ring groups', render: () => <RingGroupsPage /> },
  { route: 'trunks', label: 'Trunks', render: () => <TrunksPage /> },
  { route: 'conference-rooms', label: 'Conference rooms', render: () => <ConferenceRoomsPage /> },
  { route: 'menus', label: 'Menus', render: () => <IvrMenusPage /> },
  { route: 'follow-me', label: 'Follow-me', render: () => <FollowMePage /> },
  { route: 'voicemail', label: 'Voicemail', render: () => <VoicemailPage /> },
  { route: 'calls', label: 'Call history', render: () => <CallHistoryPage /> },
  { route: 'live', label: 'Live', render: () => <LivePage /> },
  { route: 'status', label: 'Status', render: () => <StatusPage /> },
  { route: 'plugins', label: 'Plugins', render: () => <PluginsPage /> },
  { route: 'settings', label: 'Settings', render: () => <SettingsPage /> },
  { route: 'audit', label: 'Audit log', render: () => <AuditPage /> },
  { route: 'tokens', label: 'API tokens', render: () => <ApiTokensPage /> },
  { route: 'users', label: 'Admin users', render: () => <AdminUsersPage /> },
] as const;

export function AppLayout({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const [opened, { toggle, close }] = useDisclosure();
  const route = useHashRoute('extensions');
  // `calls/<id>` is one call's detail page, under Call history.
  const callId = route.startsWith('calls/') ? decodeURIComponent(route.slice('calls/'.length)) : undefined;
  const section = callId === undefined ? route : 'calls';
  const page = pages.find((p) => p.route === section);
  const [logoutError, setLogoutError] = useState<string | null>(null);
  // Logged out only once the server ended the session; otherwise say why and stay (a retry works).
  const logout = () => {
    setLogoutError(null);
    api('POST', '/api/auth/logout').then(onLogout, (err: unknown) =>
      setLogoutError(`Could not log out: ${err instanceof Error ? err.message : String(err)}`),
    );
  };
  const readOnly = session.role === 'read_only';

  return (
    <SessionContext.Provider value={session}>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
        padding="md"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
              <Title order={4}>Switchboard</Title>
            </Group>
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" c="dimmed" visibleFrom="xs">
                {session.username}
              </Text>
              {readOnly ? (
                <Badge variant="light" color="gray" title="You can see everything but change nothing">
                  read-only
                </Badge>
              ) : null}
              <Button variant="subtle" size="xs" onClick={logout}>
                Log out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" aria-label="Main">
          {pages.map((p) => (
            <NavLink
              key={p.route}
              href={`#/${p.route}`}
              label={p.label}
              active={p.route === section}
              onClick={close}
            />
          ))}
          <NavLink href="#/password" label="Change password" active={route === 'password'} onClick={close} />
          <NavLink href="/api/docs" label="API docs" target="_blank" />
        </AppShell.Navbar>
        <AppShell.Main>
          {logoutError ? (
            <Alert color="red" role="alert" mb="md" withCloseButton onClose={() => setLogoutError(null)}>
              {logoutError}
            </Alert>
          ) : null}
          {route === 'password' ? (
            <ChangePasswordPage
              onChanged={() => (window.location.hash = '#/extensions')}
              onLogout={onLogout}
            />
          ) : callId !== undefined ? (
            <CallDetailPage id={callId} />
          ) : page ? (
            page.render()
          ) : (
            <Title order={1} size="h2">
              Page not found
            </Title>
          )}
        </AppShell.Main>
      </AppShell>
    </SessionContext.Provider>
  );
}
