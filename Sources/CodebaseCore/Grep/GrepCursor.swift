import Foundation
import ServiceClient

/// Where a page of grep matches ended: the repository, file and line of its last match. The next page holds the
/// matches after it in file and line order, so a file edited between pages moves the cut, never repeats a page.
/// On the wire it is opaque: URL-safe base64 of `g1`, repository, path and line, NUL-separated.
package struct GrepCursor: Sendable, Hashable {
    package let repository: String
    package let path: String
    package let line: Int

    package init(repository: String, path: String, line: Int) {
        self.repository = repository
        self.path = path
        self.line = line
    }

    package var encoded: String {
        CursorText.encode(["g1", self.repository, self.path, String(self.line)].joined(separator: "\0"))
    }

    /// Reads a cursor from a previous answer's `next_cursor`; anything else is an `invalid_request` naming `cursor`.
    package init(encoded: String) throws(CodebaseError) {
        // Too long to be one of ours: refused before it is decoded.
        let data = encoded.utf8.count <= 4000 ? CursorText.decode(encoded) : nil
        let parts = data.map { String(decoding: $0, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false) }
        guard let parts, parts.count == 4, parts[0] == "g1", let line = Int(parts[3]), line > 0 else {
            throw .invalid(field: "cursor", "'cursor' must be the next_cursor of a previous grep answer, unchanged; leave it out for the first page.")
        }
        self.init(repository: String(parts[1]), path: String(parts[2]), line: line)
    }

    /// True when a match at `line` of this file comes after the cursor, in repository, path and line order.
    package func isBefore(repository: String, path: String, line: Int) -> Bool {
        if repository != self.repository { return self.repository < repository }
        if path != self.path { return self.path.utf8.lexicographicallyPrecedes(path.utf8) }
        return self.line < line
    }

    /// True when no line of this file comes after the cursor.
    package func coversWholeFile(repository: String, path: String) -> Bool {
        if repository != self.repository { return repository < self.repository }
        return path.utf8.lexicographicallyPrecedes(self.path.utf8)
    }
}
