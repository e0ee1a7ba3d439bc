import ServiceClient

/// The enum columns of a `work_item` row, read the same way by both stores: a value this version of the code does not
/// know refuses the row rather than showing it as something else (a `task` or `planned` it never was).
package enum StoredEnumValue {
    /// A stored value this version of the code does not know.
    package struct Unknown: Error, CustomStringConvertible {
        package let column: String
        package let value: String
        package var description: String { "work_item.\(self.column) holds '\(self.value)', which this version does not know" }
    }

    package static func itemType(_ raw: String) throws -> WorkItemType {
        guard let value = WorkItemType(rawValue: raw) else { throw Unknown(column: "item_type", value: raw) }
        return value
    }

    package static func status(_ raw: String) throws -> WorkItemStatus {
        guard let value = WorkItemStatus(rawValue: raw) else { throw Unknown(column: "status", value: raw) }
        return value
    }
}
