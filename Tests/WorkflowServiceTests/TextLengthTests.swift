import Foundation
import HTTPTypes
import HummingbirdTesting
import ServerTesting
import ServiceClient
import Testing

@testable import WorkflowCore
@testable import WorkflowService

/// Lengths count Unicode code points, not grapheme clusters (one of which can hold any number of combining marks), and
/// a title that is "not blank" has something visible (issue 27, defect 9).
@Suite("workflow-mcp text lengths in code points, and titles with visible text")
struct TextLengthTests {
    /// `e` and U+0301 COMBINING ACUTE ACCENT: one grapheme cluster, two code points.
    static let decomposedE = "e\u{301}"
    /// U+00E9: one code point, two UTF-8 bytes.
    static let composedE = "\u{E9}"

    /// A JSON body with `fields` as its string members, encoded by the contract's encoder (non-ASCII kept as UTF-8).
    static func body(_ fields: [String: String]) throws -> String {
        try json(fields.mapValues { JSONValue.string($0) })
    }

    static func expectRefused(
        _ response: TestResponse,
        field: String,
        _ context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == .badRequest, "\(context) → \(response.status) \(response.text.prefix(300))", sourceLocation: sourceLocation)
        let error = try? response.decode(ErrorBody.self)
        #expect(error?.error == "invalid_request", "\(context)", sourceLocation: sourceLocation)
        #expect(error?.details["field"] == .string(field), "\(context) → \(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.message.contains("Unicode code points") == true, "\(context)", sourceLocation: sourceLocation)
    }

    @Test("one character followed by 300,000 combining marks is 300,001 code points: the title is refused, nothing is stored")
    func combiningMarkFlood() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let flood = "a" + String(repeating: "\u{301}", count: 300_000)
        #expect(flood.count == 1)
        try await withWorkflow(directory: directory) { client in
            let created = try await client.send(.post, "/mcp/work_items", json: try Self.body(["title": flood]))
            Self.expectRefused(created, field: "title", "600 KB title")
            let item = try await client.create(#"{"title": "kept"}"#)
            let patched = try await client.send(.patch, "/mcp/work_items/\(item.id)", json: #"{"expected_version": 1, "title": "\#(flood)"}"#)
            Self.expectRefused(patched, field: "title", "600 KB title in a patch")
            // 400,000 code points in one grapheme cluster, 800 KB: four times the description's limit.
            let longDescription = "a" + String(repeating: "\u{301}", count: 399_999)
            let described = try await client.send(.post, "/mcp/work_items", json: try Self.body(["title": "t", "description": longDescription]))
            Self.expectRefused(described, field: "description", "400,000-code-point description")
            let reference = "c" + String(repeating: "\u{301}", count: 256)
            let referenced = try await client.send(.post, "/mcp/work_items", json: #"{"title": "t", "entity_references": ["\#(reference)"]}"#)
            Self.expectRefused(referenced, field: "entity_references", "257-code-point reference")
            #expect(try await client.item(item.id).title == "kept")
            let listed = try await client.send(.get, "/mcp/work_items").decode(WorkItemPage.self)
            #expect(listed.items.map(\.id) == [item.id])
        }
    }

    @Test("the limits are code points: 200 are accepted however they cluster or encode, 201 are refused", arguments: StoreKind.allCases)
    func boundaries(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            // 100 grapheme clusters, 200 code points.
            let clustered = String(repeating: Self.decomposedE, count: 100)
            #expect(clustered.count == 100 && clustered.unicodeScalars.count == 200)
            let item = try await client.create(try Self.body(["title": clustered]))
            #expect(item.title.unicodeScalars.elementsEqual(clustered.unicodeScalars))
            #expect(try await client.item(item.id).title.unicodeScalars.elementsEqual(clustered.unicodeScalars))
            // 101 grapheme clusters, 201 code points.
            Self.expectRefused(
                try await client.send(.post, "/mcp/work_items", json: try Self.body(["title": clustered + "x"])),
                field: "title",
                "201 code points in 101 clusters"
            )
            // 200 code points, 400 bytes: the unit is not the byte.
            let composed = String(repeating: Self.composedE, count: 200)
            #expect(try await client.create(try Self.body(["title": composed])).title == composed)
            Self.expectRefused(
                try await client.send(.post, "/mcp/work_items", json: try Self.body(["title": composed + Self.composedE])),
                field: "title",
                "201 composed code points"
            )
            // The description: 100,000 code points in 50,000 clusters accepted, one more refused.
            let description = String(repeating: Self.decomposedE, count: 50_000)
            let described = try await client.create(try Self.body(["title": "d", "description": description]))
            #expect(described.description.unicodeScalars.count == 100_000)
            Self.expectRefused(
                try await client.send(.post, "/mcp/work_items", json: try Self.body(["title": "d", "description": description + "x"])),
                field: "description",
                "100,001 code points"
            )
            // A reference of 256 code points in one cluster is the longest allowed.
            let reference = "c" + String(repeating: "\u{301}", count: 255)
            let referenced = try await client.send(.post, "/mcp/work_items", json: #"{"title": "r", "entity_references": ["\#(reference)"]}"#)
            #expect(referenced.status == .created, "\(referenced.text.prefix(300))")
        }
    }

    @Test("a title of only invisible characters is blank: zero-width, format, combining marks, byte order marks, controls")
    func blankTitles() async throws {
        let blank = [
            "\u{200B}", "\u{200B}\u{200B}\u{200B}", "\u{301}", "\u{301}\u{301}\u{308}", "\u{FEFF}  ", " \u{FEFF} \u{FEFF}",
            "\u{200C}\u{200D}", "\u{2060}", "\u{00AD}", "\u{180E}", "\u{3164}", "\u{2800}", "\u{FE0F}",
            "\u{E0020}\u{E0041}", "\u{202E}", "\t\u{01}\u{7F}", "\u{2028}\u{2029}\u{3000}\u{A0}",
        ]
        let visible = ["e\u{301}", "\u{200B}x", "x\u{FEFF}", "\u{1F600}", "\u{4E2D}\u{6587}", "\u{0915}\u{094D}", "_", "\u{E000}"]
        try await withWorkflow { client in
            let item = try await client.create(#"{"title": "kept"}"#)
            for title in blank {
                let escaped = title.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
                let created = try await client.send(.post, "/mcp/work_items", json: try Self.body(["title": title]))
                Self.expectRefused(created, field: "title", "create with \(escaped)")
                #expect((try? created.decode(ErrorBody.self))?.message.contains("not be blank") == true, "\(escaped)")
                let patch = #"{"expected_version": 1, "title": \#(try json(title))}"#
                let patched = try await client.send(.patch, "/mcp/work_items/\(item.id)", json: patch)
                Self.expectRefused(patched, field: "title", "patch with \(escaped)")
            }
            for title in visible {
                #expect(try await client.create(try Self.body(["title": title])).title == title)
            }
            #expect(try await client.item(item.id).version == 1)
        }
    }

    @Test("create_work_item over MCP refuses the same titles and descriptions, with invalid_request naming the field")
    func overMCP() async throws {
        try await withWorkflow { client in
            let flood = "a" + String(repeating: "\u{301}", count: 300_000)
            for (arguments, field) in [
                (["title": JSONValue.string(flood)], "title"),
                (["title": .string(String(repeating: Self.decomposedE, count: 100) + "x")], "title"),
                (["title": "\u{200B}"], "title"),
                (["title": "\u{301}"], "title"),
                (["title": "\u{FEFF}  "], "title"),
                (["title": "t", "description": .string("a" + String(repeating: "\u{301}", count: 399_999))], "description"),
            ] as [([String: JSONValue], String)] {
                let result = try await client.callTool("create_work_item", arguments)
                #expect(result.isError)
                #expect(result.text.hasPrefix("invalid_request: "), "\(result.text.prefix(200))")
                #expect(result.structured["details"]?["field"] == .string(field))
            }
            let accepted = try await client.callTool("create_work_item", ["title": .string(String(repeating: Self.decomposedE, count: 100))])
            #expect(!accepted.isError, "\(accepted.text.prefix(200))")
        }
    }
}
