#!/usr/bin/env python3
"""Interoperability check: the official Python MCP client (`mcp` 2.x or 1.x) against one service.

Run it with the python of a venv made by scripts/mcp-clients.sh:
  .venv-mcp/v2/bin/python Tests/Interop/mcp_check.py --service codebase --http http://127.0.0.1:8020/mcp
  .venv-mcp/v1/bin/python Tests/Interop/mcp_check.py --service workflow --stdio -- \\
      .build/debug/workflow-mcp --stdio --port 0 --database /tmp/x.sqlite --codebase-url http://127.0.0.1:1

It lists the tools (exact set, schemas, size of the tools/list result), calls every tool once with valid
arguments, makes failing calls (not found, invalid argument, version conflict) and prints
`mcp_check: <line> <service> <transport>: N passed, M failed`; exit 0 only when nothing failed.
2.x connects in its default mode (`server/discover`, then `initialize` on a handshake-era server);
1.x with the `initialize` handshake. Every step is bounded by --timeout, the whole run by --total-timeout.
The codebase service must have indexed something that matches "authenticate user" (e.g. fixtures/sample-repo).
"""
import argparse
import json
import os
import sys
import time
from contextlib import asynccontextmanager
from importlib.metadata import version

import anyio
import jsonschema

MCP_VERSION = version("mcp")
MAJOR = int(MCP_VERSION.split(".")[0])
TOOLS = {
    "codebase": {"search_code", "get_chunk", "index_repository", "get_indexing_status", "grep_code", "find_symbol"},
    "workflow": {"create_work_item", "get_work_item", "list_work_items", "update_work_item", "delete_work_item"},
}
OPTIONAL_TOOLS = {"codebase": {"grep_code", "find_symbol"}, "workflow": set()}
MISSING_ITEM = "wi_" + "0" * 32  # the shape of a real id (wi_ + 32 hex digits), never issued


def wire(model):
    """The JSON-RPC wire form (camelCase keys, only the fields the server sent) of a result of either line."""
    return model.model_dump(by_alias=True, mode="json", exclude_unset=True)


def describe(error):
    while getattr(error, "exceptions", None) and len(error.exceptions) == 1:  # unwrap anyio's exception groups
        error = error.exceptions[0]
    return f"{type(error).__name__}: {error}"


@asynccontextmanager
async def connect(args):
    """Yields (client, negotiated protocol version); the client offers list_tools() and call_tool().

    Each request, the handshake included, is bounded by --timeout through the client's read timeout.
    """
    transport = None
    if args.command:
        from mcp.client.stdio import StdioServerParameters, stdio_client

        # The whole environment goes to the server (the SDK passes only a safe subset by default).
        params = StdioServerParameters(command=args.command[0], args=args.command[1:], env=dict(os.environ))
        transport = stdio_client(params)  # the server's stderr goes to ours
    if MAJOR >= 2:
        from mcp import Client

        async with Client(transport or args.http, mode=args.v2_mode, read_timeout_seconds=args.timeout) as client:
            yield client, client.protocol_version
    else:
        from datetime import timedelta

        from mcp import ClientSession
        from mcp.client.streamable_http import streamable_http_client

        async with transport or streamable_http_client(args.http) as streams:
            async with ClientSession(streams[0], streams[1], timedelta(seconds=args.timeout)) as session:
                init = await session.initialize()
                yield session, init.protocolVersion


