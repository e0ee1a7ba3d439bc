import CodebaseCore
import ServerKit
import ServiceClient

/// The definitions of `grep_code` and `find_symbol`, kept apart from the first four tools so each file stays short.
enum GrepTools {
    static let grepArguments: Set<String> = [
        "pattern", "regex", "case_sensitive", "whole_word", "file_type", "directory", "path", "exclude", "repository", "limit", "cursor",
    ]
    static let symbolArguments: Set<String> = ["name", "prefix", "kind", "file_path", "repository", "file_type", "limit"]

    static let definitions: [ToolDefinition] = [
        ToolDefinition(
            "grep_code",
            "Exact string (default) or PCRE2 regex (\\d \\w \\b, (?i), lazy, lookaround) search, line by line, over the indexed code, e.g. every call of \"open_session(\". Returns matching lines in file and line order, grouped by file, with line:column and the chunk_id holding them; next_cursor pages on.",
            input: JSONSchema.object(
                [
                    "pattern": JSONSchema.string(length: ContractLimits.grepPatternLength), "regex": ["type": "boolean", "default": false],
                    "case_sensitive": ["type": "boolean", "default": true], "whole_word": ["type": "boolean", "default": false],
                    "file_type": ["type": "string"], "directory": ["type": "string"],
                    "path": JSONSchema.string(description: "glob over file_path (src/**/*.py); a plain path is one file"),
                    "exclude": [
                        "type": "array", "items": ["type": "string"], "maxItems": .int(Int64(ContractLimits.maxExcludes)),
                        "description": "globs to leave out, as in .gitignore (dist/**, vendor)",
                    ],
                    "repository": ["type": "string"],
                    "limit": JSONSchema.integer(ContractLimits.grepMatches, default: ContractLimits.defaultGrepMatches),
                    "cursor": JSONSchema.string(description: "next_cursor of the previous page"),
                ],
                required: ["pattern"]
            ),
            output: JSONSchema.object(
                [
                    "matches": ["type": "array", "items": ["type": "object", "required": ["file_path", "line", "column", "text", "chunk_id"]]],
                    "total_count": ["type": "integer"], "truncated": ["type": "boolean"], "next_cursor": ["type": ["string", "null"]],
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
                "limit": JSONSchema.integer(ContractLimits.symbolResults, default: ContractLimits.defaultSymbolResults),
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

    /// An optional argument that is a list of strings (`exclude`).
    static func strings(_ arguments: ToolArguments, _ name: String) throws -> [String]? {
        switch arguments.values[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.map { item in
                guard case .string(let text) = item else { throw InvalidToolArgument(field: name, "'\(name)' must be an array of strings.") }
                return text
            }
        default: throw InvalidToolArgument(field: name, "'\(name)' must be an array of strings.")
        }
    }
}
