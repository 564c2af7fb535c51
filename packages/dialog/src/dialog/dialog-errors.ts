/** A dialog operation that the dialog's state does not allow (e.g. a request on a terminated dialog). */
export class DialogStateError extends Error {
  override readonly name = 'DialogStateError';
}

/** A message lacking what RFC 3261 §12 needs to create or use a dialog (tags, Contact, CSeq). */
export class DialogMessageError extends Error {
  override readonly name = 'DialogMessageError';
}
