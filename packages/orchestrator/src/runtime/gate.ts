// The start gate: a container runs `node -e GATE_SCRIPT <image entrypoint args> <node flags>`,
// which boots Node and waits for one line on stdin before it lets the node program start, with the
// argv the image's entrypoint would have given it. The orchestrator attaches to stdin before the
// container starts and writes the release line when the node's turn comes: bytes written early
// wait in the pipe, so no release is lost and none costs an API call. Without a release, stdin
// closes when the orchestrator goes away (StdinOnce) and the gate exits: nothing idles forever.
//
// A program the image names in JOINLAB_PRELOADABLE (the joinlab node) is imported at once and
// waits on the promise at globalThis[Symbol.for("joinlab.startGate")], which the release resolves:
// its code is loaded while it waits, so a joiner whose dependency is ready starts about 0.1 s
// sooner. Any other program (the rogue, another image's) is imported only at the release.

export const GATE_SCRIPT = [
  "const a=process.argv.slice(1);let go=false,release;",
  "const pre=process.env.JOINLAB_PRELOADABLE===a[0];",
  "const q=()=>process.exit(0);process.once('SIGTERM',q);process.once('SIGINT',q);",
  "const run=()=>{process.argv=[process.argv[0],...a];",
  "import(a[0]).catch(e=>{console.error(e);process.exit(3)})};",
  "if(pre){globalThis[Symbol.for('joinlab.startGate')]=new Promise(r=>release=r);run()}",
  "process.stdin.once('data',()=>{go=true;process.stdin.destroy();",
  "process.off('SIGTERM',q);process.off('SIGINT',q);pre?release():run()});",
  "process.stdin.once('end',()=>{if(!go)process.exit(0)});",
].join("");

export const GATE_RELEASE = "go\n";

/**
 * The gate needs an entrypoint of the form `node [--option[=value] ...] <module> ...`; anything
 * else starts plainly. Node's own options (the image's runtime settings) stay in front of the gate.
 */
export function gateEntrypoint(entrypoint: readonly string[]): string[] | undefined {
  if (!/(^|\/)node$/.test(entrypoint[0] ?? "")) return undefined;
  const module = entrypoint[moduleAt(entrypoint)];
  return module !== undefined && !module.startsWith("-") ? [...entrypoint] : undefined;
}

/** What the container runs for a gated entrypoint: node, its options, then the gate script. */
export function gateCommand(entrypoint: readonly string[]): string[] {
  return [...entrypoint.slice(0, moduleAt(entrypoint)), "-e", GATE_SCRIPT];
}

/** The gate script's arguments: the entrypoint's module and arguments, then the node's own flags. */
export function gateArguments(entrypoint: readonly string[], args: readonly string[]): string[] {
  return [...entrypoint.slice(moduleAt(entrypoint)), ...args];
}

/** Where the module stands: after node and its `--` options. */
function moduleAt(entrypoint: readonly string[]): number {
  const at = entrypoint.findIndex((arg, i) => i > 0 && !arg.startsWith("--"));
  return at < 0 ? entrypoint.length : at;
}
