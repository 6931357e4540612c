// Command-line flags (yargs): the seed's three, spelled as the seed spells them, plus container knobs.
import yargs from "yargs";
import { MAX_NODE_ID } from "@joinlab/protocol";
import { KEY_ADVICE, KEY_ENV, KeyProblem, LABEL_PATTERN, loadKeyring, type Keyring } from "../auth/index.js";
import { defaultAdvertiseAddress } from "../advertise-address.js";
import { DEFAULTS, type NodeConfig } from "../config.js";
import { parseHostPort } from "../host-port.js";
import { LOG_FORMATS, LOG_LEVELS, type LoggerOptions } from "../log/node-logger.js";
import { MEMBERSHIP_OPTIONS, membershipFromFlags } from "./membership-flags.js";

export type ParsedFlags =
  | { kind: "run"; config: NodeConfig; log: LoggerOptions }
  /** --help, --version, or a bad flag: print `output` and exit with `exitCode`. */
  | { kind: "exit"; exitCode: 0 | 2; output: string };

/** --joinDeadline: long enough for one more attempt, short enough that a typo is not a day. */
export const JOIN_DEADLINE_RANGE = { min: 100, max: 3_600_000 } as const;

const OPTIONS = {
  makeMasterOnError: {
    type: "boolean",
    default: DEFAULTS.makeMasterOnError,
    describe: "If no cluster answers at --clusterip, start this node as the master instead of exiting.",
  },
  clusterip: {
    type: "string",
    default: DEFAULTS.clusterip,
    describe: "host:port of any node already in the cluster; this node joins through it.",
  },
  myport: {
    type: "string",
    default: String(DEFAULTS.myport),
    describe: "TCP port this node listens on, so later nodes can join through it.",
  },
  advertise: {
    type: "string",
    describe:
      "Host or IP that peers use to reach this node (sent as nodeIpAddr). " +
      "Default: this machine's first non-loopback IPv4 address, else its hostname.",
  },
  listenHost: {
    type: "string",
    describe: "Interface address to listen on. Default: all interfaces.",
  },
  nodeId: {
    type: "string",
    describe: `Fixed node id, 0..${MAX_NODE_ID}. Default: random in that range, like the seed.`,
  },
  name: { type: "string", describe: "Display name, added to every log line as `name`." },
  logFormat: {
    type: "string",
    default: "json",
    describe: `Log output: ${LOG_FORMATS.join(" | ")} (json: one object per line, for the orchestrator).`,
  },
  logLevel: {
    type: "string",
    default: "info",
    describe: `Least severe level logged: ${LOG_LEVELS.join(" | ")}.`,
  },
  readyFile: {
    type: "string",
    describe: "File written once the node has joined (or is master) and listens; removed at stop.",
  },
  dialTimeout: {
    type: "string",
    default: String(DEFAULTS.dialTimeoutMs),
    describe: "Milliseconds allowed to connect to --clusterip and read its response (per attempt).",
  },
  joinDeadline: {
    type: "string",
    describe:
      `Keep retrying --clusterip for up to this many milliseconds in all (${JOIN_DEADLINE_RANGE.min} to ` +
      `${JOIN_DEADLINE_RANGE.max}) while it refuses, stays silent or does not resolve, with jittered ` +
      "exponential pauses; then --makeMasterOnError or exit 1 applies. An error reply is not retried. " +
      "Default: one attempt, as the seed makes.",
  },
  requestTimeout: {
    type: "string",
    default: String(DEFAULTS.requestTimeoutMs),
    describe: "Milliseconds an inbound connection has to deliver its request line (absolute deadline).",
  },
  maxConnections: {
    type: "string",
    default: String(DEFAULTS.maxConnections),
    describe: "Inbound connections served at once; more are refused with an error reply.",
  },
  maxLineBytes: {
    type: "string",
    default: String(DEFAULTS.maxLineBytes),
    describe: "Longest accepted request line in bytes; a longer one closes the connection.",
  },
  clusterKey: {
    type: "string",
    describe:
      `Cluster key, base64 of 16 to 64 random bytes (${KEY_ADVICE}): every datagram and join is signed ` +
      "and only what verifies is accepted. Repeat it for a keyring (the first signs, all verify). " +
      `Visible in ps: prefer --clusterKeyFile or ${KEY_ENV}.`,
  },
  clusterKeyFile: {
    type: "string",
    describe:
      "File of cluster keys, one per line, the first signs (# comments allowed); it must not be " +
      "readable by other users (chmod 600).",
  },
  clusterLabel: {
    type: "string",
    describe:
      "Cluster label (letters, digits, . _ -; up to 64): datagrams and joins with another label, or " +
      "none, are ignored, so two clusters on one network never merge.",
  },
  ...MEMBERSHIP_OPTIONS,
} as const;

