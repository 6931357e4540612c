// `--engine <swarm-node>=<docker-host-url>`: where the engine of one swarm node answers, in the
// forms DOCKER_HOST takes: unix:///path, tcp://host:port (https when DOCKER_TLS_VERIFY=1 or port
// 2376, with DOCKER_CERT_PATH's certificates), ssh://user@host[:port] (through `docker system
// dial-stdio` on that host, with the keys of SSH_AUTH_SOCK's agent).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type Dockerode from "dockerode";

export interface EngineSpec {
  /** The swarm node it belongs to: its hostname or node id (or an unambiguous id prefix). */
  node: string;
  url: string;
}

export class EngineSpecError extends Error {}

export function parseEngineSpec(text: string): EngineSpec {
  const eq = text.indexOf("=");
  const node = text.slice(0, eq).trim();
  const url = text.slice(eq + 1).trim();
  if (eq <= 0 || !url) {
    throw new EngineSpecError(
      `--engine ${JSON.stringify(text)}: expected <swarm-node>=<docker-host-url>, e.g. host2=ssh://user@host2`,
    );
  }
  dockerOptionsOf(url); // reject a bad URL now, before anything is made
  return { node, url };
}

/** Dockerode's connection options for a DOCKER_HOST-style URL. */
export function dockerOptionsOf(url: string): Dockerode.DockerOptions {
  if (url.startsWith("unix://")) {
    const socketPath = url.slice("unix://".length);
    if (!socketPath.startsWith("/"))
      throw new EngineSpecError(`${url}: a unix socket needs an absolute path`);
    return { socketPath };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EngineSpecError(`${url}: not a URL (unix:///path, tcp://host:port or ssh://user@host)`);
  }
  const host = parsed.hostname;
  if (!host) throw new EngineSpecError(`${url}: names no host`);
  switch (parsed.protocol) {
    case "ssh:":
      return {
        protocol: "ssh",
        host,
        port: parsed.port ? Number(parsed.port) : 22,
        ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
        sshOptions: { agent: process.env.SSH_AUTH_SOCK },
      } as Dockerode.DockerOptions;
    case "tcp:":
    case "http:":
    case "https:": {
      const port = Number(parsed.port || (parsed.protocol === "https:" ? 2376 : 2375));
      const tls = parsed.protocol === "https:" || process.env.DOCKER_TLS_VERIFY === "1" || port === 2376;
      return { protocol: tls ? "https" : "http", host, port, ...(tls ? tlsFiles() : {}) };
    }
    default:
      throw new EngineSpecError(
        `${url}: unsupported scheme ${parsed.protocol} (use unix://, tcp://, https:// or ssh://)`,
      );
  }
}

/** Client certificates where the docker CLI finds them (DOCKER_CERT_PATH, else ~/.docker). */
function tlsFiles(): Pick<Dockerode.DockerOptions, "ca" | "cert" | "key"> {
  const dir = process.env.DOCKER_CERT_PATH ?? join(process.env.HOME ?? "", ".docker");
  try {
    return {
      ca: readFileSync(join(dir, "ca.pem")),
      cert: readFileSync(join(dir, "cert.pem")),
      key: readFileSync(join(dir, "key.pem")),
    };
  } catch (err) {
    throw new EngineSpecError(
      `TLS to an engine needs ca.pem, cert.pem and key.pem in ${dir} (DOCKER_CERT_PATH): ${(err as Error).message}`,
    );
  }
}
