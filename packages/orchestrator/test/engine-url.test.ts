// --engine <host>=<url>: the forms DOCKER_HOST takes, and a clear refusal of anything else.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dockerOptionsOf, parseEngineSpec } from "../src/runtime/engine-url.js";

describe("--engine", () => {
  it("splits the swarm host from the URL", () => {
    assert.deepEqual(parseEngineSpec("host2=ssh://ops@host2"), { node: "host2", url: "ssh://ops@host2" });
    assert.deepEqual(parseEngineSpec("h3=tcp://10.0.0.3:2375"), { node: "h3", url: "tcp://10.0.0.3:2375" });
  });

  it("reads unix sockets, tcp and ssh as dockerode connects to them", () => {
    assert.deepEqual(dockerOptionsOf("unix:///run/eng2/docker.sock"), {
      socketPath: "/run/eng2/docker.sock",
    });
    assert.deepEqual(dockerOptionsOf("tcp://10.0.0.3:2375"), {
      protocol: "http",
      host: "10.0.0.3",
      port: 2375,
    });
    const ssh = dockerOptionsOf("ssh://ops@host2:2222") as Record<string, unknown>;
    assert.equal(ssh.protocol, "ssh");
    assert.equal(ssh.host, "host2");
    assert.equal(ssh.port, 2222);
    assert.equal(ssh.username, "ops");
  });

  it("refuses what is not <host>=<url>, naming the input and the forms it takes", () => {
    assert.throws(
      () => parseEngineSpec("host2"),
      /--engine "host2": expected <swarm-node>=<docker-host-url>/,
    );
    assert.throws(() => parseEngineSpec("=tcp://h:1"), /expected <swarm-node>=<docker-host-url>/);
    assert.throws(
      () => parseEngineSpec("h=ftp://h"),
      /unsupported scheme ftp: \(use unix:\/\/, tcp:\/\/, https:\/\/ or ssh:\/\/\)/,
    );
    assert.throws(() => parseEngineSpec("h=unix://relative.sock"), /absolute path/);
    assert.throws(() => parseEngineSpec("h=not a url"), /not a URL/);
  });
});
