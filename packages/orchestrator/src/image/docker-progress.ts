// Follows a build or pull stream to its end and turns an `errorDetail` line into a rejection:
// dockerode's followProgress reports a failed build as success with the error inside the output.
import type Dockerode from "dockerode";

export interface ProgressEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { ID?: string };
}

export function followProgress(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
  onEvent: (event: ProgressEvent) => void,
  signal?: AbortSignal,
): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    // An aborted request does not always end the stream with an error: settle on the signal too.
    const onAbort = () => reject(signal?.reason ?? new Error("aborted"));
    signal?.addEventListener("abort", onAbort, { once: true });
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: ProgressEvent[]) => {
        signal?.removeEventListener("abort", onAbort);
        if (err) return reject(err);
        const failed = output.find((e) => e.error || e.errorDetail);
        if (failed) return reject(new Error(failed.errorDetail?.message ?? failed.error));
        resolve(output);
      },
      onEvent,
    );
  });
}
