// Whether this engine's kernel can delay packets (tc netem), asked the only honest way: a helper in
// a namespace of its own adds a netem qdisc to its loopback. Many kernels have it; some (this
// project's CI machine among them) do not, and then latency faults are a missing capability.
import type { DockerClient } from "../runtime/docker-client.js";
import { NetHelper, STANDALONE } from "./net-helper.js";

/** undefined when netem works; otherwise why latency cannot be injected. */
export async function netemMissing(
  client: DockerClient,
  image: string,
  labels: Record<string, string>,
): Promise<string | undefined> {
  const helper = await NetHelper.start(client, image, labels, STANDALONE);
  try {
    await helper.run(["tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"]);
    return undefined;
  } catch (err) {
    return `the kernel cannot delay packets (tc netem): ${(err as Error).message}`;
  } finally {
    await helper.remove().catch(() => {});
  }
}
