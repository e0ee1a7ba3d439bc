import Foundation
import HTTPTypes
import HummingbirdTesting
import ServerTesting
import ServiceClient
import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// `regex: true` speaks PCRE2: the dialect assistants write, its refusals with a position, and its limits.
@Suite("Grep with PCRE2")
struct GrepPCRETests {
    static let files = [
        "src/session.py": "import os\n\ndef open_session(user):\n    return Session(user)\n\n\nclass Session:\n    def close(self):\n        open_session_count = 0\n",
        "src/version.py": "VERSION = \"3.11.7\"\n# Build output\nurl = 'HTTPS://example.org/a/b'\nratio = 12\ncafé = 1\n",
        "lib/util.js": "function openSession() { return open_session(1); }\nconst aXbYb = 'aab';\n",
    ]

    func places(_ client: any TestClientProtocol, _ pattern: String, _ extra: String = "") async throws -> [String] {
        let escaped = String(decoding: try JSONEncoder().encode(pattern), as: UTF8.self)
        return try await client.grep(#"{"pattern": \#(escaped), "regex": true\#(extra)}"#).matches.map { "\($0.filePath):\($0.line):\($0.column)" }
    }

    func check(_ client: any TestClientProtocol, _ pattern: String, _ extra: String = "", expect expected: [String]) async throws {
        let found = try await self.places(client, pattern, extra)
        #expect(found == expected, "\(pattern)")
    }

    @Test("\\d \\w \\s \\b, (?i), lazy quantifiers, non-capturing groups, lookaround and backreferences mean what PCRE2 says")
    func dialect() async throws {
        try await GrepAPITests.withRepository(Self.files) { client in
            try await self.check(client, #"\d+\.\d+\.\d+"#, expect: ["src/version.py:1:12"])
            // `\d` is a digit, not the letter d: "# Build output" holds none.
            try await self.check(client, #"^\d+$"#, expect: [])
            try await self.check(client, #"ratio\s=\s\d{2}\b"#, expect: ["src/version.py:4:1"])
            try await self.check(client, #"(?i)https?://"#, expect: ["src/version.py:3:8"])
            try await self.check(client, #"\bSession\b"#, expect: ["src/session.py:4:12", "src/session.py:7:7"])
            try await self.check(client, #"a.*?b"#, expect: ["lib/util.js:2:7", "src/version.py:3:18"])
            try await self.check(client, #"(?:class|def) \w+"#, expect: ["src/session.py:3:1", "src/session.py:7:1", "src/session.py:8:5"])
            try await self.check(client, #"open_session(?=\()"#, expect: ["lib/util.js:1:33", "src/session.py:3:5"])
            try await self.check(client, #"(?<=def )open_\w+"#, expect: ["src/session.py:3:5"])
            try await self.check(client, #"(?<!_)count"#, expect: [])
            try await self.check(client, #"(a)\1b"#, expect: ["lib/util.js:2:16"])
            // Classes are ASCII unless the pattern asks for Unicode's with (*UCP); `.` is one whole character either way.
            try await self.check(client, #"caf\w+"#, expect: [])
            try await self.check(client, #"(*UCP)caf\w+"#, expect: ["src/version.py:5:1"])
            try await self.check(client, #"caf. = "#, expect: ["src/version.py:5:1"])
            // whole_word keeps a regex match with no letter, digit or `_` around it, trying later ones on the line.
            try await self.check(client, #"open_\w+"#, #", "whole_word": true"#, expect: ["lib/util.js:1:33", "src/session.py:3:5", "src/session.py:9:9"])
            try await self.check(client, #"sess\w+"#, #", "whole_word": true"#, expect: [])
            try await self.check(client, #"\d"#, #", "whole_word": true"#, expect: [
                "lib/util.js:1:46", "src/session.py:9:30", "src/version.py:1:12", "src/version.py:5:9",
            ])
            // Case-insensitive by the flag as by `(?i)`.
            try await self.check(client, "version =", #", "case_sensitive": false"#, expect: ["src/version.py:1:1"])
        }
    }

    @Test("a match never spans lines: \\s and [^x] stop at the line's end, and lookahead sees the line's end as the subject's")
    func oneLine() async throws {
        try await GrepAPITests.withRepository(Self.files) { client in
            // Across lines 3 and 4 the text would read "user):\n    return": no single line holds it.
            try await self.check(client, #"user\):\s+return"#, expect: [])
            try await self.check(client, #"\):[^x]+return"#, expect: [])
            // At the end of line 8 nothing follows within the line, so a negative lookahead for a space holds.
            try await self.check(client, #"close\(self\):(?!\s)"#, expect: ["src/session.py:8:9"])
            try await self.check(client, #"Session:$"#, expect: ["src/session.py:7:7"])
            try await self.check(client, #"\Aimport"#, expect: ["src/session.py:1:1"])
            try await self.check(client, #"count = 0\z"#, expect: ["src/session.py:9:22"])
        }
    }

    @Test("a refused construct is 400 invalid_request naming pattern, with PCRE2's reason and the position")
    func refusal() async throws {
        try await GrepAPITests.withRepository(Self.files) { client in
            let missing = try await client.send(.post, "/mcp/grep", json: #"{"pattern": "open(session", "regex": true}"#).errorBody(.badRequest)
            #expect(missing.error == "invalid_request" && missing.details["field"] == .string("pattern"))
            #expect(missing.message.contains("missing closing parenthesis") && missing.message.contains("at character 12"), "\(missing.message)")
            let quantifier = try await client.send(.post, "/mcp/grep", json: #"{"pattern": "ab{3,1}", "regex": true}"#).errorBody(.badRequest)
            #expect(quantifier.message.contains("at character 6"), "\(quantifier.message)")
            // The same over MCP: an error result whose text starts with the code.
            let tool = try await client.callTool("grep_code", ["pattern": "open(session", "regex": true])
            #expect(tool.isError && tool.text.hasPrefix("invalid_request: ") && tool.text.contains("at character 12"), "\(tool.text)")
            #expect(tool.structured["details"]?["field"] == "pattern")
        }
    }

    @Test("catastrophic backtracking is stopped by PCRE2's limit and refused with 422, and the server answers meanwhile")
    func backtracking() async throws {
        var files: [String: String] = [:]
        for index in 0..<40 { files["gen/f\(index).txt"] = String(repeating: String(repeating: "x", count: 40) + "!\n", count: 50) }
        try await GrepAPITests.withRepository(files, grepDeadline: .milliseconds(1500)) { client in
            let started = ContinuousClock.now
            async let costly = client.send(.post, "/mcp/grep", json: #"{"pattern": "^(x+x+)+$", "regex": true}"#)
            // Answered while the costly grep runs on the grep's own threads.
            let health = try await client.send(.get, "/health")
            let healthTook = started.duration(to: .now)
            #expect(health.status == .ok)
            let error = try await costly.errorBody(.unprocessableContent)
            let took = started.duration(to: .now)
            #expect(error.error == "pattern_too_costly" && error.details["field"] == .string("pattern"), "\(error)")
            #expect(took < .seconds(5), "stopped, not left running (took \(took))")
            #expect(healthTook < .seconds(1), "health waited \(healthTook)")
            let quick = try await client.grep(#"{"pattern": "x!", "limit": 1}"#)
            #expect(quick.matches.count == 1)
        }
    }

    @Test("a corpus file that is not valid UTF-8 is repaired chunk by chunk before PCRE2 sees it, its chunks kept apart")
    func invalidUTF8() throws {
        let digest = StoredFileDigest(fileID: 1, repository: "repo", path: "a.txt", language: "text", fileExtension: "txt", contentHash: [])
        let text: [UInt8] = Array("caf".utf8) + [0xE9, 0x0A] + Array("next \u{00E9}\n".utf8)
        let file = GrepCorpus.File(
            digest: digest, text: text, chunkOffsets: [0, 5], chunkLines: [1, 2],
            chunkIDs: [ChunkID(digest: Array(repeating: 1, count: 32)), ChunkID(digest: Array(repeating: 2, count: 32))]
        )
        #expect(String(validating: file.text, as: UTF8.self) == "caf\u{FFFD}\nnext \u{00E9}\n")
        #expect(file.chunkOffsets == [0, 7])
        let scan = GrepScan(
            pattern: try GrepPattern(pattern: #"\W"#, regex: true, caseSensitive: true, wholeWord: false),
            filter: SearchFilter(),
            limit: 10,
            deadline: .now + .seconds(5)
        )
        #expect(scan.run([file]).matches.map { "\($0.line):\($0.column)" } == ["1:4", "2:5"])
    }

    @Test("the form matched over many lines keeps \\s, \\D, \\W and negated classes off the newline, and only that")
    func windowForm() {
        #expect(GrepPattern.windowForm(of: #"\s+$"#) == #"[\t\x0B\f\r ]+$"#)
        #expect(GrepPattern.windowForm(of: #""[^"]*""#) == #""[^"\n]*""#)
        #expect(GrepPattern.windowForm(of: #"a\Db\Wc[^]x]"#) == #"a[^0-9\n]b[^0-9A-Za-z_\n]c[^]x\n]"#)
        #expect(GrepPattern.windowForm(of: #"(?i)(?:x|y)\s(?<n>z)"#) == #"(?i)(?:x|y)[\t\x0B\f\r ](?<n>z)"#)
        for unchanged in [#"abc"#, #"[\s,]+"#, #"\\s"#, #"\Qa\E\s"#, #"(?x) a \s"#, #"(?#c)\s"#, #"(*UCP)\s"#, #"(?s)\s"#] {
            #expect(GrepPattern.windowForm(of: unchanged) == nil, "\(unchanged)")
        }
    }
}
