import CodebaseCore
import ServerKit
import ServiceClient

/// The definitions of `grep_code` and `find_symbol`, kept apart from the first four tools so each file stays short.
enum GrepTools {
    static let grepArguments: Set<String> = ["pattern", "regex", "case_sensitive", "whole_word", "file_type", "directory", "repository", "limit"]
    static let symbolArguments: Set<String> = ["name", "prefix", "kind", "file_path", "repository", "file_type", "limit"]

    static let definitions: [ToolDefinition] = [
        ToolDefinition(
            "grep_code",
            "Exact string (default) or POSIX extended regex search, line by line, over the indexed code, e.g. every call of \"open_session(\". Returns matching lines in file and line order with file_path:line:column and the chunk_id holding each line.",
            input: JSONSchema.object(
                [
                    "pattern": JSONSchema.string(length: 1...1000), "regex": ["type": "boolean", "default": false],
                    "case_sensitive": ["type": "boolean", "default": true], "whole_word": ["type": "boolean", "default": false],
                    "file_type": ["type": "string"], "directory": ["type": "string"], "repository": ["type": "string"],
                    "limit": JSONSchema.integer(1...1000, default: 100),
                ],
                required: ["pattern"]
            ),
            output: JSONSchema.object(
                [
                    "matches": ["type": "array", "items": ["type": "object", "required": ["file_path", "line", "column", "text", "chunk_id"]]],
                    "total_count": ["type": "integer"], "truncated": ["type": "boolean"],
                ],
                required: ["matches", "total_count", "truncated"],
                closed: false
            ),
            readOnly: true,
            idempotent: true
        ),
        ToolDefinition(
            "find_symbol",
            "Where a name is declared (class, function, method, ...): exact name, or a prefix with prefix=true; with file_path alone, that file's outline. Returns name, kind, container, file_path:start_line-end_line and chunk_id.",
            input: JSONSchema.object([
                "name": ["type": "string"], "prefix": ["type": "boolean", "default": false], "kind": ["type": "string"],
                "file_path": ["type": "string"], "repository": ["type": "string"], "file_type": ["type": "string"],
                "limit": JSONSchema.integer(1...1000, default: 100),
            ]),
            output: JSONSchema.object(
                [
                    "symbols": [
                        "type": "array", "items": ["type": "object", "required": ["name", "kind", "file_path", "start_line", "end_line", "chunk_id"]],
                    ]
                ],
                required: ["symbols"],
                closed: false
            ),
            readOnly: true,
            idempotent: true
        ),
    ]
}
