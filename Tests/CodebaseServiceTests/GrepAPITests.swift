import Foundation
import HTTPTypes
import HummingbirdTesting
import ServiceClient
import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// `POST /mcp/grep`: exact and regex search over what is indexed, with its error shapes.
@Suite("Grep")
struct GrepAPITests {
    /// A repository written for these tests, indexed, on a fresh database.
    static func withRepository(
        _ files: [String: String],
        grepDeadline: Duration = .seconds(2),
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (path, text) in files { try directory.write("repo/" + path, text) }
        var configuration = testConfiguration(directory, repositories: [directory.path("repo")])
        configuration.watch.mode = .off
        configuration.grepDeadline = grepDeadline
        let app = try await buildApplication(configuration)
        try await app.test(.router) { client in
            try await client.reindex()
            try await body(client)
        }
    }

    static let files = [
        "src/session.py": "import os\n\ndef open_session(user):\n    return Session(user)\n\n\nclass Session:\n    def close(self):\n        open_session_count = 0\n",
        "src/app.py": "from session import open_session\n\nSESSION = open_session('root')  # Open_Session once\nx = a.b*c(d)[e]{f}?+|^$\\\\\n",
        "lib/util.js": "function openSession() { return open_session(1); }\n",
        "notes.txt": "open_session( is mentioned in prose too\n",
    ]

    @Test("a literal finds every line in file and line order, with line, column, text and a chunk that holds the line")
    func literal() async throws {
        try await Self.withRepository(Self.files) { client in
            let found = try await client.grep(#"{"pattern": "open_session("}"#)
            #expect(found.matches.map { "\($0.filePath):\($0.line):\($0.column)" } == [
                "lib/util.js:1:33", "notes.txt:1:1", "src/app.py:3:11", "src/session.py:3:5",
            ])
            #expect(found.totalCount == 4 && !found.truncated)
            #expect(found.matches[2].text == "SESSION = open_session('root')  # Open_Session once")
            for match in found.matches {
                let chunk = try await client.send(.get, "/mcp/chunks/\(match.chunkID)").decode(ChunkDetail.self)
                #expect(chunk.filePath == match.filePath && (chunk.startLine...chunk.endLine).contains(match.line))
                #expect(chunk.content.contains(match.text))
            }
            // A pattern full of characters that mean something in a regex is taken literally.
            let special = try await client.grep(#"{"pattern": "a.b*c(d)[e]{f}?+|^$\\\\"}"#)
            #expect(special.matches.map(\.line) == [4], "\(special)")
        }
    }

