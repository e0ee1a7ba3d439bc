import ServiceClient
import WorkflowCore

/// The compact text of a work-item tool result, for a model: warnings first, then the essentials.
enum WorkItemText {
    static func render(_ item: WorkItem) -> String {
        (self.warnings(item.warnings) + self.lines(item)).joined(separator: "\n")
    }

    static func render(_ page: WorkItemPage) -> String {
        var lines = self.warnings(page.warnings)
        lines.append(page.items.isEmpty ? "No work items match." : "\(page.items.count) work items:")
        for item in page.items { lines += self.lines(item) }
        if let cursor = page.nextCursor { lines.append("More: pass cursor \"\(cursor)\".") }
        return lines.joined(separator: "\n")
    }

    private static func warnings(_ warnings: [String]) -> [String] {
        warnings.map { "warning: \($0)" }
    }

    private static func lines(_ item: WorkItem) -> [String] {
        var head = "\(item.id) [\(item.itemType.rawValue), \(item.status.rawValue), v\(item.version)] \(item.title)"
        if let parent = item.parentID { head += " (parent \(parent))" }
        if item.deletedAt != nil { head += " (deleted)" }
        var lines = [head]
        if !item.entityReferences.isEmpty {
            var parts: [String] = []
            if !item.validReferences.isEmpty { parts.append("valid \(item.validReferences.joined(separator: ", "))") }
            if !item.staleReferences.isEmpty { parts.append("stale \(item.staleReferences.joined(separator: ", "))") }
            if !item.unverifiedReferences.isEmpty { parts.append("unverified \(item.unverifiedReferences.joined(separator: ", "))") }
            lines.append("  references: " + parts.joined(separator: "; "))
        }
        return lines
    }
}
