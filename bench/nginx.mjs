// Debian's nginx in front of an upstream, for `npm run bench -- --nginx`: the cost of asking keygate
// (auth_request to /api/forward-auth) beside the cost of the subrequest itself (auth_request to the
// public /api/health) and of no auth_request at all. nginx and the upstream run as processes of their
// own on loopback ports; both are stopped by the returned function.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

const UPSTREAM = `require('node:http').createServer((q, r) => { r.setHeader('content-type', 'text/plain'); r.end('ok'); }).listen(Number(process.argv[1]), '127.0.0.1');`;

/** nginx on `port`: /v1/… asks keygate's forward-auth, /health-checked/v1/… asks /api/health, /plain/v1/… asks nothing. */
function config(dir, port, upstreamPort, keygate) {
  const common = `proxy_pass_request_body off; proxy_set_header Content-Length ""; proxy_http_version 1.1; proxy_set_header Connection "";`;
  return `worker_processes 1;
user root;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream keygate { server ${keygate}; keepalive 64; }
  upstream service { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location /v1/ {
      auth_request /_keygate;
      auth_request_set $keygate_owner_id $upstream_http_x_keygate_owner_id;
      proxy_set_header X-Keygate-Owner-Id $keygate_owner_id;
      proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_pass http://service;
    }
    location = /_keygate {
      internal;
      proxy_pass http://keygate/api/forward-auth;
      ${common}
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URI $request_uri;
    }
    location /health-checked/ {
      auth_request /_health;
      proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_pass http://service;
    }
    location = /_health {
      internal;
      proxy_pass http://keygate/api/health;
      ${common}
    }
    location /plain/ {
      proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_pass http://service;
    }
  }
}
`;
}

export async function startNginx({ port, upstreamPort, keygateUrl }) {
  if (!existsSync(NGINX)) throw new Error(`no nginx at ${NGINX}: apt-get install nginx, or set NGINX_PATH`);
  const dir = mkdtempSync(join(tmpdir(), 'keygate-bench-nginx-'));
  writeFileSync(join(dir, 'nginx.conf'), config(dir, port, upstreamPort, new URL(keygateUrl).host));
  const upstream = spawn(process.execPath, ['-e', UPSTREAM, String(upstreamPort)], { stdio: 'ignore' });
  const nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;`], { stdio: 'inherit' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/plain/v1/x`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: () => {
      nginx.kill('SIGTERM');
      upstream.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
