// The service behind one node: one task (restart policy none: a crash stays a crash), the node's
// own flags and port, reachable on the run's overlay network by its node name with DNS round robin
// (no virtual IP: the kernels this runs on may have no IPVS), no health check (readiness comes
// from the log), and the image by its full id, which the engine never resolves in a registry.
import type Dockerode from "dockerode";
import { NODE_LABEL } from "./docker-client.js";
import { NO_HEALTHCHECK } from "./docker-runtime.js";
import { ROGUE_PROGRAM } from "../image/node-image.js";
import { gateArguments, gateCommand } from "./gate.js";

export interface ServiceLaunch {
  /** The service's name: jl-<runId>-<node>. */
  service: string;
  /** The node's name: its hostname and its alias on the network. */
  node: string;
  /** sha256:<64 hex>: an id skips the registry; a tag would be looked up there first. */
  imageId: string;
  args: readonly string[];
  /** The image's entrypoint, when the node program waits at the start gate (gate.ts). */
  gateEntrypoint?: readonly string[];
  /** joinlab-rogue (in the same image) instead of the node. */
  program?: "rogue";
  labels: Record<string, string>;
  networkId: string;
  constraints: readonly string[];
}

/** What the task runs: the image's node program, or the rogue; behind the gate when there is one. */
function program(launch: ServiceLaunch): Pick<Dockerode.ContainerSpec, "Command" | "Args" | "OpenStdin"> {
  const gate = launch.gateEntrypoint;
  const rogue = launch.program === "rogue";
  if (!gate)
    return rogue ? { Command: ["node"], Args: [ROGUE_PROGRAM, ...launch.args] } : { Args: [...launch.args] };
  const entrypoint = rogue ? [gate[0]!, ROGUE_PROGRAM] : gate;
  return {
    Command: gateCommand(entrypoint),
    Args: gateArguments(entrypoint, launch.args),
    // The orchestrator attaches once the task runs and writes the release line.
    OpenStdin: true,
  };
}

/** Seconds a stopped task has before SIGKILL (the node stops in milliseconds on SIGTERM). */
const STOP_GRACE_NS = 2e9;

export function serviceSpec(launch: ServiceLaunch): Dockerode.CreateServiceOptions {
  const labels = { ...launch.labels, [NODE_LABEL]: launch.node };
  const container: Dockerode.ContainerSpec = {
    Image: launch.imageId,
    ...program(launch),
    Hostname: launch.node,
    Labels: labels,
    HealthCheck: NO_HEALTHCHECK,
    StopGracePeriod: STOP_GRACE_NS,
  };
  return {
    Name: launch.service,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: container,
      RestartPolicy: { Condition: "none" },
      Placement: { Constraints: [...launch.constraints] },
      Networks: [{ Target: launch.networkId, Aliases: [launch.node] }],
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: { Mode: "dnsrr" },
  };
}
