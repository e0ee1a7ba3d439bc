import Foundation
import GRDB
import ServiceClient

extension GRDBChunkStore {
    package func symbols(_ query: SymbolQuery) async throws -> [SymbolDeclaration] {
        try await self.writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let name = query.name {
                if query.prefix {
                    // The (name) index serves a range; U+10FFFF sorts after every character a name can continue with.
                    conditions.append("s.name >= ? AND s.name < ?")
                    _ = arguments.append(contentsOf: [name, name + "\u{10FFFF}"])
                } else if query.ignoreCase {
                    conditions.append("s.name = ? COLLATE NOCASE")
                    _ = arguments.append(contentsOf: [name])
                } else {
                    conditions.append("s.name = ?")
                    _ = arguments.append(contentsOf: [name])
                }
            }
            if let kind = query.kind {
                conditions.append("s.kind = ?")
                _ = arguments.append(contentsOf: [kind])
            }
            if let path = query.filePath {
                conditions.append("f.path = ?")
                _ = arguments.append(contentsOf: [path])
            }
            if let repository = query.repository {
                conditions.append("r.name = ?")
                _ = arguments.append(contentsOf: [repository])
            }
            if let fileType = query.fileType {
                conditions.append("(f.extension = ? OR f.language = ?)")
                _ = arguments.append(contentsOf: [fileType, fileType])
            }
            // A name lookup lists the source before the code around it and before copies (`SymbolRanking`), definitions before
            // bindings that import or alias the name, then types, top-level functions and members; an outline is in line
            // order.
            let order =
                query.name == nil
                ? "r.name, f.path, s.start_line"
                : """
                \(SymbolRanking.tier(path: "f.path")), s.binding,
                CASE WHEN s.kind IN ('function', 'method', 'variable') THEN 1 ELSE 0 END, s.container IS NOT NULL,
                length(s.name), r.name, f.path, s.start_line
                """
            _ = arguments.append(contentsOf: [query.limit])
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.name, s.kind, s.container, s.start_line, s.end_line, s.chunk_id, f.path, r.name AS repository
                    FROM symbols s JOIN files f ON f.id = s.file_id JOIN repositories r ON r.id = f.repository_id
                    WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
                    ORDER BY \(order) LIMIT ?
                    """,
                arguments: arguments
            )
            return rows.map { row in
                let digest: Data = row["chunk_id"]
                return SymbolDeclaration(
                    name: row["name"],
                    kind: row["kind"],
                    container: row["container"],
                    filePath: row["path"],
                    repository: row["repository"],
                    startLine: row["start_line"],
                    endLine: row["end_line"],
                    chunkID: ChunkID(digest: Array(digest)).string
                )
            }
        }
    }
}
