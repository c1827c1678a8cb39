// A loopback endpoint speaking Step Functions' JSON protocol for the task-token callbacks
// (SendTaskSuccess, SendTaskFailure): moto accepts them and drops them, so a test could not see
// what a worker answered.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Callback {
  action: string;
  body: { taskToken: string; output?: string; error?: string; cause?: string };
}

/** `expired` tokens are answered as Step Functions does once nobody waits on them (TaskTimedOut). */
export async function startSfnCallbacks(): Promise<{ url: string; calls: Callback[]; expired: Set<string>; close(): Promise<void> }> {
  const calls: Callback[] = [];
  const expired = new Set<string>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.replace(/^AWSStepFunctions\./, '');
    if (!['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat'].includes(action)) {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Callback['body'];
    if (expired.has(body.taskToken)) {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'TaskTimedOut', message: 'Task Timed Out' }));
      return;
    }
    calls.push({ action, body });
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://localhost:${(server.address() as AddressInfo).port}`, calls, expired, close: () => new Promise((r) => server.close(() => r())) };
}
