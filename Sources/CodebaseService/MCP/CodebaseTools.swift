import CodebaseCore
import ServerKit
import ServiceClient

/// The MCP tools of codebase-mcp (docs/mcp.md): each one REST operation of `Codebase`, its structured content the REST body.
struct CodebaseTools: ToolProvider {
    static let serverName = "codebase-mcp"

    /// What the server is for, sent with `initialize` (a client may show it to the model).
    static let instructions = "Code search over indexed repositories: ranked search, chunks by id, and index jobs. Chunk ids can be referenced from workflow-mcp work items."

    let codebase: Codebase

    private static let job = JSONSchema.object(
        [
            "job_id": ["type": "string"], "status": JSONSchema.oneOf(IndexJobStatus.self), "files_scanned": ["type": "integer"],
            "files_changed": ["type": "integer"], "files_skipped": ["type": "integer"], "chunks_added": ["type": "integer"],
            "chunks_removed": ["type": "integer"], "error_message": ["type": ["string", "null"]],
        ],
        required: ["job_id", "status"],
        closed: false
    )
    private static let linked: JSONValue = [
        "type": ["array", "null"], "description": "work items referencing the chunk; null if workflow-mcp is unreachable",
    ]
    static let warnings: JSONValue = ["type": "array", "items": ["type": "string"]]

    static let definitions: [ToolDefinition] = [
        ToolDefinition(
            "search_code",
            "Ranked search over the indexed code by words and identifiers (e.g. \"authenticate user\", \"parse_config\"). Returns the best chunks first, each with file_path:start_line-end_line, its text, a chunk_id to pass to get_chunk or to reference from a work item, and linked work items.",
            input: JSONSchema.object(
                [
                    "query": JSONSchema.string(length: ContractLimits.searchQueryLength),
                    "limit": JSONSchema.integer(ContractLimits.searchResults, default: ContractLimits.defaultSearchResults),
                    "file_type": JSONSchema.string(description: "extension without dot (py) or language (python)"),
                    "directory": JSONSchema.string(description: "path prefix, e.g. src/"),
                    "repository": JSONSchema.string(),
                ],
                required: ["query"]
            ),
            output: JSONSchema.object(
                [
                    "results": [
                        "type": "array",
                        "items": JSONSchema.object(
                            [
                                "chunk_id": ["type": "string"], "file_path": ["type": "string"], "repository": ["type": "string"],
                                "start_line": ["type": "integer"], "end_line": ["type": "integer"], "content": ["type": "string"],
                                "similarity_score": ["type": "number"], "linked_work_items": linked,
                            ],
                            required: ["chunk_id", "file_path", "repository", "start_line", "end_line", "content"],
                            closed: false
                        ),
                    ],
                    "total_count": ["type": "integer"], "latency_ms": ["type": "number"], "warnings": warnings,
                ],
                required: ["results", "total_count", "warnings"],
                closed: false
            ),
            readOnly: true,
            idempotent: true
        ),
        ToolDefinition(
            "get_chunk",
            "Read one indexed chunk by chunk_id, with a few lines of context and its linked work items. chunk_not_found means the code changed or was deleted since: search again.",
            input: JSONSchema.object(["chunk_id": JSONSchema.string()], required: ["chunk_id"]),
            output: JSONSchema.object(
                [
                    "chunk_id": ["type": "string"], "file_path": ["type": "string"], "repository": ["type": "string"],
                    "start_line": ["type": "integer"], "end_line": ["type": "integer"], "content": ["type": "string"],
                    "context_before": ["type": "string"], "context_after": ["type": "string"], "linked_work_items": linked,
                    "warnings": warnings,
                ],
                required: ["chunk_id", "file_path", "repository", "start_line", "end_line", "content", "warnings"],
                closed: false
            ),
            readOnly: true,
            idempotent: true
        ),
        ToolDefinition(
            "index_repository",
            "Re-index the configured repositories (or one, by name) so search sees the files as they are now. Unchanged files are skipped; force re-reads all. With wait, returns when done (reporting progress); otherwise returns a job_id for get_indexing_status.",
            input: JSONSchema.object([
                "repository": JSONSchema.string(), "force": ["type": "boolean", "default": false], "wait": ["type": "boolean", "default": false],
            ]),
            output: job,
            readOnly: false,
            idempotent: true
        ),
        ToolDefinition(
            "get_indexing_status",
            "With job_id: that index job's status (pending, running, completed, failed) and counters. Without: each repository's files, chunks, last indexed time, watching or scanning, and changes not yet indexed (the index follows edits by itself).",
            input: JSONSchema.object(["job_id": JSONSchema.string()]),
            output: [
                "type": "object",
                "anyOf": [job, ["required": ["repositories"], "properties": ["repositories": ["type": "array", "items": ["type": "object"]]]]],
            ],
            readOnly: true,
            idempotent: true
        ),
    ] + GrepTools.definitions

