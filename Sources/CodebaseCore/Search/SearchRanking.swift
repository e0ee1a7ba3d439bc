/// How hits are ranked and scored.
package enum SearchRanking {
    /// `bm25` weights of the FTS columns, in table order: path, symbols, content, subwords. A name the chunk declares
    /// weighs most, so the definition of an identifier outranks its uses; the path a little more than the text, so
    /// `server` prefers `http/server.py`; split parts weigh less than whole tokens, so an exact identifier wins over a
    /// paraphrase.
    package static let columnWeights: [Double] = [2.0, 10.0, 1.0, 0.5]

    /// The score hits are ordered by (lower is better). FTS5's `bm25` normalizes by the length of the whole row, so a
    /// short chunk that merely mentions a name can tie with the longer chunk that declares it; the second, symbols-only
    /// `bm25` term adds a bonus for declaring the name that no amount of mentions can earn.
    package static var scoreExpression: String {
        let weights = self.columnWeights.map { String($0) }.joined(separator: ", ")
        return "bm25(chunk_fts, \(weights)) + bm25(chunk_fts, 0.0, 1.0, 0.0, 0.0)"
    }

    /// `similarity_score` in (0, 1]: the hit's `bm25` relative to the best hit of the same search, so the best is 1.
    /// `bm25` is negative, lower is better.
    package static func similarity(bm25: Double, best: Double) -> Double {
        guard best < 0, bm25 < 0 else { return 1 }
        let ratio = bm25 / best
        let clamped = min(1, max(ratio, 0.0001))
        return (clamped * 10_000).rounded() / 10_000
    }
}
