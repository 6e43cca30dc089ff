import { pathToFileURL } from 'node:url';
import { ack, download, inbox, keygen, send, status, timeline } from './agency';
import { dlqCommand } from './dlq';
import { EXIT, guarded, type Io } from './io';
import { agencyCommand, operatorCommand, signersCommand, trace } from './operator';
import { verifyDeliveryCommand } from './verify';

/**
 * `lienthong COMMAND …`: the command line of the axis for agencies (signed
 * HTTP requests) and for operators (direct AWS access). Every command takes
 * `--json`; exit codes are 0 ok, 1 failure from the axis or AWS, 2 usage.
 */

type Command = (argv: readonly string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  keygen: { run: keygen, usage: 'keygen --out agency.key' },
  send: { run: send, usage: 'send FILE|FOLDER' },
  inbox: { run: inbox, usage: 'inbox [--limit N] [--cursor C]' },
  download: { run: download, usage: 'download MESSAGE_ID [--out FILE]' },
  ack: { run: ack, usage: 'ack MESSAGE_ID --done|--failed [--reason TEXT]' },
  status: { run: status, usage: 'status FILE' },
  timeline: { run: timeline, usage: 'timeline DOCUMENT_ID' },
  'verify-delivery': {
    run: verifyDeliveryCommand,
    usage: 'verify-delivery --headers FILE.json --body FILE',
  },
  agency: {
    run: agencyCommand,
    usage:
      'agency register --id ID --name NAME --public-key FILE.pem --key-id KID ' +
      '--policy required|optional|report [--webhook URL] [--sends-for IDS]',
  },
  signers: {
    run: signersCommand,
    usage: 'signers register|list|revoke --agency ID [--cert FILE] [--fingerprint FP] [--actor A]',
  },
  operator: {
    run: operatorCommand,
    usage: 'operator create NAME | list | revoke OPERATOR_ID [--actor NAME]',
  },
  dlq: { run: dlqCommand, usage: 'dlq list|redrive verify|route [--max N]' },
  trace: { run: trace, usage: 'trace DOCUMENT_ID' },
};

const AGENCY_HELP =
  'agency settings: --url --agency --key-id --key-file ' +
  '(or LIENTHONG_URL, LIENTHONG_AGENCY, LIENTHONG_KEY_ID, LIENTHONG_KEY_FILE)';

/** The whole usage text. */
export function usage(): string {
  const lines = Object.values(COMMANDS).map((command) => `  lienthong ${command.usage}`);
  return ['usage:', ...lines, `  every command: --json; ${AGENCY_HELP}`].join('\n');
}

/** Runs one command line in-process and returns its exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`error: unknown command ${name}`);
    io.err(usage());
    return EXIT.usage;
  }
  const text = `usage: lienthong ${command.usage}`;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(text);
    return EXIT.ok;
  }
  return guarded(io, rest, text, () => command.run(rest, io));
}

/** The process's own Io: stdout, stderr and its environment. */
export const processIo: Io = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  runCli(process.argv.slice(2), processIo).then((code) => {
    process.exitCode = code;
  });
}
