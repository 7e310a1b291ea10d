import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Debian's packages, started as their own processes: what a platform runs in front of keygate. */
export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
export const CADDY = process.env.CADDY_PATH ?? '/usr/bin/caddy';
export const hasNginx = existsSync(NGINX);
export const hasCaddy = existsSync(CADDY);

/** The identity headers keygate answers with, which the gateway passes upstream and nobody else may set. */
export const IDENTITY_HEADERS = ['X-Keygate-Owner-Type', 'X-Keygate-Owner-Id', 'X-Keygate-Tenant-Id', 'X-Keygate-Customer-Id', 'X-Keygate-Key-Id', 'X-Keygate-Rights'];

/** How long a gateway may take to listen, and to exit once told to. */
const START_MS = 15_000;
const STOP_MS = 5_000;

/** What the echo upstream saw: the request as the gateway passed it on. */
export interface UpstreamRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface EchoUpstream {
  port: number;
  close(): Promise<void>;
}

/** The platform's service behind the gateway: answers every request with the request it received, as JSON. */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const seen: UpstreamRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Echo-Upstream': 'yes' });
      res.end(JSON.stringify(seen));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nobody listens on now (the gateway binds it a moment later). */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface GatewayRoutes {
  /** Where keygate listens, e.g. 127.0.0.1:41234. */
  keygate: string;
  /** Where the protected service listens. */
  upstream: string;
}

/**
 * nginx in front of the service: `auth_request` asks keygate, the identity headers go upstream in
 * place of whatever the client sent, and keygate's true refusal (429, 503, 400, which it answers as
 * 403 to nginx) reaches the client. docs/gateways.md shows this server block.
 */
export function nginxServerBlock(listen: string, routes: GatewayRoutes): string {
  const identity = IDENTITY_HEADERS.map((name) => [name, `$keygate_${variablePart(name)}`]);
  return `server {
    listen ${listen};

    location / {
        auth_request /_keygate;
${identity.map(([name, variable]) => `        auth_request_set ${variable} $upstream_http_${name.toLowerCase().replaceAll('-', '_')};`).join('\n')}
        auth_request_set $keygate_status $upstream_http_x_keygate_status;
        auth_request_set $keygate_error $upstream_http_x_keygate_error;
        auth_request_set $keygate_retry_after $upstream_http_retry_after;
        auth_request_set $keygate_ratelimit $upstream_http_ratelimit;
        auth_request_set $keygate_ratelimit_policy $upstream_http_ratelimit_policy;
        error_page 401 403 = @keygate_refused;

        # keygate's answer replaces any X-Keygate-* the client sent; an empty value sends none
${identity.map(([name, variable]) => `        proxy_set_header ${name} ${variable};`).join('\n')}
        proxy_set_header X-Keygate-Status "";
        proxy_set_header X-Keygate-Error "";
        proxy_set_header Host $host;
        proxy_pass http://${routes.upstream};
    }

    location = /_keygate {
        internal;
        proxy_pass http://${routes.keygate}/api/forward-auth;
        proxy_pass_request_body off;
        proxy_set_header Content-Length "";
        proxy_set_header X-Original-Method $request_method;
        proxy_set_header X-Original-URI $request_uri;
        # the original request is named by nginx alone, never by headers the client chose
        proxy_set_header X-Forwarded-Method "";
        proxy_set_header X-Forwarded-Uri "";
        # the client's own address, so keygate's failure limits count each client apart
        proxy_set_header X-Forwarded-For $remote_addr;
    }

    # auth_request passes on only 401 and 403 (anything else becomes 500): keygate answers nginx
    # 403 with the true status in X-Keygate-Status, which is given back to the client here
    location @keygate_refused {
        default_type application/json;
        add_header Retry-After $keygate_retry_after always;
        add_header RateLimit $keygate_ratelimit always;
        add_header RateLimit-Policy $keygate_ratelimit_policy always;
        if ($keygate_status = 400) { return 400 $keygate_error; }
        if ($keygate_status = 401) { return 401 $keygate_error; }
        if ($keygate_status = 429) { return 429 $keygate_error; }
        if ($keygate_status = 503) { return 503 $keygate_error; }
        return 403 $keygate_error;
    }
}`;
}

/**
 * Caddy in front of the service: forward_auth written out as the reverse_proxy it stands for, because
 * Caddy 2.6's `copy_headers` passes its own unresolved placeholder upstream when keygate sends no
 * such header (caddyserver/caddy#6610): on a public route, or a key id after a JWT. Every X-Keygate-*
 * the client sent is deleted first; `route` keeps the written order. docs/gateways.md shows this.
 */
