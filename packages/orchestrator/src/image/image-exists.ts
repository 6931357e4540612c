// Inspects an image by name, telling "not there" (404) apart from real failures.
import type Dockerode from "dockerode";

export async function inspectImageIfPresent(
  docker: Dockerode,
  name: string,
): Promise<Dockerode.ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(name).inspect();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}
