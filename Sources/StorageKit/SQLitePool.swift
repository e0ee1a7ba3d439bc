import Foundation
import GRDB

/// How both services open their SQLite file: a WAL `DatabasePool` (readers never wait for the writer), foreign keys
/// on, a 5 s busy timeout, and the directory created when missing; `prepare` adds each service's own pragmas to
/// every connection.
public enum SQLitePool {
    public static func open(path: String, prepare: @escaping @Sendable (Database) throws -> Void) throws -> DatabasePool {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase(prepare)
        return try DatabasePool(path: path, configuration: configuration)
    }
}
