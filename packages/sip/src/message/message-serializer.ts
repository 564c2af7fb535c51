// Serialization (RFC 3261 §7): start line, header lines as stored (unmodified parsed headers
// keep their exact bytes), a Content-Length computed from the body, empty line, body.
import { HeaderId } from '../headers/header-names.js';
import type { HeaderStore } from './header-store.js';

export function serializeMessage(msg: HeaderStore): Buffer {
  const body = msg.body;
  const length = String(body.length);
  let head = `${msg.startLine()}\r\n`;
  let sawLength = false;
  for (const h of msg.headers) {
    if (h.id === HeaderId.ContentLength) {
      if (sawLength) continue; // one Content-Length only, with the real length
      sawLength = true;
      head += h.value === length ? `${h.raw}\r\n` : `${h.name}: ${length}\r\n`;
    } else {
      head += `${h.raw}\r\n`;
    }
  }
  if (!sawLength) head += `Content-Length: ${length}\r\n`;
  head += '\r\n';
  const out = Buffer.allocUnsafe(head.length + body.length);
  out.write(head, 0, 'latin1');
  body.copy(out, head.length);
  return out;
}
