# codebase-mcp: build on the official Swift image, run on a slim Ubuntu with libsqlite3 and libpcre2-8 (regex grep).
FROM swift:6.3-noble AS build
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev libpcre2-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources Sources
COPY Tests Tests
RUN swift build -c release --product codebase-mcp --static-swift-stdlib

FROM ubuntu:noble
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 libpcre2-8-0 curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /data mcp
COPY --from=build /src/.build/release/codebase-mcp /usr/local/bin/codebase-mcp
USER mcp
VOLUME /data
EXPOSE 8020
HEALTHCHECK --interval=10s --timeout=2s --start-period=5s CMD curl -fsS http://127.0.0.1:8020/health || exit 1
ENTRYPOINT ["codebase-mcp", "--host", "0.0.0.0", "--port", "8020", "--database", "/data/codebase.sqlite"]
