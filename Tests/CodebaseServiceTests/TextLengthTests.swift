import Foundation
import HTTPTypes
import HummingbirdTesting
import ServerTesting
import ServiceClient
import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// Lengths count Unicode code points, not grapheme clusters (one of which can hold any number of combining marks), and
/// a query that is "not blank" has something visible (issue 27, defect 9).
@Suite("codebase-mcp text lengths in code points, and queries with visible text")
struct TextLengthTests {
    /// `e` and U+0301 COMBINING ACUTE ACCENT: one grapheme cluster, two code points.
    static let decomposedE = "e\u{301}"
    /// U+00E9: one code point, two UTF-8 bytes.
    static let composedE = "\u{E9}"
    /// 501 grapheme clusters, 1002 code points: over the limit of 1000 only when code points are counted.
    static let overInClusters = String(repeating: decomposedE, count: 501)
    /// One grapheme cluster of 200,001 code points (400 KB).
    static let flood = "a" + String(repeating: "\u{301}", count: 200_000)

    static func expectRefused(_ response: TestResponse, field: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == .badRequest, "\(context) → \(response.status) \(response.text.prefix(300))", sourceLocation: sourceLocation)
        let error = try? response.decode(ErrorBody.self)
        #expect(error?.error == "invalid_request", "\(context)", sourceLocation: sourceLocation)
        #expect(error?.details["field"] == .string(field), "\(context) → \(String(describing: error))", sourceLocation: sourceLocation)
    }

    @Test("search: a query over 1000 code points is refused however few clusters it has; 1000 are accepted")
    func searchQuery() async throws {
        #expect(Self.overInClusters.count == 501 && Self.flood.count == 1)
        try await withFixtureApp { client, _, _ in
            for query in [Self.overInClusters, Self.flood] {
                let response = try await client.send(.post, "/mcp/search", json: try json(SearchRequest(query: query)))
                Self.expectRefused(response, field: "query", "\(query.unicodeScalars.count) code points")
                #expect((try? response.decode(ErrorBody.self))?.message.contains("1000 characters (Unicode code points)") == true)
            }
            // 1000 code points in 500 clusters, and 1000 code points in 2000 bytes: the unit is neither.
            for query in [String(repeating: Self.decomposedE, count: 500), String(repeating: Self.composedE, count: 1000)] {
                _ = try await client.search(query)
            }
        }
    }

    @Test(
        "search: a query of only invisible characters is blank",
        arguments: ["\u{200B}", "\u{301}", "\u{FEFF}  ", "\u{200C}\u{2060}", "\u{00AD}\t", "\u{3000}\u{2028}"]
    )
    func blankQuery(query: String) async throws {
        try await withFixtureApp { client, _, _ in
            let response = try await client.send(.post, "/mcp/search", json: try json(SearchRequest(query: query)))
            Self.expectRefused(response, field: "query", query.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " "))
        }
    }

    @Test("grep: a pattern over 1000 code points is refused however few clusters it has; 1000 are accepted")
    func grepPattern() async throws {
        try await withFixtureApp { client, _, _ in
            for pattern in [Self.overInClusters, Self.flood] {
                for regex in [false, true] {
                    let response = try await client.send(.post, "/mcp/grep", json: try json(GrepRequest(pattern: pattern, regex: regex)))
                    Self.expectRefused(response, field: "pattern", "\(pattern.unicodeScalars.count) code points, regex \(regex)")
                }
            }
            for pattern in [String(repeating: Self.decomposedE, count: 500), String(repeating: Self.composedE, count: 1000)] {
                let response = try await client.send(.post, "/mcp/grep", json: try json(GrepRequest(pattern: pattern)))
                #expect(response.status == .ok, "\(response.text.prefix(300))")
            }
        }
    }

    @Test("symbols: a name over 200 code points is refused however few clusters it has")
    func symbolName() async throws {
        @Sendable func escaped(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        try await withFixtureApp { client, _, _ in
            let over = "a" + String(repeating: "\u{301}", count: 200)
            Self.expectRefused(try await client.send(.get, "/mcp/symbols?name=\(escaped(over))"), field: "name", "201 code points")
            let longest = "a" + String(repeating: "\u{301}", count: 199)
            let response = try await client.send(.get, "/mcp/symbols?name=\(escaped(longest))")
            #expect(response.status == .ok, "\(response.text.prefix(300))")
        }
    }

    @Test("search_code and grep_code over MCP refuse the same text with invalid_request naming the field")
    func overMCP() async throws {
        try await withFixtureApp { client, _, _ in
            for (tool, arguments, field) in [
                ("search_code", ["query": JSONValue.string(Self.overInClusters)], "query"),
                ("search_code", ["query": .string(Self.flood)], "query"),
                ("search_code", ["query": "\u{200B}"], "query"),
                ("search_code", ["query": "\u{301}"], "query"),
                ("grep_code", ["pattern": .string(Self.overInClusters)], "pattern"),
                ("grep_code", ["pattern": .string(Self.flood), "regex": true], "pattern"),
            ] as [(String, [String: JSONValue], String)] {
                let result = try await client.callTool(tool, arguments)
                #expect(result.isError, "\(tool) \(field)")
                #expect(result.text.hasPrefix("invalid_request: "), "\(result.text.prefix(200))")
                #expect(result.structured["details"]?["field"] == .string(field))
            }
            let accepted = try await client.callTool("search_code", ["query": .string(String(repeating: Self.decomposedE, count: 500))])
            #expect(!accepted.isError, "\(accepted.text.prefix(200))")
        }
    }
}
