// The whole user command, as a person types it (`npm run scenario -- chain-join`: npm, the set-up
// check, the CLI's start, the run, its report), against the plain Docker CLI doing the same
// container work (scripts/docker-cli-chain-join.sh). Paired rounds in turn, so drift on a shared
// machine hits both; the median of the per-round ratios is reported.
import { spawn } from "node:child_process";
import { endWithParent } from "@joinlab/node";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "../image/node-image.js";
import { median, round } from "./stats.js";

export interface WholeCommand {
  rounds: { joinlabMs: number; dockerCliMs: number; ratio: number; joinlabExit: number }[];
  joinlabMs?: number;
  dockerCliMs?: number;
  ratio?: number;
}

export async function wholeCommandVsDockerCli(image: string, rounds: number): Promise<WholeCommand> {
  const joinlab = ["npm", ["run", "-s", "scenario", "--", "chain-join"]] as const;
  const cli = ["bash", [join(REPO_ROOT, "scripts/docker-cli-chain-join.sh"), image]] as const;
  const list: WholeCommand["rounds"] = [];
  for (let r = 0; r < rounds; r++) {
    const first = r % 2 === 0;
    const a = first ? await timed(...joinlab) : await timed(...cli);
    const b = first ? await timed(...cli) : await timed(...joinlab);
    const [ours, theirs] = first ? [a, b] : [b, a];
    if (theirs.exit !== 0) throw new Error(`the plain Docker CLI baseline failed (exit ${theirs.exit})`);
    list.push({
      joinlabMs: round(ours.ms)!,
      dockerCliMs: round(theirs.ms)!,
      ratio: round(ours.ms / theirs.ms, 3)!,
      joinlabExit: ours.exit,
    });
  }
  return {
    rounds: list,
    joinlabMs: round(median(list.map((x) => x.joinlabMs))),
    dockerCliMs: round(median(list.map((x) => x.dockerCliMs))),
    ratio: round(median(list.map((x) => x.ratio)), 3),
  };
}

function timed(command: string, args: readonly string[]): Promise<{ ms: number; exit: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: "ignore" });
    // An interrupted bench: the command removes its own run on SIGTERM.
    endWithParent(child, "SIGTERM");
    child.once("error", reject);
    child.once("exit", (code) => resolve({ ms: performance.now() - t0, exit: code ?? 1 }));
  });
}
