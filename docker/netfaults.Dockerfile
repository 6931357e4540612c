# The network-fault helper: iptables (nf_tables backend) and tc on a small official base. It runs
# beside a node, in the node's network namespace, with NET_ADMIN only; the node image stays
# unprivileged. Where no registry answers, scripts/make-netfaults-image.sh makes the same tools
# into an image from the host's own binaries instead.
#   docker build -f docker/netfaults.Dockerfile -t joinlab/netfaults:latest docker
ARG BASE_IMAGE=alpine:3.20
FROM ${BASE_IMAGE}

# The orchestrator calls iptables-nft and iptables-nft-restore by those names; make sure they exist
# and speak nf_tables (the backend Docker's own rules use here).
RUN apk add --no-cache iptables iproute2-tc \
 && for tool in iptables-nft iptables-nft-restore; do \
      command -v "$tool" >/dev/null || ln -s "$(command -v xtables-nft-multi)" "/usr/sbin/$tool"; \
    done \
 && iptables-nft --version | grep -q nf_tables

CMD ["sleep", "infinity"]

ARG RECIPE_HASH=unknown
ARG BASE_IMAGE
LABEL org.opencontainers.image.title="joinlab-netfaults" \
      org.opencontainers.image.description="iptables-nft and tc for joinlab's network faults" \
      joinlab.netfaults-source="${BASE_IMAGE}" \
      joinlab.netfaults-recipe="${RECIPE_HASH}"