class Checks:
    def __init__(self, verbose):
        self.passed, self.failures, self.verbose = 0, [], verbose

    def __call__(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            if self.verbose:
                print(f"  ok   {name}")
        else:
            self.failures.append(name)
            print(f"  FAIL {name}: {str(detail)[:300]}")
        return ok


async def check_service(args, check):
    progress = []

    async def on_progress(done, total, message):
        progress.append((done, total, message))

    async with connect(args) as (client, protocol):
        print(f"mcp_check: mcp {MCP_VERSION} connected, protocol {protocol}")
        with anyio.fail_after(args.timeout):
            listing = wire(await client.list_tools())
        size = len(json.dumps(listing, separators=(",", ":")).encode())
        print(f"mcp_check: tools/list result is {size} bytes (compact JSON)")
        if args.max_list_bytes:
            check(f"tools/list result <= {args.max_list_bytes} bytes", size <= args.max_list_bytes, size)
        tools = {t["name"]: t for t in listing["tools"]}
        required, optional = TOOLS[args.service], OPTIONAL_TOOLS[args.service]
        check("tool set", required <= tools.keys() <= required | optional, sorted(tools))
        for name, tool in tools.items():
            check(f"{name} inputSchema is an object", tool.get("inputSchema", {}).get("type") == "object", tool)
            check(f"{name} has an outputSchema", isinstance(tool.get("outputSchema"), dict), tool)

        async def call(name, arguments, **kwargs):
            try:
                with anyio.fail_after(args.timeout):
                    return wire(await client.call_tool(name, arguments, **kwargs))
            except Exception as error:  # a protocol error, a timeout, a result the client refused
                check(f"{name} {json.dumps(arguments)} answered", False, describe(error))
                return None

        def one_text(label, result):
            content = result.get("content", [])
            check(f"{label}: one text content block", len(content) == 1 and content[0].get("type") == "text", content)
            return content[0].get("text", "") if content else ""

        def ok(name, arguments, result):
            label = f"{name} {json.dumps(arguments)}"
            if result is None:
                return {}
            structured = result.get("structuredContent")
            check(f"{label}: not isError", not result.get("isError"), result.get("content"))
            check(f"{label}: structuredContent", isinstance(structured, dict), result)
            one_text(label, result)
            schema = tools.get(name, {}).get("outputSchema")
            if isinstance(structured, dict) and isinstance(schema, dict):
                try:
                    jsonschema.validate(structured, schema)
                    check(f"{label}: structuredContent satisfies outputSchema", True)
                except jsonschema.ValidationError as error:
                    check(f"{label}: structuredContent satisfies outputSchema", False, error.message)
            return structured if isinstance(structured, dict) else {}

        async def good(name, arguments, **kwargs):
            return ok(name, arguments, await call(name, arguments, **kwargs))

        async def bad(name, arguments, code):
            label = f"{name} {json.dumps(arguments)}"
            result = await call(name, arguments)
            if result is None:
                return
            text = one_text(label, result)
            check(f"{label}: isError", result.get("isError") is True, result)
            check(f"{label}: text starts with '{code}:'", text.startswith(f"{code}:"), text)
            structured = result.get("structuredContent") or {}
            check(f"{label}: structuredContent.error == {code}", structured.get("error") == code, structured)

        if args.service == "codebase":
            job = await good("index_repository", {"wait": True}, progress_callback=on_progress)
            check("index_repository wait:true completed", job.get("status") == "completed", job)
            print(f"mcp_check: {len(progress)} progress notifications during index_repository wait:true")
            if args.expect_progress:
                check("progress notifications arrived", len(progress) > 0, progress)
            found = await good("search_code", {"query": "authenticate user", "limit": 3})
            results = found.get("results") or []
            if check("search_code found a result", len(results) > 0, found):
                chunk_id = results[0].get("chunk_id")
                chunk = await good("get_chunk", {"chunk_id": chunk_id})
                check("get_chunk returned that chunk", chunk.get("chunk_id") == chunk_id, chunk)
            job = await good("index_repository", {"wait": False})
            status = await good("get_indexing_status", {"job_id": job.get("job_id", "")})
            check("get_indexing_status names the job", status.get("job_id") == job.get("job_id"), status)
            state = await good("get_indexing_status", {})
            check("get_indexing_status without a job lists the repositories",
                  isinstance(state.get("repositories"), list) and len(state["repositories"]) > 0, state)
            for name, candidates in (("grep_code", {"pattern": "authenticate", "limit": 3}),
                                     ("find_symbol", {"name": "authenticate_user", "prefix": "authenticate", "limit": 3})):
                if name in tools:  # only the arguments its schema knows (name or prefix, say)
                    properties = tools[name]["inputSchema"].get("properties", {})
                    arguments = {k: v for k, v in candidates.items() if k in properties}
                    if "name" in arguments and "prefix" in arguments:
                        del arguments["prefix"]
                    await good(name, arguments)
            if "grep_code" in tools and "cursor" in tools["grep_code"]["inputSchema"].get("properties", {}):
                # PCRE2 (\s, \w, (?i), a lookahead), aimed with path and exclude, paged with the cursor.
                first = await good("grep_code", {"pattern": r"(?i)^\s*DEF \w+(?=\()", "regex": True,
                                                 "path": "**/*.py", "exclude": ["docs/**", "*.md"], "limit": 1})
                matches = first.get("matches") or []
                check("grep_code PCRE2 with path found a match in a .py file",
                      len(matches) == 1 and matches[0].get("file_path", "").endswith(".py"), first)
                if check("grep_code answered a next_cursor", isinstance(first.get("next_cursor"), str), first):
                    second = await good("grep_code", {"pattern": r"(?i)^\s*DEF \w+(?=\()", "regex": True,
                                                      "path": "**/*.py", "exclude": ["docs/**", "*.md"], "limit": 1,
                                                      "cursor": first["next_cursor"]})
                    later = second.get("matches") or []
                    check("grep_code's second page starts after the first",
                          len(later) == 1 and (later[0].get("file_path"), later[0].get("line"))
                          != (matches[0].get("file_path"), matches[0].get("line")), second)
                await bad("grep_code", {"pattern": "open(session", "regex": True}, "invalid_request")
                await bad("grep_code", {"pattern": "x", "exclude": ["src/[ab"]}, "invalid_request")
            await bad("get_chunk", {"chunk_id": "c_does_not_exist"}, "chunk_not_found")
            await bad("search_code", {"query": "authenticate user", "limit": 0}, "invalid_request")
        else:
            item = await good("create_work_item", {"title": "mcp_check item", "entity_references": []})
            item_id = item.get("id", MISSING_ITEM)
            check("create_work_item version 1", item.get("version") == 1, item)
            got = await good("get_work_item", {"id": item_id})
            check("get_work_item returned that item", got.get("id") == item_id, got)
            listed = await good("list_work_items", {"limit": 5})
            check("list_work_items has items", isinstance(listed.get("items"), list), listed)
            updated = await good("update_work_item", {"id": item_id, "expected_version": 1, "status": "active"})
            check("update_work_item: version 2, status active",
                  updated.get("version") == 2 and updated.get("status") == "active", updated)
            await bad("update_work_item", {"id": item_id, "expected_version": 1, "status": "blocked"}, "version_conflict")
            await good("delete_work_item", {"id": item_id})
            await bad("get_work_item", {"id": MISSING_ITEM}, "work_item_not_found")
            await bad("create_work_item", {"title": ""}, "invalid_request")
        closing = time.monotonic()
    if args.stdio:  # the SDK closes stdin, waits 2 s for the process to exit, then terminates it
        waited = time.monotonic() - closing
        check("stdio server exits by itself when stdin closes", waited < 1.9, f"the client waited {waited:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--service", choices=sorted(TOOLS), required=True)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--http", metavar="URL", help="Streamable HTTP endpoint, e.g. http://127.0.0.1:8020/mcp")
    where.add_argument("--stdio", action="store_true", help="start the command after -- and speak over its stdio")
    parser.add_argument("command", nargs="*", help="with --stdio: the server command and its flags, after --")
    parser.add_argument("--timeout", type=float, default=30, help="seconds for each call (default 30)")
    parser.add_argument("--total-timeout", type=float, default=100, help="seconds for the whole run (default 100)")
    parser.add_argument("--expect-progress", action="store_true", help="fail unless index_repository sends progress")
    parser.add_argument("--max-list-bytes", type=int, default=8192, help="tools/list size limit; 0 disables")
    parser.add_argument("--v2-mode", default="auto", help="2.x client mode: auto (default, discover first) or legacy")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every passing check too")
    args = parser.parse_args()
    if bool(args.stdio) != bool(args.command):
        parser.error("--stdio needs a command after --, and a command needs --stdio")

    transport = "stdio" if args.stdio else "http"
    check = Checks(args.verbose)

    async def run():
        with anyio.move_on_after(args.total_timeout) as scope:
            try:
                await check_service(args, check)
            except Exception as error:  # could not connect, or the session broke
                check("session", False, describe(error))
        if scope.cancelled_caught:
            check("finished within --total-timeout", False, f"{args.total_timeout} s")

    anyio.run(run)
    if check.passed == 0 and not check.failures:
        check("ran any check", False, "nothing was checked")
    print(f"mcp_check: v{MAJOR} {args.service} {transport}: {check.passed} passed, {len(check.failures)} failed")
    sys.exit(1 if check.failures else 0)


if __name__ == "__main__":
    main()
