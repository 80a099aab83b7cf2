// Real processes for the tests: a private nats-server, the reference Router (with fault injection and the
// policies of clients/testdata/policies) and the gateway, from the repository's built launchers (make build).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const NATS_SERVER = process.env.NATS_SERVER ?? '/usr/sbin/nats-server';
const START_TIMEOUT_MS = 60000; // two busy cores shared with other builds

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Spawns a process and resolves once a line of its stdout (or stderr) matches `ready`. */
function start(name, command, args, ready, logDir, env) {
  return new Promise((resolve, reject) => {
    const log = fs.createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(command, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    let ready_ = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms; see ${logDir}/${name}.log`));
    }, START_TIMEOUT_MS);
    const watch = (data) => {
      log.write(data);
      if (ready_) return;
      seen += data.toString();
      if (ready.test(seen)) {
        ready_ = true;
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready; see ${logDir}/${name}.log`));
    });
  });
}

/** Stops one process this harness started, by its PID, and waits for it to exit. */
function stop(child, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export class Deployment {
  static async start() {
    for (const launcher of ['bin/ipc-gateway', 'bin/ipc-router']) {
      if (!fs.existsSync(path.join(REPO, 'gateway/target/lib')) || !fs.existsSync(path.join(REPO, launcher))) {
        throw new Error(`${launcher} is not built: run make build first`);
      }
    }
    const d = new Deployment();
    d.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beamline-ts-client-'));
    d.socketPath = path.join(d.dir, 'gw.sock');
    d.natsPort = await freePort();
    d.natsUrl = `nats://127.0.0.1:${d.natsPort}`;
    d.nats = await start('nats', NATS_SERVER, ['-a', '127.0.0.1', '-p', String(d.natsPort)],
      /Server is ready/, d.dir);
    d.router = await start('router', path.join(REPO, 'bin/ipc-router'),
      ['--nats', d.natsUrl, '--policies', path.join(REPO, 'clients/testdata/policies'), '--enable-faults'],
      /serving/, d.dir);
    await d.startGateway();
    return d;
  }

  async startGateway() {
    this.gateway = await start('gateway', path.join(REPO, 'bin/ipc-gateway'),
      ['--socket', this.socketPath, '--nats', this.natsUrl, '--admin-port', '0'], /listening on/, this.dir, {
        // The tests provoke timeouts on purpose: a breaker opening on them would answer circuit_open.
        BEAMLINE_BREAKER_WINDOW_SIZE: '1000', BEAMLINE_BREAKER_MINIMUM_CALLS: '1000',
        BEAMLINE_BACKPRESSURE_POLL_INTERVAL_MS: '0',
      });
  }

  /** The gateway goes away at once (SIGKILL), as a crash would. */
  killGateway() {
    return stop(this.gateway, 'SIGKILL');
  }

  async stop() {
    await stop(this.gateway);
    await stop(this.router);
    await stop(this.nats);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