    @Test("case, whole words, filters and limit")
    func options() async throws {
        try await Self.withRepository(Self.files) { client in
            let anyCase = try await client.grep(#"{"pattern": "OPEN_SESSION", "case_sensitive": false, "file_type": "py"}"#)
            #expect(anyCase.matches.map { "\($0.filePath):\($0.line)" } == ["src/app.py:1", "src/app.py:3", "src/session.py:3", "src/session.py:9"])
            let exactCase = try await client.grep(#"{"pattern": "Open_Session"}"#)
            #expect(exactCase.matches.map(\.column) == [35])
            let whole = try await client.grep(#"{"pattern": "open_session", "whole_word": true, "directory": "src/"}"#)
            #expect(whole.matches.map { "\($0.filePath):\($0.line)" } == ["src/app.py:1", "src/app.py:3", "src/session.py:3"])
            let limited = try await client.grep(#"{"pattern": "session", "case_sensitive": false, "limit": 2}"#)
            #expect(limited.matches.count == 2 && limited.totalCount > 2)
            let none = try await client.grep(#"{"pattern": "open_session", "repository": "repo", "file_type": "rs"}"#)
            #expect(none.matches.isEmpty && none.totalCount == 0)
        }
    }

    @Test("regular expressions: anchors and classes (POSIX classes too), case-insensitive too")
    func regex() async throws {
        try await Self.withRepository(Self.files) { client in
            let defs = try await client.grep(#"{"pattern": "^[[:space:]]*def [a-z_]+\\(", "regex": true}"#)
            #expect(defs.matches.map { "\($0.filePath):\($0.line)" } == ["src/session.py:3", "src/session.py:8"])
            // Anchors at both ends of a line that holds the required literal `def open_`.
            let anchored = try await client.grep(#"{"pattern": "^def open_[a-z]+\\(user\\):$", "regex": true}"#)
            #expect(anchored.matches.map { "\($0.filePath):\($0.line):\($0.column)" } == ["src/session.py:3:1"], "\(anchored)")
            let notAtStart = try await client.grep(#"{"pattern": "^open_session", "regex": true}"#)
            #expect(notAtStart.matches.map(\.filePath) == ["notes.txt"], "\(notAtStart)")
            let alternation = try await client.grep(#"{"pattern": "class|function", "regex": true}"#)
            #expect(alternation.matches.map(\.filePath) == ["lib/util.js", "src/session.py"])
            let folded = try await client.grep(#"{"pattern": "SESSION\\(", "regex": true, "case_sensitive": false, "whole_word": false}"#)
            #expect(folded.totalCount == 5, "\(folded)")
        }
    }

    @Test("a corpus of many files (built on every core) holds each of them once, in path order")
    func manyFiles() async throws {
        var files: [String: String] = [:]
        for index in 0..<150 { files[String(format: "m/f%03d.txt", index)] = "line one\nthe marker \(index)\n" }
        try await Self.withRepository(files) { client in
            let found = try await client.grep(#"{"pattern": "the marker", "limit": 1000}"#)
            #expect(found.totalCount == 150)
            #expect(found.matches.map(\.filePath) == (0..<150).map { String(format: "m/f%03d.txt", $0) })
            #expect(found.matches.allSatisfy { $0.line == 2 })
        }
    }

    @Test("an alternation of literals finds a line holding any branch, wherever on the line, in both cases")
    func alternationOfLiterals() async throws {
        let notes = """
            nothing here
            fixme first, then TODO on the same line
            a line with XXX only
            TODO
            neither todo-ish nor fix-me
            """
        try await Self.withRepository(["notes.txt": notes, "b.py": "x = 1  # FIXME\n"]) { client in
            let exact = try await client.grep(#"{"pattern": "TODO|FIXME|XXX", "regex": true}"#)
            #expect(exact.matches.map { "\($0.filePath):\($0.line):\($0.column)" } == ["b.py:1:10", "notes.txt:2:19", "notes.txt:3:13", "notes.txt:4:1"])
            let anyCase = try await client.grep(#"{"pattern": "TODO|FIXME|XXX", "regex": true, "case_sensitive": false}"#)
            #expect(anyCase.matches.map { "\($0.filePath):\($0.line):\($0.column)" } == [
                "b.py:1:10", "notes.txt:2:1", "notes.txt:3:13", "notes.txt:4:1", "notes.txt:5:9",
            ])
        }
    }

    @Test("a bad pattern is 400 naming pattern; a construct PCRE2 refuses, a newline, an empty pattern too")
    func badPatterns() async throws {
        try await Self.withRepository(Self.files) { client in
            for body in [
                #"{"pattern": "[a-", "regex": true}"#, #"{"pattern": "(a", "regex": true}"#, #"{"pattern": "a{2,1}", "regex": true}"#,
                #"{"pattern": "two\nlines"}"#, #"{"pattern": ""}"#, #"{"pattern": 5}"#, #"{}"#,
                #"{"pattern": "(?<=a+)b", "regex": true}"#, #"{"pattern": "\\p{NoSuchProperty}", "regex": true}"#,
                #"{"pattern": "\\C", "regex": true}"#,
            ] {
                let error = try await client.send(.post, "/mcp/grep", json: body).errorBody(.badRequest)
                #expect(error.error == "invalid_request" && error.details["field"] == .string("pattern"), "\(body): \(error)")
            }
            for (body, field) in [
                (#"{"pattern": "x", "limit": 0}"#, "limit"), (#"{"pattern": "x", "limit": 1001}"#, "limit"),
                (#"{"pattern": "x", "file_type": ".py"}"#, "file_type"), (#"{"pattern": "x", "directory": "../etc"}"#, "directory"),
                (#"{"pattern": "x", "repository": "elsewhere"}"#, "repository"), (#"{"pattern": "x", "regexp": true}"#, "regexp"),
            ] {
                let error = try await client.send(.post, "/mcp/grep", json: body).errorBody(.badRequest)
                #expect(error.details["field"] == .string(field), "\(body): \(error)")
            }
        }
    }

    @Test("a pattern too costly to finish is stopped at the deadline and refused with 422 pattern_too_costly")
    func pathological() async throws {
        // An alternation under a star costs PCRE2 thousands of steps per start position on these lines (under its
        // match limit, so each line is answered), and there are more lines than the deadline allows.
        var files: [String: String] = [:]
        for index in 0..<60 { files["gen/f\(index).txt"] = String(repeating: String(repeating: "x", count: 20) + "!\n", count: 40) }
        try await Self.withRepository(files, grepDeadline: .milliseconds(300)) { client in
            let started = ContinuousClock.now
            let response = try await client.send(.post, "/mcp/grep", json: #"{"pattern": "(x|xx)*[yz]", "regex": true}"#)
            let took = started.duration(to: .now)
            let error = try response.errorBody(.unprocessableContent)
            #expect(error.error == "pattern_too_costly" && error.details["field"] == .string("pattern"), "\(error)")
            #expect(error.details["reason"] == .string("deadline"), "\(error)")
            #expect(took < .seconds(5), "stopped near its 300 ms deadline, not left running (took \(took))")
            // The server is free again at once.
            let quick = try await client.grep(#"{"pattern": "xxx", "limit": 1}"#)
            #expect(quick.matches.count == 1)
        }
    }

    @Test("the first grep after indexing answers a trivial literal, though building the corpus takes longer than the deadline")
    func corpusBuildIsNotCharged() async throws {
        var files: [String: String] = [:]
        for index in 0..<2_000 { files["pkg\(index % 20)/module\(index).py"] = "def function_\(index)(value):\n    return value + \(index)\n" }
        files["pkg0/needle.py"] = "NEEDLE_MARKER = 1\n"
        try await Self.withRepository(files, grepDeadline: .milliseconds(20)) { client in
            let response = try await client.send(.post, "/mcp/grep", json: #"{"pattern": "NEEDLE_MARKER"}"#)
            #expect(response.status == .ok, "\(response.text)")
            let found = try response.decode(GrepResponse.self)
            #expect(found.matches.map(\.filePath) == ["pkg0/needle.py"])
            // The answer took longer than the deadline: the corpus was built inside it, and was not charged to it.
            #expect(found.latencyMS > 20, "the corpus was built in \(found.latencyMS) ms; the test needs it slower than the deadline")
        }
    }

    @Test("counting stops at 100,000 lines however many workers share the scan")
    func countCapAcrossWorkers() async throws {
        // 1.3 MB in 200 files: enough to be split over the workers, with 130,000 lines, each a match of '.'.
        var files: [String: String] = [:]
        let body = (0..<650).map { "line_\($0) = 1\n" }.joined()
        for index in 0..<200 { files["data/f\(String(format: "%03d", index)).py"] = body }
        try await Self.withRepository(files) { client in
            let found = try await client.grep(#"{"pattern": ".", "regex": true, "limit": 5}"#)
            #expect(found.totalCount == 100_000 && found.truncated, "total_count \(found.totalCount), truncated \(found.truncated)")
            #expect(found.matches.map(\.line) == [1, 2, 3, 4, 5])
        }
    }

    @Test("grep follows the index: an edited file's new text is found once re-indexed")
    func followsIndex() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("repo/a.py", "first_marker = 1\n")
        var configuration = testConfiguration(directory, repositories: [directory.path("repo")])
        configuration.watch.mode = .off
        let app = try await buildApplication(configuration)
        try await app.test(.router) { client in
            try await client.reindex()
            #expect(try await client.grep(#"{"pattern": "first_marker"}"#).totalCount == 1)
            try directory.write("repo/a.py", "second_marker = 2\n")
            try await client.reindex()
            #expect(try await client.grep(#"{"pattern": "first_marker"}"#).totalCount == 0)
            #expect(try await client.grep(#"{"pattern": "second_marker"}"#).totalCount == 1)
        }
    }

    @Test("a scan split over several workers answers exactly what one worker does, in order")
    func parallelScan() async throws {
        // 2.4 MB of text in 600 files, so the scan is split; every 7th file holds the needle on two lines.
        let files = (0..<600).map { index -> GrepCorpus.File in
            var text = String(repeating: String(repeating: "filler text ", count: 30) + "\n", count: 10)
            if index % 7 == 0 { text += "a needle here\nand a NEEDLE there\n" }
            let digest = StoredFileDigest(
                fileID: Int64(index), repository: "repo", path: String(format: "f%04d.txt", index), language: "text", fileExtension: "txt", contentHash: []
            )
            return GrepCorpus.File(digest: digest, text: Array(text.utf8), chunkOffsets: [0], chunkLines: [1], chunkIDs: [ChunkID(digest: Array(repeating: 1, count: 32))])
        }
        // Literals, and regexes (each worker then compiles its own): with a required literal, an alternation of them,
        // and none.
        for (pattern, regex, limit) in [
            ("needle", false, 1000), ("NEEDLE", false, 5), ("n[e]+dle", true, 1000), ("needle|NEEDLE", true, 1000), ("n.?e+dle", true, 7),
        ] {
            let scan = GrepScan(
                pattern: try GrepPattern(pattern: pattern, regex: regex, caseSensitive: false, wholeWord: true),
                filter: SearchFilter(),
                limit: limit,
                deadline: .now + .seconds(30)
            )
            let one = scan.run(files)
            let two = await scan.run(files, workers: 2)
            let three = await scan.run(files, workers: 3)
            #expect(GrepScan.split(files, into: 3).count == 3)
            #expect(one.totalCount == 172 && one.matches.count == min(limit, 172))
            for other in [two, three] {
                #expect(other.matches == one.matches && other.totalCount == one.totalCount && !other.truncated)
            }
        }
    }

    @Test("the literal a regular expression must contain is found conservatively")
    func requiredLiteral() {
        func literal(_ pattern: String) -> String? { GrepPattern.requiredLiteral(of: pattern).map { String(decoding: $0, as: UTF8.self) } }
        #expect(literal("def +parse_[a-z]+") == "parse_")
        #expect(literal("open_session\\(") == "open_session(")
        #expect(literal("colou?r_value") == "r_value")
        #expect(literal("a|bcdef") == nil)
        // An alternation inside a group leaves the text around it required.
        #expect(literal("^import (os|sys)$") == "import ")
        #expect(literal("(a|b)cdef") == "cdef")
        #expect(literal("x(abcdef)?y") == nil)
        #expect(literal("[[:alpha:]]+_suffix") == "_suffix")
        #expect(literal("ab{2}cdefg") == "cdefg")
        #expect(literal("\\bword\\b") == "word")
        func literals(_ pattern: String) -> [String] { GrepPattern.requiredLiterals(of: pattern).map { String(decoding: $0, as: UTF8.self) } }
        #expect(literals("TODO|FIXME|XXX") == ["TODO", "FIXME", "XXX"])
        #expect(literals("def +parse_|class [A-Z]+Error") == ["parse_", "class "])
        // A branch without a literal of its own leaves nothing every match must hold.
        #expect(literals("TODO|a") == [])
        #expect(literals("(TODO|FIXME)_x") == [])
        #expect(literals("[|]abc|defg") == ["abc", "defg"])
        #expect(literals("open_session\\(") == ["open_session("])
        // PCRE2 escapes inside a class: `[\]x]` is one class, so nothing after it is taken for a literal run.
        #expect(literals("[\\]abc]+de") == [])
        #expect(literal("[\\]abc]+defg") == "defg")
    }

    @Test("a PCRE2 construct that changes what the pattern's text means turns the literal prefilter off")
    func literalSafety() {
        for unsafe in ["(?i)Session", "(?x)open session", "\\x41BCD", "\\p{L}abcd", "\\Qa.b\\Eabcd", "(a)\\1bcde", "\\cAbcd", "(*UCP)abcd"] {
            #expect(!GrepPattern.literalsAreSafe(unsafe), "\(unsafe)")
        }
        for safe in ["(?:ab)cdef", "(?=x)abcd", "(?<name>x)abcd", "\\d+\\.abcd", "a+?bcde", "(?<!x)abcd"] {
            #expect(GrepPattern.literalsAreSafe(safe), "\(safe)")
        }
    }
}
