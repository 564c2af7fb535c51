// A SIP response (RFC 3261 §7.2): Status-Line plus the message model.
import { decodeUtf8, encodeUtf8 } from '../grammar/text.js';
import type { HeaderField } from '../headers/header-field.js';
import { EMPTY_BODY } from './header-store.js';
import { SipMessageBase } from './sip-message.js';

export class SipResponse extends SipMessageBase {
  get kind(): 'response' {
    return 'response';
  }

  private _status: number;
  private _rawReason: string;

  constructor(
    status: number,
    rawReason: string,
    headers: HeaderField[] = [],
    body: Buffer | undefined = EMPTY_BODY,
    version = 'SIP/2.0',
    source?: Buffer,
  ) {
    super(headers, body, version, source);
    this._status = status;
    this._rawReason = rawReason;
  }

  get status(): number {
    return this._status;
  }

  set status(status: number) {
    this._status = status;
    this.modified();
  }

  /** Reason phrase as text (UTF-8 decoded). */
  get reason(): string {
    return decodeUtf8(this._rawReason);
  }

  set reason(text: string) {
    this._rawReason = encodeUtf8(text);
    this.modified();
  }

  /** Reason phrase as the byte string on the wire. */
  get rawReason(): string {
    return this._rawReason;
  }

  startLine(): string {
    return `${this._version} ${this._status} ${this._rawReason}`;
  }

  clone(): SipResponse {
    return new SipResponse(
      this._status,
      this._rawReason,
      this.fieldList.slice(),
      this.body,
      this._version,
      this.source,
    );
  }
}
