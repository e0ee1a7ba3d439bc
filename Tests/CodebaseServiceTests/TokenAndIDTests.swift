import Foundation
import HTTPTypes
import Logging
import NIOCore
import Synchronization
import Testing

@testable import CodebaseCore
@testable import CodebaseService

@Suite("Code tokens, query building and chunk ids")
struct TokenAndIDTests {
    @Test(
        "identifiers split at camelCase, acronym, snake_case and digit boundaries",
        arguments: [
            ("ThreadingHTTPServer", ["threading", "http", "server"]),
            ("py_scanstring", ["py", "scanstring"]),
            ("utf8Decode", ["utf", "8", "decode"]),
            ("__init__", ["init"]),
            ("parseJSONValue2", ["parse", "json", "value", "2"]),
            ("simple", ["simple"]),
            ("HTTP", ["http"]),
        ]
    )
    func parts(identifier: String, expected: [String]) {
        #expect(CodeTokens.parts(of: Array(identifier.utf8)) == expected)
    }

    @Test("the subwords column holds identifier parts once each, except those the text has as whole words")
    func splitDocument() {
        let document = CodeTokens.splitDocument("ThreadingHTTPServer(); ThreadingHTTPServer.run(py_scanstring, HTTP, __init__, 42)")
        // `HTTP` is a word of the text, so `http` is not repeated.
        #expect(document == "threading server py scanstring init")
        // `server` and `http` are words of this text already.
        #expect(CodeTokens.splitDocument("server = ThreadingHTTPServer(http)") == "threading")
        #expect(CodeTokens.splitDocument("plain words only") == "")
    }

    @Test("query text never reaches FTS5 syntax raw")
    func queryQuoting() {
        let query = SearchQuery("\"NEAR(foo bar)\" AND * OR title:x -y ^z {a b} ThreadingHTTPServer")
        #expect(query.terms.first == "\"near\"")
        for term in query.terms {
            // Only quoted words, parentheses and the operators this code adds.
            let stripped = term.replacingOccurrences(of: " OR ", with: " ").replacingOccurrences(of: " AND ", with: " ")
            #expect(!stripped.contains(":") && !stripped.contains("*") && !stripped.contains("^") && !stripped.contains("{"))
        }
        #expect(query.terms.last == "(\"threadinghttpserver\" OR (\"threading\" AND \"http\" AND \"server\"))")
        #expect(SearchQuery("*** \"\" ()").isEmpty)
        #expect(SearchQuery("and AND And").terms == ["\"and\""])
    }

    @Test("chunk ids are c_ and 64 hex digits, content-addressed and told apart by occurrence")
    func chunkIDs() {
        let id = ChunkID(repository: "repo", path: "a.py", occurrence: 0, text: "x = 1")
        #expect(id.string.hasPrefix("c_"))
        #expect(id.string.count == 66)
        #expect(ChunkID(id.string) == id)
        #expect(ChunkID(repository: "repo", path: "a.py", occurrence: 0, text: "x = 1") == id)
        #expect(ChunkID(repository: "repo", path: "a.py", occurrence: 1, text: "x = 1") != id)
        #expect(ChunkID(repository: "repo", path: "b.py", occurrence: 0, text: "x = 1") != id)
        #expect(ChunkID(repository: "other", path: "a.py", occurrence: 0, text: "x = 1") != id)
        // Length prefixes keep field boundaries apart.
        #expect(ChunkID(repository: "ab", path: "c", occurrence: 0, text: "") != ChunkID(repository: "a", path: "bc", occurrence: 0, text: ""))
        #expect(ChunkID("c_XYZ") == nil)
        #expect(ChunkID(String(id.string.uppercased())) == nil)
    }

    @Test("identical chunks in one file get distinct ids")
    func duplicateChunks() {
        let preparer = FilePreparer(
            repository: "repo",
            chunker: Chunker(configuration: ChunkerConfiguration(maxLines: 2, maxBytes: 4096)),
            maxFileBytes: 1 << 20
        )
        let chunks = preparer.prepare(path: "dup.txt", bytes: Array("same\nsame\n\nsame\nsame\n\n".utf8), hash: []).chunks
        #expect(chunks.count >= 2)
        #expect(Set(chunks.map(\.id)).count == chunks.count)
    }

    @Test("500 KB of one function repeated is chunked in linear time, each copy with its own occurrence")
    func repeatedChunksInLinearTime() {
        // Two lines a chunk: one chunk per copy, as a file of many small identical functions gives.
        let preparer = FilePreparer(repository: "repo", chunker: Chunker(configuration: ChunkerConfiguration(maxLines: 2, maxBytes: 4096)), maxFileBytes: 1 << 20)
        let function = "def handler(request):\n    return request\n"
        let copies = 500_000 / function.utf8.count
        let started = ContinuousClock.now
        let chunks = preparer.prepare(path: "repeated.py", bytes: Array(String(repeating: function, count: copies).utf8), hash: []).chunks
        let elapsed = started.duration(to: .now)
        #expect(chunks.count > 1_000)
        #expect(Set(chunks.map(\.id)).count == chunks.count)
        // The ids are the ones the occurrences give, in order: the n-th copy of a text is occurrence n.
        var seen: [String: Int] = [:]
        for chunk in chunks {
            let occurrence = seen[chunk.content, default: 0]
            seen[chunk.content] = occurrence + 1
            #expect(chunk.id == ChunkID(repository: "repo", path: "repeated.py", occurrence: occurrence, text: Array(chunk.content.utf8)[...]))
        }
        // A generous bound on a debug build: comparing each copy with every earlier one took minutes.
        #expect(elapsed < .seconds(20), "chunking took \(elapsed)")
    }

    @Test("similarity is in (0, 1], the best hit scoring 1")
    func similarity() {
        #expect(SearchRanking.similarity(bm25: -8, best: -8) == 1)
        #expect(SearchRanking.similarity(bm25: -4, best: -8) == 0.5)
        #expect(SearchRanking.similarity(bm25: -0.0000001, best: -8) > 0)
    }
}
