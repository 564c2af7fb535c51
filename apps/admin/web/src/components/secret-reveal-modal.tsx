import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';

/** Shows a just-generated SIP password once: the server keeps only digest hashes of it. */
export function SecretRevealModal(props: { title: string; secret: string | null; onClose: () => void }) {
  return (
    <Modal opened={props.secret !== null} onClose={props.onClose} title={props.title} centered>
      <Stack>
        <Alert color="yellow">
          Copy it now: it is shown only this once. Switchboard stores only its digest hashes, so it cannot be
          shown again (generate a new one if it is lost).
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
          Enter it in the phone with the extension number as the SIP user name.
        </Text>
      </Stack>
    </Modal>
  );
}
