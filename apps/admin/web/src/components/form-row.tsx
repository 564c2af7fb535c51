import { Group } from '@mantine/core';
import type { ReactNode } from 'react';

/** Fields side by side in a form, sharing the row's width, their labels aligned at the top. */
export function FormRow({ children }: { readonly children: ReactNode }) {
  return (
    <Group grow align="flex-start">
      {children}
    </Group>
  );
}
