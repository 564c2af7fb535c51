import { Badge, Stack, Text } from '@mantine/core';
import type { Trunk } from '../api/types';

function when(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toLocaleString();
}

/** Why a trunk shows no registration: the same words as `switchboard trunk status`. */
function notRegisteringLabel(trunk: Trunk): string {
  if (!trunk.enabled || trunk.registration?.state === 'disabled') return 'disabled';
  if (!trunk.register) return 'not registering';
  return 'not reported yet';
}

/** One trunk's outbound registration (RFC 3261 §10) as the list shows it. */
export function TrunkRegistrationStatus({ trunk }: { trunk: Trunk }) {
  const reg = trunk.registration;
  if (!trunk.enabled || !trunk.register || reg === null || reg.state === 'disabled') {
    return (
      <Badge color="gray" variant="light" data-testid="trunk-registration">
        {notRegisteringLabel(trunk)}
      </Badge>
    );
  }
  if (reg.state === 'registered') {
    return (
      <Stack gap={0}>
        <Badge color="green" data-testid="trunk-registration">
          registered
        </Badge>
        {reg.registeredUntil !== undefined ? (
          <Text size="xs" c="dimmed">
            until {when(reg.registeredUntil)}
          </Text>
        ) : null}
      </Stack>
    );
  }
  const last =
    reg.lastStatus !== undefined
      ? `${reg.lastStatus} ${reg.lastReason ?? ''}`.trim()
      : (reg.lastReason ?? '');
  return (
    <Stack gap={0}>
      <Badge color={reg.state === 'failing' ? 'red' : 'yellow'} data-testid="trunk-registration">
        {reg.state}
      </Badge>
      {last || reg.lastResponseAt !== undefined ? (
        <Text size="xs" c="dimmed" data-testid="trunk-registration-detail">
          {[last, when(reg.lastResponseAt)].filter(Boolean).join(' · ')}
        </Text>
      ) : null}
      {reg.state === 'failing' && reg.failures > 0 ? (
        <Text size="xs" c="dimmed">
          {reg.failures} failed {reg.failures === 1 ? 'attempt' : 'attempts'}
          {reg.nextAttemptAt !== undefined ? `, next ${when(reg.nextAttemptAt)}` : ''}
        </Text>
      ) : null}
    </Stack>
  );
}
