// Loopback figures with real UDP: N runners in one process (a harsher CPU budget than N containers).
// Run: node --import tsx packages/node/test/membership-loopback-bench.ts [N=16]
import { MembershipRunner } from "../src/membership/membership-runner.js";
const N = Number(process.argv[2] ?? 16);
const runners: MembershipRunner[] = [];
const H = "127.0.0.1";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let suspects = 0;
for (let i = 0; i < N; i++)
  runners.push(
    await MembershipRunner.start({
      self: { id: 100 + i, addr: H, port: 0, role: i === 0 ? "master" : "member" },
      bindHost: H,
      onEvent: (e) => {
        if (e.event === "member.suspect") suspects++;
      },
    }),
  );
function join(j: MembershipRunner, v: MembershipRunner) {
  const s = j.membership.self();
  const m = v.admitJoiner({ id: s.id, addr: s.addr, port: s.port, gen: s.gen });
  const vs = v.membership.self();
  j.seedFromJoinResponse(JSON.parse(JSON.stringify(m)), { id: vs.id, addr: vs.addr, port: vs.port });
}
for (let i = 1; i < N - 1; i++) {
  join(runners[i]!, runners[Math.floor(Math.random() * i)]!);
  await sleep(2);
}
await sleep(1500);
const last = runners[N - 1]!;
let t0 = performance.now();
join(last, runners[N - 2]!);
const lid = last.membership.selfId;
while (!runners.every((r) => r.view().some((m) => m.id === lid && m.state === "alive"))) await sleep(1);
console.log(`join convergence ${N} nodes: ${(performance.now() - t0).toFixed(1)} ms`);
await sleep(1000);
const times: number[] = [];
const dead = new Set<number>();
for (let k = 0; k < 5; k++) {
  const alive = runners.filter((r) => !dead.has(r.membership.selfId));
  const victim = alive[1 + Math.floor(Math.random() * (alive.length - 1))]!;
  const vid = victim.membership.selfId;
  dead.add(vid);
  await victim.abort();
  t0 = performance.now();
  const surv = alive.filter((r) => r !== victim);
  while (
    !surv.every((r) => r.view().find((m) => m.id === vid)?.state === "failed") &&
    performance.now() - t0 < 10000
  )
    await sleep(2);
  times.push(performance.now() - t0);
  await sleep(500);
}
console.log(
  `crash detection by all: ${times.map((t) => t.toFixed(0)).join(", ")} ms; suspect events ${suspects}`,
);
const falseDeaths = runners
  .filter((r) => !dead.has(r.membership.selfId))
  .flatMap((r) => r.view().filter((m) => m.state === "failed" && !dead.has(m.id)));
console.log("false deaths now:", falseDeaths.length);
for (const r of runners) await r.abort();
