import { NumberInput, TextInput, type NumberInputProps, type TextInputProps } from '@mantine/core';
import type { ApiError } from '../api/api-client';

type Bound<P> = Omit<P, 'name' | 'value' | 'onChange' | 'error'> & {
  /** The API's field name: the input's name and where its error is looked up. */
  readonly name: string;
  /** The form's last save failure (`useSave().error`): the message for this field, if any. */
  readonly errors: ApiError | null;
};

/** A text input of a resource form: its value as a string, the server's message for its field under it. */
export function TextField({
  name,
  value,
  onChange,
  errors,
  ...input
}: Bound<TextInputProps> & { readonly value: string; readonly onChange: (value: string) => void }) {
  return (
    <TextInput
      {...input}
      name={name}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={errors?.forField(name)}
    />
  );
}

/** A number input of a resource form (Mantine's `number | string` while typing), with its field's error. */
export function NumberField({
  name,
  errors,
  ...input
}: Bound<NumberInputProps> & Pick<NumberInputProps, 'value' | 'onChange'>) {
  return <NumberInput {...input} name={name} error={errors?.forField(name)} />;
}
