import Foundation
import HTTPTypes
import HummingbirdTesting
import ServerTesting
import ServiceClient
import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// `POST /mcp/grep` and `grep_code` paged to the last match, aimed with `path` and `exclude`, and their text rendering.
@Suite("Grep paging, path and exclude")
struct GrepPagingTests {
    /// 25 matching lines over five files, some of them under `dist/` and `vendor/`, one a test.
    static let files: [String: String] = [
        "lib/express.js": (1...6).map { "var route\($0) = map(x);" }.joined(separator: "\n") + "\n",
        "lib/router/index.js": "function handle() {}\n" + (1...5).map { "  map(layer\($0));" }.joined(separator: "\n") + "\n",
        "dist/express.min.js": (1...4).map { "map(a\($0))" }.joined(separator: "\n") + "\n",
        "vendor/dep/map.js": (1...4).map { "exports.map\($0) = map(\($0));" }.joined(separator: "\n") + "\n",
        "test/map_test.js": (1...6).map { "assert(map(\($0)));" }.joined(separator: "\n") + "\n",
    ]

    static func items(_ value: JSONValue?) -> [JSONValue] {
        guard case .array(let items)? = value else { return [] }
        return items
    }

    @Test("next_cursor pages to the last match: the pages together are the whole answer, in order, each once")
    func paging() async throws {
        try await GrepAPITests.withRepository(Self.files) { client in
            let whole = try await client.grep(#"{"pattern": "map(", "limit": 1000}"#)
            #expect(whole.totalCount == 25 && whole.matches.count == 25 && whole.nextCursor == nil)
            var pages: [GrepResponse] = []
            var cursor: String?
            repeat {
                let after = cursor.map { #", "cursor": "\#($0)""# } ?? ""
                let page = try await client.grep(#"{"pattern": "map(", "limit": 7\#(after)}"#)
                #expect(page.totalCount == 25 && !page.truncated)
                pages.append(page)
                cursor = page.nextCursor
            } while cursor != nil && pages.count < 10
            #expect(pages.map(\.matches.count) == [7, 7, 7, 4])
            #expect(pages.flatMap(\.matches) == whole.matches)
            // Exactly `limit` left: the last full page says there is no more.
            let exact = try await client.grep(#"{"pattern": "map(", "limit": 25}"#)
            #expect(exact.matches.count == 25 && exact.nextCursor == nil)
            // Regex pages the same way; `next_cursor` is in the body as null on the last page.
            let regex = try await client.grep(#"{"pattern": "map\\(\\w+", "regex": true, "limit": 20}"#)
            let rest = try await client.grep(#"{"pattern": "map\\(\\w+", "regex": true, "limit": 20, "cursor": "\#(regex.nextCursor ?? "")"}"#)
            #expect(regex.matches.count + rest.matches.count == regex.totalCount && rest.nextCursor == nil)
            let raw = try await client.send(.post, "/mcp/grep", json: #"{"pattern": "nothing matches this"}"#)
            #expect(raw.text.contains(#""next_cursor":null"#), "\(raw.text)")
            for bad in ["not-a-cursor", "", "Zm9v"] {
                let error = try await client.send(.post, "/mcp/grep", json: #"{"pattern": "map(", "cursor": "\#(bad)"}"#).errorBody(.badRequest)
                #expect(error.details["field"] == .string("cursor"), "\(bad): \(error)")
            }
        }
    }

    @Test("path is a glob over file_path and a plain path one file; exclude leaves globs out, as in .gitignore")
    func aim() async throws {
        try await GrepAPITests.withRepository(Self.files) { client in
            func files(_ filters: String) async throws -> [String: Int] {
                let found = try await client.grep(#"{"pattern": "map(", "limit": 1000\#(filters)}"#)
                return Dictionary(found.matches.map { ($0.filePath, 1) }, uniquingKeysWith: +)
            }
            #expect(try await files(#", "path": "lib/express.js""#) == ["lib/express.js": 6])
            #expect(try await files(#", "path": "lib""#) == ["lib/express.js": 6, "lib/router/index.js": 5])
            #expect(try await files(#", "path": "lib/**/*.js""#) == ["lib/express.js": 6, "lib/router/index.js": 5])
            #expect(try await files(#", "path": "*.min.js""#) == ["dist/express.min.js": 4])
            #expect(try await files(#", "path": "lib/router/""#) == ["lib/router/index.js": 5])
            #expect(try await files(#", "exclude": ["dist/**", "vendor", "*_test.js"]"#) == ["lib/express.js": 6, "lib/router/index.js": 5])
            #expect(try await files(#", "path": "**/*.js", "exclude": ["lib/**"], "directory": "test/""#) == ["test/map_test.js": 6])
            #expect(try await files(#", "exclude": ["[dtv]*/**"]"#) == ["lib/express.js": 6, "lib/router/index.js": 5])
            // A trailing `/` is a directory at any depth, never a file of that name.
            #expect(try await files(#", "exclude": ["dep/", "router/", "map.js/"]"#) == [
                "lib/express.js": 6, "dist/express.min.js": 4, "test/map_test.js": 6,
            ])
            // A directory that names a file finds nothing, and says why instead of answering a silent 0.
            let file = try await client.grep(#"{"pattern": "map(", "directory": "lib/express.js"}"#)
            #expect(file.matches.isEmpty && file.warnings.first?.hasPrefix("no_file_matched: ") == true, "\(file.warnings)")
        }
    }

    @Test("a malformed path or exclude is 400 naming the field, never a silent empty answer")
    func malformedFilters() async throws {
        try await GrepAPITests.withRepository(Self.files) { client in
            for (filters, field) in [
                (#""path": "lib/[ab""#, "path"), (#""path": """#, "path"), (#""path": "../etc/passwd""#, "path"), (#""path": "a//b""#, "path"),
                (#""path": "!lib""#, "path"), (#""path": "lib\\""#, "path"), (#""path": 5"#, "path"),
                (#""exclude": [""]"#, "exclude"), (#""exclude": "dist/**""#, "exclude"), (#""exclude": ["ok", "x/[y"]"#, "exclude"),
                (#""exclude": [5]"#, "exclude"), (#""exclude": [\#((0..<51).map { "\"d\($0)\"" }.joined(separator: ","))]"#, "exclude"),
            ] {
                let error = try await client.send(.post, "/mcp/grep", json: #"{"pattern": "map(", \#(filters)}"#).errorBody(.badRequest)
                #expect(error.error == "invalid_request" && error.details["field"] == .string(field), "\(filters): \(error)")
            }
        }
    }

    @Test("grep_code takes path, exclude and cursor; its text names each file once and each chunk id once")
    func toolText() async throws {
        try await GrepAPITests.withRepository(Self.files) { client in
            let first = try await client.callTool("grep_code", ["pattern": "map(", "exclude": ["dist/**", "vendor/**"], "limit": 10])
            #expect(!first.isError, "\(first.text)")
            let cursor = try #require(first.structured["next_cursor"]?.string)
            #expect(first.text.hasPrefix("10 of 17 matching lines in 2 files in repository repo; more with cursor \"\(cursor)\":"), "\(first.text)")
            let lines = first.text.split(separator: "\n").map(String.init)
            // Each file once, with the id of the chunk its first match is in; every match as line:column: text.
            #expect(lines.filter { $0.hasPrefix("lib/express.js [c_") }.count == 1, "\(first.text)")
            #expect(lines.contains("2:3: map(layer1);"), "\(first.text)")
            #expect(!first.text.contains("repo/lib"), "the repository is named once, in the heading")
            let chunkIDs = Set(Self.items(first.structured["matches"]).compactMap { $0["chunk_id"]?.string })
            for id in chunkIDs { #expect(first.text.components(separatedBy: id).count == 2, "\(id) once in \(first.text)") }
            let second = try await client.callTool("grep_code", ["pattern": "map(", "exclude": ["dist/**", "vendor/**"], "limit": 10, "cursor": .string(cursor)])
            #expect(Self.items(second.structured["matches"]).count == 7 && second.structured["next_cursor"] == .null, "\(second.structured)")
            let one = try await client.callTool("grep_code", ["pattern": "map(", "path": "lib/express.js"])
            #expect(one.structured["total_count"] == 6)
            let bad = try await client.callTool("grep_code", ["pattern": "map(", "exclude": ["x/[y"]])
            #expect(bad.isError && bad.text.hasPrefix("invalid_request: ") && bad.structured["details"]?["field"] == "exclude", "\(bad.text)")
        }
    }
}