    /// Runs the tool `name`; `nil` when there is no such tool. Domain errors become error results.
    func call(_ name: String, arguments: [String: JSONValue], progress: ToolProgress? = nil) async throws -> ToolResult? {
        do {
            let arguments = try ToolArguments(values: arguments).typed(by: Self.definitions.first { $0.name == name })
            switch name {
            case "search_code":
                let request = SearchRequest(
                    query: try arguments.refuseUnknown(["query", "limit", "file_type", "directory", "repository"]).string("query"),
                    limit: try arguments.optionalInt("limit"),
                    fileType: try arguments.optionalString("file_type"),
                    directory: try arguments.optionalString("directory"),
                    repository: try arguments.optionalString("repository")
                )
                let response = try await self.codebase.search(request)
                return ToolResult(structured: try ToolArguments.encode(response), text: CodeText.render(response))
            case "get_chunk":
                let chunk = try await self.codebase.chunk(id: try arguments.refuseUnknown(["chunk_id"]).string("chunk_id"))
                return ToolResult(structured: try ToolArguments.encode(chunk), text: CodeText.render(chunk))
            case "index_repository":
                let request = IndexRequest(
                    repository: try arguments.refuseUnknown(["repository", "force", "wait"]).optionalString("repository"),
                    force: try arguments.optionalBool("force"),
                    wait: try arguments.optionalBool("wait")
                )
                var onJob: (@Sendable (IndexJob) async -> Void)?
                if let progress {
                    onJob = { job in await progress(Double(job.filesScanned), nil, "\(job.filesScanned) files scanned, \(job.filesChanged) changed") }
                }
                let job = try await self.codebase.index(request, progress: onJob)
                return ToolResult(structured: try ToolArguments.encode(job), text: CodeText.render(job))
            case "get_indexing_status":
                guard let jobID = try arguments.refuseUnknown(["job_id"]).optionalString("job_id") else {
                    let status = try await self.codebase.indexStatus()
                    return ToolResult(structured: try ToolArguments.encode(status), text: CodeText.render(status))
                }
                let job = try await self.codebase.job(id: jobID)
                return ToolResult(structured: try ToolArguments.encode(job), text: CodeText.render(job))
            case "grep_code":
                let request = GrepRequest(
                    pattern: try arguments.refuseUnknown(GrepTools.grepArguments).string("pattern"),
                    regex: try arguments.optionalBool("regex"),
                    caseSensitive: try arguments.optionalBool("case_sensitive"),
                    wholeWord: try arguments.optionalBool("whole_word"),
                    fileType: try arguments.optionalString("file_type"),
                    directory: try arguments.optionalString("directory"),
                    path: try arguments.optionalString("path"),
                    exclude: try GrepTools.strings(arguments, "exclude"),
                    repository: try arguments.optionalString("repository"),
                    limit: try arguments.optionalInt("limit"),
                    cursor: try arguments.optionalString("cursor")
                )
                let response = try await self.codebase.grep(request)
                return ToolResult(structured: try ToolArguments.encode(response), text: CodeText.render(response))
            case "find_symbol":
                let request = SymbolsRequest(
                    name: try arguments.refuseUnknown(GrepTools.symbolArguments).optionalString("name"),
                    prefix: try arguments.optionalBool("prefix"),
                    kind: try arguments.optionalString("kind"),
                    filePath: try arguments.optionalString("file_path"),
                    repository: try arguments.optionalString("repository"),
                    fileType: try arguments.optionalString("file_type"),
                    limit: try arguments.optionalInt("limit")
                )
                let response = try await self.codebase.symbols(request)
                return ToolResult(structured: try ToolArguments.encode(response), text: CodeText.render(response))
            default:
                return nil
            }
        } catch let error as CodebaseError {
            return ToolResult(error: error.body)
        } catch let error as InvalidToolArgument {
            return ToolResult(error: error.body)
        }
    }
}
