// The service behind a node: what the swarm is told decides whether the run works without a
// registry, without IPVS, and without the engine restarting a crashed node behind our back.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ROGUE_PROGRAM } from "../src/image/node-image.js";
import { GATE_SCRIPT } from "../src/runtime/gate.js";
import { serviceSpec, type ServiceLaunch } from "../src/runtime/swarm-service-spec.js";
import { validateScenario } from "../src/scenarios/types.js";
import { buildScenario } from "../src/scenarios/registry.js";

const launch: ServiceLaunch = {
  service: "jl-run1-node2",
  node: "node2",
  imageId: `sha256:${"a".repeat(64)}`,
  args: ["--name", "node2", "--myport", "8002"],
  labels: { "joinlab.run": "run1" },
  networkId: "net1",
  constraints: ["node.id==abc"],
};

describe("a node's swarm service", () => {
  it("runs the image by id, once, with no health check, reachable by its name over DNS round robin", () => {
    const spec = serviceSpec(launch);
    const task = spec.TaskTemplate as { ContainerSpec: Record<string, unknown>; RestartPolicy: unknown };
    assert.equal(task.ContainerSpec.Image, launch.imageId);
    assert.deepEqual(task.ContainerSpec.Args, launch.args);
    assert.equal(task.ContainerSpec.Hostname, "node2");
    assert.deepEqual(task.ContainerSpec.HealthCheck, { Test: ["NONE"] });
    assert.deepEqual(task.RestartPolicy, { Condition: "none" });
    assert.deepEqual(spec.EndpointSpec, { Mode: "dnsrr" });
    assert.deepEqual(spec.Mode, { Replicated: { Replicas: 1 } });
    assert.deepEqual(spec.TaskTemplate?.Networks, [{ Target: "net1", Aliases: ["node2"] }]);
    assert.deepEqual(spec.TaskTemplate?.Placement, { Constraints: ["node.id==abc"] });
  });

  it("labels the service and its containers with the run and the node", () => {
    const spec = serviceSpec(launch);
    const container = (spec.TaskTemplate as { ContainerSpec: { Labels: Record<string, string> } })
      .ContainerSpec;
    for (const labels of [spec.Labels!, container.Labels]) {
      assert.equal(labels["joinlab.run"], "run1");
      assert.equal(labels["joinlab.node"], "node2");
    }
  });

  it("behind the gate, runs the image's node program through the gate with stdin open", () => {
    const spec = serviceSpec({
      ...launch,
      gateEntrypoint: ["node", "--no-memory-reducer", "/app/joinlab-node.mjs", "--readyFile", "/r"],
    });
    const c = (spec.TaskTemplate as { ContainerSpec: Record<string, unknown> }).ContainerSpec;
    assert.deepEqual(c.Command, ["node", "--no-memory-reducer", "-e", GATE_SCRIPT]);
    assert.deepEqual(c.Args, ["/app/joinlab-node.mjs", "--readyFile", "/r", ...launch.args]);
    assert.equal(c.OpenStdin, true);
  });
});

describe("the rogue as a service", () => {
  it("runs joinlab-rogue from the same image, behind the gate or not", () => {
    const gated = serviceSpec({
      ...launch,
      program: "rogue",
      gateEntrypoint: ["node", "/app/joinlab-node.mjs"],
    });
    const g = (gated.TaskTemplate as { ContainerSpec: Record<string, unknown> }).ContainerSpec;
    assert.deepEqual(g.Args, [ROGUE_PROGRAM, ...launch.args]);
    const plain = serviceSpec({ ...launch, program: "rogue" });
    const p = (plain.TaskTemplate as { ContainerSpec: Record<string, unknown> }).ContainerSpec;
    assert.deepEqual(p.Command, ["node"]);
    assert.deepEqual(p.Args, [ROGUE_PROGRAM, ...launch.args]);
  });
});

describe("placement constraints in a scenario", () => {
  it("accepts swarm constraints and refuses anything else, naming the node and the value", () => {
    const spec = buildScenario("chain-join");
    spec.nodes[1]!.placement = ["node.hostname==host2", "node.labels.zone != b"];
    assert.doesNotThrow(() => validateScenario(spec));
    spec.nodes[2]!.placement = ["host2"];
    assert.throws(() => validateScenario(spec), /node3\.placement "host2" is not a swarm constraint/);
  });
});
