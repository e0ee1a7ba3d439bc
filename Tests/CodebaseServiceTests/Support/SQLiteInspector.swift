import Foundation
import GRDB

@testable import CodebaseCore
@testable import CodebaseService

/// Reads a codebase-mcp database file directly, to check what the API cannot show (every chunk of a file).
struct SQLiteInspector {
    let path: String

    func chunks() throws -> [(id: String, path: String, startLine: Int, content: String)] {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: self.path, configuration: configuration)
        defer { try? database.close() }
        return try database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT c.chunk_id, f.path, c.start_line, c.content FROM chunks c JOIN files f ON f.id = c.file_id ORDER BY f.path, c.start_line"
            ).map { row in
                let digest: [UInt8] = Array((row[0] as Data))
                return (ChunkID(digest: digest).string, row[1], row[2], row[3])
            }
        }
    }

    /// The ids of the chunks of one file, in line order.
    func chunkIDs(path: String) throws -> [String] {
        try self.chunks().filter { $0.path == path }.map(\.id)
    }

    /// Indexed file paths, sorted.
    func filePaths() throws -> [String] {
        Array(Set(try self.chunks().map(\.path))).sorted()
    }
}
