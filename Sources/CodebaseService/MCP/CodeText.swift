import CodebaseCore
import Foundation
import ServiceClient

/// The compact text of a codebase tool result, for a model: warnings first, then `path:start-end` and a short snippet.
enum CodeText {
    /// Lines of a search hit's text shown in the snippet; the whole text is in the structured content.
    static let snippetLines = 3

    static func render(_ response: SearchResponse) -> String {
        var lines = response.warnings.map { "warning: \($0)" }
        lines.append("\(response.results.count) of \(response.totalCount) matching chunks:")
        for result in response.results {
            var head = "\(result.repository)/\(result.filePath):\(result.startLine)-\(result.endLine) \(result.chunkID)"
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

    static func render(_ response: GrepResponse) -> String {
        var lines = response.warnings.map { "warning: \($0)" }
        lines.append("\(response.matches.count) of \(response.totalCount)\(response.truncated ? "+" : "") matching lines:")
        for match in response.matches {
            lines.append("\(match.repository)/\(match.filePath):\(match.line):\(match.column) \(match.chunkID)")
            lines.append("  \(match.text.trimmingCharacters(in: .whitespaces))")
        }
        return lines.joined(separator: "\n")
    }

    static func render(_ response: SymbolsResponse) -> String {
        var lines = response.warnings.map { "warning: \($0)" }
        lines.append("\(response.symbols.count) declarations:")
        for symbol in response.symbols {
            let name = symbol.container.map { "\($0).\(symbol.name)" } ?? symbol.name
            lines.append("\(symbol.kind) \(name) \(symbol.repository)/\(symbol.filePath):\(symbol.startLine)-\(symbol.endLine) \(symbol.chunkID)")
        }
        return lines.joined(separator: "\n")
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
