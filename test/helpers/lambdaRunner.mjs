// One Lambda invocation, as the Node.js runtime makes it: import the bundle, call the export with
// the event (stdin) and a context, and write the answer or the error report (errorType is the
// error's name, as Step Functions sees it) to fd 3. Run by test/helpers/deployedBundle.ts.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [file, exportName] = process.argv.slice(2);
const event = JSON.parse(readFileSync(0, 'utf8'));
const deadline = Date.now() + Number(process.env.LAMBDA_TIMEOUT_MS ?? 3000);
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: randomUUID(),
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
  getRemainingTimeInMillis: () => deadline - Date.now(),
};
let answer;
try {
  const mod = await import(pathToFileURL(file).href);
  answer = { result: (await mod[exportName](event, context)) ?? null };
} catch (err) {
  answer = { errorType: err?.name ?? 'Error', errorMessage: err?.message ?? String(err) };
}
writeSync(3, JSON.stringify(answer));
// Lambda keeps the process after an answer (it freezes it); a moment lets sockets finish what
// they were sending (the tracer's UDP datagrams) before this stand-in ends it.
setTimeout(() => process.exit(0), 100);
