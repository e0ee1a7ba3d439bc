/// The four columns a chunk has in the FTS5 table, in the table's order. `bm25` weighs them differently
/// (`SearchRanking.columnWeights`): a name the chunk declares counts most, then its file's path, then its text.
package struct SearchDocument: Sendable, Hashable {
    /// The file path and its split parts (`Lib/http/ThreadingHTTPServer.py` adds `threading http server`).
    package var path: String
    /// The names the chunk declares, and their split parts.
    package var symbols: String
    /// The chunk's text, tokenized whole.
    package var content: String
    /// The split parts of the chunk's identifiers (see `CodeTokens`).
    package var subwords: String

    /// The `path` column for a file path.
    package static func pathColumn(_ path: String) -> String {
        let split = CodeTokens.splitDocument(path)
        return split.isEmpty ? path : path + " " + split
    }

    /// The `symbols` column for the names a chunk declares, in order, without repeats.
    package static func symbolsColumn(_ names: [String]) -> String {
        var seen = Set<String>()
        let unique = names.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return "" }
        let joined = unique.joined(separator: " ")
        let split = CodeTokens.splitDocument(joined)
        return split.isEmpty ? joined : joined + " " + split
    }
}