class BadFlag extends Error {}

/** `env` supplies JOINLAB_CLUSTER_KEY (the process environment by default). */
export function parseFlags(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): ParsedFlags {
  let result: ParsedFlags | undefined;
  const normalized = normalizeGoStyle(args);
  yargs()
    .scriptName("joinlab-node")
    .usage(
      "$0 [flags]\n\nOne joinlab cluster node. It joins the cluster through --clusterip, or becomes the " +
        "master with --makeMasterOnError, then listens on --myport so others can join through it.",
    )
    .options(OPTIONS)
    .parserConfiguration({ "duplicate-arguments-array": false })
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .example("$0 --makeMasterOnError", "start the first node (master) on port 8001")
    .example("$0 --myport 8002 --clusterip 127.0.0.1:8001", "join through the master")
    .wrap(null)
    .parse(normalized, {}, (err, argv, output) => {
      if (err) {
        result = {
          kind: "exit",
          exitCode: 2,
          output: `joinlab-node: ${err.message}. Run with --help for the flags.`,
        };
      } else if (argv.help) {
        result = { kind: "exit", exitCode: 0, output };
      } else {
        const clusterKeys = repeatedValues(normalized, "clusterKey");
        result = toConfig({ ...(argv as unknown as RawFlags), clusterKeys, envKeys: env[KEY_ENV] });
      }
    });
  if (result === undefined) throw new Error("yargs produced no result");
  return result;
}

interface RawFlags {
  makeMasterOnError: boolean;
  clusterip: string;
  myport: string;
  advertise?: string;
  listenHost?: string;
  nodeId?: string;
  name?: string;
  logFormat: string;
  logLevel: string;
  readyFile?: string;
  dialTimeout: string;
  joinDeadline?: string;
  requestTimeout: string;
  maxConnections: string;
  maxLineBytes: string;
  clusterKeyFile?: string;
  clusterLabel?: string;
  /** Every --clusterKey, in order (yargs keeps only the last). */
  clusterKeys: string[];
  envKeys: string | undefined;
}

function toConfig(raw: RawFlags): ParsedFlags {
  try {
    const config: NodeConfig = {
      makeMasterOnError: raw.makeMasterOnError,
      clusterip: clusterip(raw.clusterip),
      myport: integer("myport", raw.myport, 1, 65535, "a TCP port"),
      advertise: raw.advertise === undefined ? defaultAdvertiseAddress() : advertise(raw.advertise),
      listenHost: optionalText("listenHost", raw.listenHost),
      nodeId:
        raw.nodeId === undefined ? undefined : integer("nodeId", raw.nodeId, 0, MAX_NODE_ID, "a node id"),
      readyFile: optionalText("readyFile", raw.readyFile),
      dialTimeoutMs: integer("dialTimeout", raw.dialTimeout, 1, 600_000, "milliseconds"),
      ...(raw.joinDeadline !== undefined
        ? {
            joinDeadlineMs: integer(
              "joinDeadline",
              raw.joinDeadline,
              JOIN_DEADLINE_RANGE.min,
              JOIN_DEADLINE_RANGE.max,
              "milliseconds",
            ),
          }
        : {}),
      requestTimeoutMs: integer("requestTimeout", raw.requestTimeout, 1, 600_000, "milliseconds"),
      maxConnections: integer("maxConnections", raw.maxConnections, 1, 1_000_000, "a connection count"),
      maxLineBytes: integer("maxLineBytes", raw.maxLineBytes, 1024, 16 * 1024 * 1024, "a byte count"),
    };
    const membership = membershipFromFlags(raw as unknown as Record<string, unknown>);
    if (membership !== undefined && "problem" in membership) throw new BadFlag(membership.problem);
    if (membership !== undefined) config.membership = membership;
    const auth = clusterAuth(raw);
    if (auth !== undefined) config.auth = auth;
    const log: LoggerOptions = {
      format: oneOf("logFormat", raw.logFormat, LOG_FORMATS),
      level: oneOf("logLevel", raw.logLevel, LOG_LEVELS),
      name: optionalText("name", raw.name),
    };
    return { kind: "run", config, log };
  } catch (err) {
    if (!(err instanceof BadFlag)) throw err;
    return {
      kind: "exit",
      exitCode: 2,
      output: `joinlab-node: ${err.message}. Run with --help for the flags.`,
    };
  }
}

