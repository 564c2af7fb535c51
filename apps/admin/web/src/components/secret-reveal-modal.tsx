import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';

const SIP_HINT = 'Enter it in the phone with the extension number as the SIP user name.';

/** Shows a just-generated secret (SIP password, API token) once: the server keeps only hashes of it. */
export function SecretRevealModal(props: {
  title: string;
  secret: string | null;
  onClose: () => void;
  /** How to use it; default: the SIP password hint. */
  hint?: string;
}) {
  return (
    <Modal opened={props.secret !== null} onClose={props.onClose} title={props.title} centered>
      <Stack>
        <Alert color="yellow">
          Copy it now: it is shown only this once. Switchboard stores only hashes of it, so it cannot be shown
          again (make a new one if it is lost).
        </Alert>
        <Code block data-testid="revealed-secret" fz="lg">
          {props.secret ?? ''}
        </Code>
        <Group justify="space-between">
          <CopyButton value={props.secret ?? ''}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
          <Button onClick={props.onClose}>Done</Button>
        </Group>
        <Text size="xs" c="dimmed">
          {props.hint ?? SIP_HINT}
        </Text>
      </Stack>
    </Modal>
  );
}
