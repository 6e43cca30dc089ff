#!/usr/bin/env node
// The `lienthong` command: loads tsx's ESM hooks so the TypeScript CLI runs
// as is, then hands over to cli/main.ts. It exits when the command is done,
// as tools/*.ts do, so no idle AWS client connection holds the process open.
import { register } from 'tsx/esm/api';

// Node 20 is supported here; the SDK's notice about it would bury the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { runCli, processIo } = await import('./main.ts');
process.exit(await runCli(process.argv.slice(2), processIo));