export function caddySiteBlock(listen: string, routes: GatewayRoutes): string {
  const copies = IDENTITY_HEADERS.flatMap((name) => {
    const matcher = `@${variablePart(name)}`;
    const value = `{rp.header.${name}}`;
    return [`                ${matcher} expression \`${value} != null && ${value} != ""\``, `                request_header ${matcher} ${name} ${value}`];
  });
  return `${listen} {
    route {
        request_header -X-Keygate-*
        reverse_proxy ${routes.keygate} {
            method GET
            rewrite /api/forward-auth
            header_up X-Forwarded-Method {method}
            header_up X-Forwarded-Uri {uri}
            # the original request is named by Caddy alone, never by headers the client chose
            header_up -X-Original-Method
            header_up -X-Original-URI
            # the client's own address, so keygate's failure limits count each client apart
            header_up X-Forwarded-For {remote_host}
            # allowed: keygate's identity headers go upstream; refused: keygate's answer goes to the client
            @allowed status 2xx
            handle_response @allowed {
${copies.join('\n')}
            }
        }
        reverse_proxy ${routes.upstream}
    }
}`;
}

/** `X-Keygate-Owner-Id` -> `owner_id`, the nginx variable's part after `$keygate_`. */
function variablePart(header: string): string {
  return header.toLowerCase().replace(/^x-keygate-/, '').replaceAll('-', '_');
}

export interface Gateway {
  name: 'nginx' | 'caddy';
  /** Where clients reach the gateway, e.g. http://127.0.0.1:41235. */
  url: string;
  port: number;
  /** What the gateway wrote to its error log and stderr, for a failing assertion to show. */
  log(): string;
  close(): Promise<void>;
}

/** nginx with a configuration of its own in a temporary directory, not a daemon, on a free loopback port. */
export async function startNginx(routes: GatewayRoutes): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'keygate-nginx-'));
  const port = await freePort();
  const temp = (name: string) => {
    mkdirSync(join(dir, name));
    return join(dir, name);
  };
  // as root, workers would run as nobody and could not use the private temp directory
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  const config = `${user}worker_processes 1;
events { worker_connections 256; }
http {
    access_log ${join(dir, 'access.log')};
    client_body_temp_path ${temp('client_body')};
    proxy_temp_path ${temp('proxy')};
    fastcgi_temp_path ${temp('fastcgi')};
    uwsgi_temp_path ${temp('uwsgi')};
    scgi_temp_path ${temp('scgi')};

${nginxServerBlock(`127.0.0.1:${port}`, routes)}
}
`;
  const configFile = join(dir, 'nginx.conf');
  writeFileSync(configFile, config);
  const errorLog = join(dir, 'error.log');
  const globals = `daemon off; pid ${join(dir, 'nginx.pid')}; error_log ${errorLog} notice;`;
  const child = spawn(NGINX, ['-p', dir, '-c', configFile, '-g', globals], { stdio: ['ignore', 'pipe', 'pipe'] });
  return launched('nginx', child, port, dir, () => readIfPresent(errorLog));
}

/** Caddy with a Caddyfile of its own in a temporary directory: no admin endpoint, no HTTPS, no state in $HOME. */
export async function startCaddy(routes: GatewayRoutes): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'keygate-caddy-'));
  const port = await freePort();
  const caddyfile = `{
    admin off
    auto_https off
}

${caddySiteBlock(`http://127.0.0.1:${port}`, routes)}
`;
  const configFile = join(dir, 'Caddyfile');
  writeFileSync(configFile, caddyfile);
  const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') };
  const child = spawn(CADDY, ['run', '--config', configFile, '--adapter', 'caddyfile'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  return launched('caddy', child, port, dir, () => '');
}

/** Waits until the gateway listens; a gateway that exits first fails the start with what it printed. */
async function launched(name: Gateway['name'], child: ChildProcess, port: number, dir: string, fileLog: () => string): Promise<Gateway> {
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => `${output}${fileLog()}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(STOP_MS, false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_MS;
  while (!(await listening(port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      const why = child.exitCode !== null ? `exited with ${child.exitCode}` : `did not listen on ${port} within ${START_MS} ms`;
      const printed = log();
      await close();
      throw new Error(`${name} ${why}:\n${printed}`);
    }
    await sleep(50);
  }
  return { name, url: `http://127.0.0.1:${port}`, port, log, close };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readIfPresent(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

export interface GatewayReply {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: any;
}

/**
 * One request as a client at `from` (a loopback address of its own, 127.0.0.2 and so on) would send
 * it: node:http rather than fetch, because only it can choose the source address.
 */
export function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {}): Promise<GatewayReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: { Accept: 'application/json', ...options.headers }, localAddress: options.from, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: left as text for the assertion to show
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer from ${url} within 15 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
