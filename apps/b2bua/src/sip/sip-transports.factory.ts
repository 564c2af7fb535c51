import fs from 'node:fs';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import {
  StreamTransport,
  type Transport,
  UdpTransport,
  WsTransport,
  sipFramerFactory,
} from '@switchboard/transactions';

/** Thrown when a configured listener cannot be set up (unreadable TLS files, port in use…). */
export class SipTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SipTransportError';
  }
}

function readTls(config: SwitchboardConfig): { cert: Buffer; key: Buffer } | undefined {
  if (!config.tls) return undefined;
  try {
    return { cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile) };
  } catch (err) {
    throw new SipTransportError(
      `cannot read the SIP TLS certificate/key (SWITCHBOARD_SIP_TLS_CERT/KEY): ${(err as Error).message}`,
    );
  }
}

/** Largest WebSocket message read at all (the ws default of the transport); larger closes with 1009. */
const WS_FRAME_LIMIT = 256 * 1024;

/** Requested SO_RCVBUF/SO_SNDBUF of the SIP UDP socket (the kernel caps it at net.core.rmem_max). */
const UDP_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * The listeners the config asks for: UDP always, TCP/TLS/WS when their port is not 0 (RFC 3261
 * §18: a UA must support UDP and TCP). TLS without a certificate stays off, with a warning.
 */
export function createSipTransports(config: SwitchboardConfig, logger: Logger): Transport[] {
  const { bindAddress: host, udpPort, tcpPort, tlsPort, wsPort, maxMessageBytes } = config.sip;
  // RFC 3261 §21.5.14: TCP/TLS framers answer 513 to a message over the cap, before its body is read.
  const createFramer = sipFramerFactory(maxMessageBytes);
  // 4 MiB socket buffers: bursts at hundreds of calls/s overflowed the ~208 KiB default while the
  // event loop was busy, and a dropped 200 left its call ringing until the ring timeout (bench:cps).
  const transports: Transport[] = [
    new UdpTransport({
      host,
      port: udpPort,
      recvBufferSize: UDP_BUFFER_BYTES,
      sendBufferSize: UDP_BUFFER_BYTES,
    }),
  ];
  if (tcpPort > 0) transports.push(new StreamTransport({ host, port: tcpPort, createFramer }));
  const tls = readTls(config);
  if (tlsPort > 0 && tls) {
    transports.push(new StreamTransport({ host, port: tlsPort, createFramer, tls: { server: tls } }));
  } else if (tlsPort > 0) {
    logger.warn(
      { tlsPort },
      'SIP TLS listener off: set SWITCHBOARD_SIP_TLS_CERT and SWITCHBOARD_SIP_TLS_KEY to enable it',
    );
  }
  // A WebSocket message over the cap (up to the frame limit) gets its 513 from the transaction layer.
  if (wsPort > 0)
    transports.push(
      new WsTransport({ host, port: wsPort, maxMessageBytes: Math.max(WS_FRAME_LIMIT, maxMessageBytes + 1) }),
    );
  return transports;
}

/** Opens every listener; on failure closes the ones already open and names the one that failed. */
export async function listenAll(transports: readonly Transport[], host: string): Promise<void> {
  const opened: Transport[] = [];
  for (const t of transports) {
    try {
      await t.listen();
      opened.push(t);
    } catch (err) {
      await Promise.allSettled(opened.map((o) => o.close()));
      throw new SipTransportError(
        `cannot listen for SIP over ${t.protocol} on ${host}: ${(err as Error).message}`,
      );
    }
  }
}
