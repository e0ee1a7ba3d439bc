import CodebaseCore
import Foundation
import ServiceClient

/// The compact text of a codebase tool result, for a model: warnings first, then `path:start-end` and a short snippet.
enum CodeText {
    /// Lines of a search hit's text shown in the snippet; the whole text is in the structured content.
    static let snippetLines = 3

    static func render(_ response: SearchResponse) -> String {
        var lines = response.warnings.map { "warning: \($0)" }
        let place = Self.place(response.results.map(\.repository))
        lines.append("\(response.results.count) of \(response.totalCount) matching chunks\(place.heading):")
        for result in response.results {
            var head = "\(place.prefix(result.repository))\(result.filePath):\(result.startLine)-\(result.endLine) [\(result.chunkID)]"
            if let linked = result.linkedWorkItems, !linked.isEmpty { head += " linked: " + linked.map(\.id).joined(separator: ", ") }
            lines.append(head)
            lines += result.content.split(separator: "\n", omittingEmptySubsequences: false).prefix(self.snippetLines).map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    static func render(_ chunk: ChunkDetail) -> String {
        var lines = chunk.warnings.map { "warning: \($0)" }
        var head = "\(chunk.repository)/\(chunk.filePath):\(chunk.startLine)-\(chunk.endLine) \(chunk.chunkID) (\(chunk.language))"
        if let linked = chunk.linkedWorkItems, !linked.isEmpty { head += " linked: " + linked.map(\.id).joined(separator: ", ") }
        lines.append(head)
        lines.append(chunk.content)
        return lines.joined(separator: "\n")
    }

    static func render(_ job: IndexJob) -> String {
        var line = "Index job \(job.jobID): \(job.status.rawValue)"
        if job.status != .pending {
            let files = "\(job.filesScanned) files scanned, \(job.filesChanged) changed, \(job.filesSkipped) skipped"
            line += "; \(files), +\(job.chunksAdded)/-\(job.chunksRemoved) chunks"
        }
        if let error = job.errorMessage { line += "; error: \(error)" }
        return line
    }

    /// Each file once, its matching lines under it as `line:column: text` (indentation dropped); the chunk id once
    /// per chunk, beside the file or on a line of its own where the next chunk of the file begins (MCP.md).
    static func render(_ response: GrepResponse) -> String {
        var lines = response.warnings.map { "warning: \($0)" }
        guard response.totalCount > 0 else { return (lines + ["No matching lines."]).joined(separator: "\n") }
        let place = Self.place(response.matches.map(\.repository))
        let files = Set(response.matches.map { "\($0.repository)/\($0.filePath)" }).count
        var heading = "\(response.matches.count) of \(response.totalCount)\(response.truncated ? "+" : "") matching lines"
        heading += " in \(files) file\(files == 1 ? "" : "s")\(place.heading)"
        if let cursor = response.nextCursor { heading += "; more with cursor \"\(cursor)\"" }
        lines.append(heading + ":")
        var file = ""
        var chunk = ""
        for match in response.matches {
            let name = place.prefix(match.repository) + match.filePath
            if name != file {
                lines.append("\(name) [\(match.chunkID)]")
                (file, chunk) = (name, match.chunkID)
            } else if match.chunkID != chunk {
                lines.append("[\(match.chunkID)]")
                chunk = match.chunkID
            }
            lines.append("\(match.line):\(match.column): \(match.text.drop { $0 == " " || $0 == "\t" })")
        }
        return lines.joined(separator: "\n")
    }

    /// Each file once, its declarations under it in the order given.
    static func render(_ response: SymbolsResponse) -> String {
        var lines = response.warnings.map { "warning: \($0)" }
        let place = Self.place(response.symbols.map(\.repository))
        lines.append("\(response.symbols.count) declarations\(place.heading):")
        var file = ""
        for symbol in response.symbols {
            let name = place.prefix(symbol.repository) + symbol.filePath
            if name != file {
                lines.append(name)
                file = name
            }
            let qualified = symbol.container.map { "\($0).\(symbol.name)" } ?? symbol.name
            lines.append("\(symbol.startLine)-\(symbol.endLine): \(symbol.kind) \(qualified) [\(symbol.chunkID)]")
        }
        return lines.joined(separator: "\n")
    }

    /// Where results come from: one repository is named once in the heading and its paths go bare; results from
    /// several repositories carry their repository in each path.
    private static func place(_ repositories: [String]) -> (heading: String, prefix: (String) -> String) {
        let distinct = Set(repositories)
        guard distinct.count == 1, let only = distinct.first else { return ("", { "\($0)/" }) }
        return (" in repository \(only)", { _ in "" })
    }

    static func render(_ status: IndexStatusResponse) -> String {
        guard !status.repositories.isEmpty else { return "No repository is configured." }
        return status.repositories.map { repository in
            var line = "\(repository.name): \(repository.files) files, \(repository.chunks) chunks, \(repository.watch.rawValue)"
            line += ", \(repository.pendingChanges) changes pending"
            if let date = repository.lastIndexedAt { line += ", last indexed \(ContractCoding.formatTimestamp(date))" }
            if let note = repository.watchNote { line += " (\(note))" }
            return line
        }.joined(separator: "\n")
    }
}
