import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What a receiver got: the parsed event, and whether its signature held, checked as docs/webhooks.md tells subscribers. */
export interface Received {
  event: any;
  headers: IncomingMessage['headers'];
  signatureValid: boolean;
  at: number;
}

/** How the receiver answers the next request: a status, never (hang), or by dropping the connection. */
export type Behaviour = number | 'hang' | 'close';

/**
 * Verifies `X-Keygate-Signature` exactly as the subscriber's snippet in docs/webhooks.md does
 * (written here, not imported from keygate): HMAC-SHA256 over `t + "." + body`, in constant time,
 * with the timestamp within 5 minutes.
 */
export function verifySignature(secret: string, header: string | undefined, body: string, toleranceSeconds = 300): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A webhook receiver on a loopback port, as a subscriber would run one. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Answers in turn; once used up, `fallback`. */
  readonly script: Behaviour[] = [];
  fallback: Behaviour = 200;
  secret = '';
  private server!: Server;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  static async start(path = '/hook'): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.server = createServer((req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}${path}`;
    return receiver;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const behaviour = this.script.length ? this.script.shift()! : this.fallback;
      this.received.push({ event: JSON.parse(body), headers: req.headers, signatureValid: verifySignature(this.secret, req.headers['x-keygate-signature'] as string, body), at: Date.now() });
      if (behaviour === 'hang') {
        this.hanging.add(res);
        return;
      }
      if (behaviour === 'close') {
        req.socket.destroy();
        return;
      }
      res.writeHead(behaviour, { 'Content-Type': 'text/plain' }).end('ok');
    });
  }

  events(type?: string): any[] {
    return this.received.filter((r) => !type || r.event.type === type).map((r) => r.event);
  }

  /** Waits until `predicate` holds for what was received, or fails after `ms`. */
  async waitFor(predicate: (received: Received[]) => boolean, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate(this.received)) {
      if (Date.now() > end) throw new Error(`receiver: condition not met within ${ms} ms; got ${JSON.stringify(this.received.map((r) => r.event.type))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
