/**
 * A mail server that accepts everything and delivers nothing: enough SMTP (EHLO, MAIL, RCPT,
 * DATA, QUIT) for nodemailer to hand it a message, so a test can count what the servers sent
 * and to whom. No STARTTLS is offered, so the client stays on plain text.
 */
import { createServer, type Socket } from 'node:net';

export type SmtpSink = {
  port: number;
  url: string;
  /** messages accepted, per recipient address (lower case) */
  perRecipient: Map<string, number>;
  /** messages accepted in all (one per DATA, whatever the number of recipients) */
  messages: number;
  close(): Promise<void>;
};

const address = (arg: string) => (/<([^>]*)>/.exec(arg)?.[1] ?? arg).trim().toLowerCase();

export async function startSmtpSink(): Promise<SmtpSink> {
  const sockets = new Set<Socket>();
  const sink: SmtpSink = {
    port: 0,
    url: '',
    perRecipient: new Map(),
    messages: 0,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {
      // a client gone mid-conversation: nothing to deliver anyway
    });
    let buffered = '';
    let inData = false;
    let recipients: string[] = [];
    const say = (line: string) => socket.write(`${line}\r\n`);
    const command = (line: string) => {
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO' || verb === 'HELO') return say('250 smtp-sink');
      if (verb === 'MAIL') {
        recipients = [];
        return say('250 OK');
      }
      if (verb === 'RCPT') {
        recipients.push(address(line.slice(line.indexOf(':') + 1)));
        return say('250 OK');
      }
      if (verb === 'DATA') {
        inData = true;
        return say('354 end with <CRLF>.<CRLF>');
      }
      if (verb === 'RSET') {
        recipients = [];
        return say('250 OK');
      }
      if (verb === 'QUIT') {
        say('221 bye');
        return socket.end();
      }
      return say('250 OK');
    };
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!inData) {
          command(line);
          continue;
        }
        // A lone dot ends the message (a line of the message that starts with one is doubled).
        if (line !== '.') continue;
        inData = false;
        sink.messages++;
        for (const to of recipients) {
          sink.perRecipient.set(to, (sink.perRecipient.get(to) ?? 0) + 1);
        }
        recipients = [];
        say('250 OK queued');
      }
    });
    say('220 smtp-sink ESMTP');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  sink.port = (server.address() as { port: number }).port;
  sink.url = `smtp://127.0.0.1:${sink.port}`;
  return sink;
}