function clusterAuth(raw: RawFlags): NodeConfig["auth"] {
  const label = raw.clusterLabel;
  if (label !== undefined && !LABEL_PATTERN.test(label)) {
    throw new BadFlag(
      `--clusterLabel "${label.slice(0, 80)}" is not valid: expected 1 to 64 letters, digits, ".", "_" or "-"`,
    );
  }
  let keyring: Keyring | undefined;
  try {
    keyring = loadKeyring({
      flagKeys: raw.clusterKeys,
      ...(raw.envKeys !== undefined ? { envKeys: raw.envKeys } : {}),
      ...(raw.clusterKeyFile !== undefined ? { keyFile: raw.clusterKeyFile } : {}),
    });
  } catch (err) {
    // The message names the source and the problem, never the key itself.
    if (err instanceof KeyProblem) throw new BadFlag(err.message);
    throw err;
  }
  if (keyring === undefined && label === undefined) return undefined;
  return {
    ...(keyring !== undefined ? { keyring } : {}),
    ...(label !== undefined ? { label } : {}),
    ...(raw.clusterKeyFile !== undefined ? { keyFile: raw.clusterKeyFile } : {}),
  };
}

/** Every value of a flag given several times (`--name v`, `--name=v`), in order. */
function repeatedValues(args: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === `--${name}` && i + 1 < args.length) values.push(args[++i] as string);
    else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
  }
  return values;
}

function integer(flag: string, text: string, min: number, max: number, what: string): number {
  const value = /^[0-9]+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new BadFlag(
      `--${flag} "${text}" is not valid: expected ${what}, a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

function clusterip(text: string): string {
  if (parseHostPort(text) === undefined) {
    throw new BadFlag(
      `--clusterip "${text}" is not valid: expected host:port, such as 127.0.0.1:8001, node1:8001 or [::1]:8001`,
    );
  }
  return text;
}

function advertise(text: string): string {
  if (text === "" || /[\s/]/.test(text) || text.length > 253) {
    throw new BadFlag(
      `--advertise "${text}" is not valid: expected a bare host name or IP that peers can reach (no port, no /prefix)`,
    );
  }
  return text;
}

function optionalText(flag: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === "")
    throw new BadFlag(`--${flag} "${text}" is not valid: give a non-empty value or leave it out`);
  return text;
}

function oneOf<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  const found = choices.find((choice) => choice === text);
  if (found === undefined) {
    throw new BadFlag(`--${flag} "${text}" is not valid: expected one of ${choices.join(", ")}`);
  }
  return found;
}

/** Go's flag package also takes one dash (`-myport 8002`); turn those into yargs' two dashes. */
function normalizeGoStyle(args: readonly string[]): string[] {
  return args.map((arg) => {
    const match = /^-([A-Za-z][A-Za-z]+)(=.*)?$/.exec(arg);
    return match?.[1] !== undefined && match[1] in OPTIONS ? `-${arg}` : arg;
  });
}
