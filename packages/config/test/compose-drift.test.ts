import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configVariableNames, loadConfig, type SwitchboardConfig } from '../src/index.js';

// No Docker engine runs in CI, so this test keeps docker/ in step with the config module instead.
const dockerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docker');

interface ComposeService {
  environment?: Record<string, string | number>;
  expose?: string[];
  ports?: string[];
  network_mode?: string;
  command?: string[];
  build?: { target?: string };
  restart?: string;
  profiles?: string[];
  entrypoint?: string[];
  volumes?: string[];
}

const compose = parse(fs.readFileSync(path.join(dockerDir, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const dockerfile = fs.readFileSync(path.join(dockerDir, 'Dockerfile'), 'utf8');
const appServices = ['migrate', 'b2bua', 'worker', 'admin'] as const;

/**
 * Resolves `${VAR:?message}` the way compose would once the operator has set VAR, and
 * `${VAR:-default}` as compose does when VAR is not set.
 */
function substitute(value: string | number): string {
  return String(value)
    .replace(/\$\{([A-Z_]+):\?[^}]*\}/g, (_m, name: string) =>
      name.endsWith('_ADDRESS') ? '192.0.2.10' : `secret-${name.toLowerCase()}`,
    )
    .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, (_m, fallback: string) => fallback);
}

function configOf(service: string): SwitchboardConfig {
  const env = Object.fromEntries(
    Object.entries(compose.services[service]?.environment ?? {}).map(([k, v]) => [k, substitute(v)]),
  );
  return loadConfig(env);
}

function exposedIn(stage: string): string[] {
  const block = dockerfile.split(/^FROM /m).find((s) => s.includes(` AS ${stage}`)) ?? '';
  return [...block.matchAll(/^EXPOSE (.+)$/gm)].flatMap((m) => (m[1] ?? '').trim().split(/\s+/));
}

describe('docker/compose.yaml matches the config module', () => {
  it('names the services of the stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'admin',
      'b2bua',
      'grafana',
      'migrate',
      'postgres',
      'prometheus',
      'redis',
      'rtpengine',
      'worker',
    ]);
  });

  it.each(appServices)('%s only sets variables the config module knows, and the required ones', (name) => {
    const env = Object.keys(compose.services[name]?.environment ?? {});
    expect(env.filter((k) => !configVariableNames.includes(k))).toEqual([]);
    expect(env).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL']));
    expect(() => configOf(name)).not.toThrow();
  });

  it('passes voicemail e-mail settings through, and leaves e-mail off when they are not set', () => {
    expect(configOf('worker').smtp).toEqual({ url: undefined, from: 'switchboard@localhost' });
    const raw = compose.services.worker?.environment ?? {};
    expect(String(raw.SWITCHBOARD_SMTP_URL)).toBe('${SWITCHBOARD_SMTP_URL:-}');
  });

  it('b2bua exposes exactly the SIP and RTP ports its environment configures', () => {
    const c = configOf('b2bua');
    const expected = [
      `${c.sip.udpPort}/udp`,
      `${c.sip.tcpPort}/tcp`,
      `${c.sip.tlsPort}/tcp`,
      `${c.rtp.portMin}-${c.rtp.portMax}/udp`,
    ];
    expect(compose.services.b2bua?.expose).toEqual(expected);
    expect(exposedIn('b2bua')).toEqual(expected);
    expect(compose.services.b2bua?.network_mode).toBe('host');
  });

  it('rtpengine listens and relays where the b2bua expects it, with host networking', () => {
    const { media } = configOf('b2bua');
    expect(media.mode).toBe('relay');
    const rtpengine = compose.services.rtpengine;
    const args = (rtpengine?.command ?? []).map(substitute);
    expect(args).toContain(`--listen-ng=${media.rtpengine.address}:${media.rtpengine.ngPort}`);
    expect(args).toContain(`--port-min=${media.rtpengine.portMin}`);
    expect(args).toContain(`--port-max=${media.rtpengine.portMax}`);
    const dtmf = media.rtpengine.dtmfListen;
    expect(args).toContain(`--dtmf-log-dest=${dtmf?.address}:${dtmf?.port}`);
    expect(args).toContain(`--interface=internal/${configOf('b2bua').sip.publicAddress}`);
    const range = `${media.rtpengine.portMin}-${media.rtpengine.portMax}/udp`;
    expect(rtpengine?.expose).toEqual([range]);
    expect(exposedIn('rtpengine')).toEqual([range]);
    expect(rtpengine?.network_mode).toBe('host');
  });

  it('admin listens where the Dockerfile says', () => {
    const c = configOf('admin');
    expect(exposedIn('admin')).toEqual([`${c.admin.port}/tcp`]);
  });

  it('every Dockerfile target used by compose exists', () => {
    for (const s of Object.values(compose.services)) {
      if (s.build?.target) expect(dockerfile).toMatch(new RegExp(`^FROM \\S+ AS ${s.build.target}$`, 'm'));
    }
  });

  it('restarts every long-running service when it dies; the one-shot migration runs once', () => {
    for (const name of ['postgres', 'redis', 'rtpengine', 'b2bua', 'worker', 'admin']) {
      expect(compose.services[name]?.restart, name).toBe('unless-stopped');
    }
    expect(compose.services.migrate?.restart).toBeUndefined();
  });

  it('the systemd units for installs without Docker run entry points that exist and restart always', () => {
    const root = path.resolve(dockerDir, '..');
    const units = ['switchboard-b2bua@.service', 'switchboard-admin.service'].map((u) =>
      fs.readFileSync(path.join(dockerDir, 'systemd', u), 'utf8'),
    );
    for (const unit of units) {
      expect(unit).toMatch(/^Restart=always$/m);
      expect(unit).toMatch(/^StartLimitIntervalSec=0$/m);
      for (const m of unit.matchAll(/^Exec\w+=\/usr\/bin\/node (\S+)\.js/gm)) {
        // dist/x.js is compiled from src/x.ts.
        const source = `${m[1]!.replace('/dist/', '/src/')}.ts`;
        expect(fs.existsSync(path.join(root, source)), source).toBe(true);
      }
    }
    expect(units[0]).toContain('ExecStart=/usr/bin/node apps/b2bua/dist/main.js %i');
  });

  it('has no default passwords', () => {
    const text = fs.readFileSync(path.join(dockerDir, 'compose.yaml'), 'utf8');
    const passwordKeys = [...text.matchAll(/^\s*([A-Z_]*PASSWORD[A-Z_]*):\s*(.+)$/gm)];
    expect(passwordKeys.length).toBeGreaterThan(0);
    for (const m of passwordKeys) {
      // Grafana's is optional for the stack, so not `:?`: its entrypoint refuses to start without it.
      if (m[1] === 'GF_SECURITY_ADMIN_PASSWORD') expect(m[2]).toBe('${GRAFANA_ADMIN_PASSWORD:-}');
      else expect(m[2]).toMatch(/^\$\{[A-Z_]+:\?/);
    }
    expect(compose.services.grafana?.entrypoint?.join(' ')).toContain(
      'test -n "$$GF_SECURITY_ADMIN_PASSWORD" || {',
    );
    // --requirepass and URLs take the operator's secret too.
    expect(text).not.toMatch(/requirepass', '[^$]/);
  });

  it('the monitoring profile scrapes every role on its metrics port and provisions the dashboard', () => {
    for (const name of ['prometheus', 'grafana']) {
      expect(compose.services[name]?.profiles, name).toEqual(['monitoring']);
      expect(compose.services[name]?.network_mode, name).toBe('host');
      expect(compose.services[name]?.restart, name).toBe('unless-stopped');
    }
    const { metrics } = configOf('b2bua');
    const prometheus = parse(fs.readFileSync(path.join(dockerDir, 'prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((j) => j.static_configs.flatMap((c) => c.targets));
    const { signalling, worker, admin } = metrics.ports;
    expect(targets).toEqual([signalling, worker, admin].map((port) => `${metrics.host}:${port}`));
    // Each mounted file or folder exists in docker/.
    for (const name of ['prometheus', 'grafana'])
      for (const volume of compose.services[name]?.volumes ?? [])
        if (volume.startsWith('./'))
          expect(fs.existsSync(path.join(dockerDir, volume.split(':')[0]!)), volume).toBe(true);
    const listen = compose.services.prometheus?.command?.find((a) => a.startsWith('--web.listen-address='));
    const datasource = fs.readFileSync(
      path.join(dockerDir, 'grafana/provisioning/datasources/prometheus.yml'),
      'utf8',
    );
    expect(datasource).toContain(`url: http://${listen?.split('=')[1]}`);
    expect(fs.existsSync(path.join(dockerDir, 'grafana/dashboards/switchboard.json'))).toBe(true);
  });
});
