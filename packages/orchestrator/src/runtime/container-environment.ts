// What a run's environment is when its nodes are containers on a network of the run's own (one
// engine, or a swarm's overlay): a node is reached by its name, through the engine's embedded DNS,
// at the scenario's port, and the environment has one teardown that lets creates in flight land.
import { RunTeardown } from "./run-teardown.js";
import type { CreatedNode, NodeLaunch, RunIdentity } from "./types.js";

export abstract class ContainerEnvironment {
  private readonly teardown: RunTeardown;

  constructor(readonly run: RunIdentity) {
    this.teardown = new RunTeardown(run.runId);
  }

  advertiseHost(node: string): string {
    return node; // the node's alias on the run's network: stable, readable addresses
  }

  portOf(_node: string, scenarioPort: number): number {
    return scenarioPort;
  }

  literalAddress(host: string, port: number): string {
    // Resolved by the embedded DNS on the run's internal network: a name we do not run fails there.
    return `${host}:${port}`;
  }

  createNode(launch: NodeLaunch): Promise<CreatedNode> {
    return this.teardown.create(launch.name, () => this.create(launch));
  }

  /** Removes every node and what the run made; a second call (Ctrl-C twice) joins the first. */
  stop(): Promise<void> {
    return this.teardown.stop(() => this.removeAll());
  }

  /** Creates the node's container (or service); the teardown tracks it. */
  protected abstract create(launch: NodeLaunch): Promise<CreatedNode>;

  /** Removes everything of the run, once the creates in flight have landed. */
  protected abstract removeAll(): Promise<void>;
}
