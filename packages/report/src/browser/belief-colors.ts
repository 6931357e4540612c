// The colours of membership states and of what really happened, shared by the chart and the matrix.
export const BELIEF_COLORS: Readonly<Record<string, string>> = {
  alive: "#3aa655",
  suspect: "#e0a100",
  failed: "#d23c3c",
  left: "#7b61c4",
  up: "#9aa7b4",
  pause: "#c9ced6",
  cut: "#f08c3a",
};
