// A SIP request (RFC 3261 §7.1): Request-Line plus the message model.
import type { HeaderField } from '../headers/header-field.js';
import { parseUri, type Uri } from '../uri/uri.js';
import { EMPTY_BODY } from './header-store.js';
import { SipMessageBase } from './sip-message.js';

export class SipRequest extends SipMessageBase {
  get kind(): 'request' {
    return 'request';
  }

  private _method: string;
  private _requestUri: string;
  private _uri: Uri | undefined;

  constructor(
    method: string,
    requestUri: string,
    headers: HeaderField[] = [],
    body: Buffer | undefined = EMPTY_BODY,
    version = 'SIP/2.0',
    source?: Buffer,
  ) {
    super(headers, body, version, source);
    this._method = method;
    this._requestUri = requestUri;
    this._uri = undefined;
  }

  get method(): string {
    return this._method;
  }

  set method(method: string) {
    this._method = method;
    this.modified();
  }

  /** Request-URI as written. */
  get requestUri(): string {
    return this._requestUri;
  }

  set requestUri(uri: string) {
    this._requestUri = uri;
    this._uri = undefined;
    this.modified();
  }

  /** Parsed Request-URI (throws SipParseError when malformed). */
  get uri(): Uri {
    return (this._uri ??= parseUri(this._requestUri, 0, this._requestUri.length, 'Request-URI'));
  }

  startLine(): string {
    return `${this._method} ${this._requestUri} ${this._version}`;
  }

  clone(): SipRequest {
    return new SipRequest(
      this._method,
      this._requestUri,
      this.fieldList.slice(),
      this.body,
      this._version,
      this.source,
    );
  }
}
