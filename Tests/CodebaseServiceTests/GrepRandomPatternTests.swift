import Foundation
import HTTPTypes
import HummingbirdTesting
import ServiceClient
import ServiceClientTesting
import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// Random patterns of the constructs PCRE2 and Python's `re` share, through the server (windows of many lines, literal
/// prefilters, trigram filters, paging), against each line matched alone by PCRE2 and, where python3 is installed,
/// by Python's `re` (with `re.ASCII`: `\d`, `\w`, `\s` and `\b` are ASCII in both) on the same files.
@Suite("Grep against PCRE2 and Python on random patterns")
struct GrepRandomPatternTests {
    static let words = [
        "open_session", "Session", "user", "x", "42", "3.11.7", "def", "class", "return", "é", "naïve", "ünïcode", "(", ")", ":", "=",
        "_", "foo_bar", "FooBar", "0x1F", "a", "b", "ab", "aab", "//", "#", "'", "\"", "TODO", "fixme", "Ωmega", "7", "self.x",
    ]
    static let atoms = [
        #"\d+"#, #"\w+"#, #"\s+"#, #"\b"#, #"[a-z]+"#, #"[A-Z]"#, #"[^ ]+?"#, ".", ".*?", "(?:foo|Session)", "x?", #"\d{2}"#,
        #"(?=\w)"#, #"(?<!_)"#, "(a|b)+", #"\W"#, "[0-9]", #"\S+"#, #"_\w"#, "(?:de|cla)", ".+",
    ]

    static func makeFiles(_ random: inout SplitMix64) -> [String: String] {
        var files: [String: String] = [:]
        for index in 0..<24 {
            let lines = (0..<40).map { _ in
                (0..<Int.random(in: 1...10, using: &random)).map { _ in Self.words.randomElement(using: &random)! }
                    .joined(separator: [" ", "", "  ", "\t"].randomElement(using: &random)!)
            }
            files[String(format: "r/f%02d.txt", index)] = lines.joined(separator: "\n") + "\n"
        }
        return files
    }

    static func makePattern(_ random: inout SplitMix64) -> String {
        var parts: [String] = []
        if Int.random(in: 0..<6, using: &random) == 0 { parts.append("(?i)") }
        if Int.random(in: 0..<5, using: &random) == 0 { parts.append("^") }
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            if Bool.random(using: &random) {
                parts.append(NSRegularExpression.escapedPattern(for: Self.words.randomElement(using: &random)!))
            } else {
                parts.append(Self.atoms.randomElement(using: &random)!)
            }
        }
        if Int.random(in: 0..<5, using: &random) == 0 { parts.append("$") }
        return parts.joined()
    }

    /// `path:line:column` of each line's first match, each line matched alone by PCRE2.
    static func reference(_ pattern: String, _ files: [String: String]) throws -> [String] {
        let matcher = try PCRERegex(pattern, caseSensitive: true).makeMatcher()
        var found: [String] = []
        for path in files.keys.sorted() {
            for (number, line) in files[path]!.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
                let bytes = Array(line.utf8)
                let match = try bytes.withUnsafeBufferPointer { buffer in
                    try matcher.firstMatch(in: buffer, subjectStart: 0, from: 0, to: buffer.count)
                }
                if let match { found.append("\(path):\(number + 1):\(match.lowerBound + 1)") }
            }
        }
        return found
    }

    /// The same by Python's `re`, or nil without python3.
    static func python(_ patterns: [String], _ files: [String: String]) throws -> [[String]]? {
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: FileManager.default.isExecutableFile(atPath:)) else { return nil }
        let script = """
            import json, re, sys
            job = json.load(sys.stdin)
            out = []
            for pattern in job["patterns"]:
                regex = re.compile(pattern, re.ASCII)
                found = []
                for path in sorted(job["files"]):
                    for number, line in enumerate(job["files"][path].split("\\n")[:-1]):
                        m = regex.search(line)
                        if m: found.append(f"{path}:{number + 1}:{len(line[:m.start()].encode()) + 1}")
                out.append(found)
            json.dump(out, sys.stdout)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: ["patterns": patterns, "files": files]))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try JSONDecoder().decode([[String]].self, from: data)
    }

    @Test("120 random patterns: the server finds exactly the lines and columns of each line matched alone")
    func randomPatterns() async throws {
        var random = SplitMix64(seed: 21)
        let files = Self.makeFiles(&random)
        var patterns: [String] = []
        while patterns.count < 120 {
            let pattern = Self.makePattern(&random)
            // A pattern that matches the empty string matches every line: it says little.
            guard let regex = try? PCRERegex(pattern, caseSensitive: true), try Self.reference(pattern, ["e": "\n"]).isEmpty else { continue }
            _ = regex
            patterns.append(pattern)
        }
        let python = try Self.python(patterns, files)
        try await GrepAPITests.withRepository(files) { [patterns] client in
            var compared = 0
            var matching = 0
            for (index, pattern) in patterns.enumerated() {
                var found: [String] = []
                var cursor: String?
                repeat {
                    var body: [String: Any] = ["pattern": pattern, "regex": true, "limit": 1000]
                    if let cursor { body["cursor"] = cursor }
                    let response = try await client.send(.post, "/mcp/grep", json: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
                    #expect(response.status == .ok, "\(pattern): \(response.text)")
                    let page = try response.decode(GrepResponse.self)
                    found += page.matches.map { "\($0.filePath):\($0.line):\($0.column)" }
                    cursor = page.nextCursor
                } while cursor != nil
                let expected = try Self.reference(pattern, files)
                if !expected.isEmpty { matching += 1 }
                #expect(found == expected, "\(pattern): \(found.count) lines through the server, \(expected.count) by PCRE2 line by line")
                if let python {
                    #expect(python[index] == expected, "\(pattern): Python's re finds \(python[index].count), PCRE2 \(expected.count)")
                    compared += 1
                }
            }
            #expect(python == nil || compared == patterns.count)
            // The comparison says something only if many patterns match some lines, and not every line.
            #expect(matching >= 60, "\(matching) of \(patterns.count) patterns matched a line")
        }
    }
}
