import ServiceClient

/// What text the store accepts. SQLite takes text up to its first NUL, so a NUL would be acknowledged and then
/// stored cut short: refused instead, in every text field. Ids and references are also refused with any other
/// control character (U+0000 to U+001F, U+007F): they are echoed inside one-line warnings such as
/// `stale_entity_reference: Entity reference '<id>' ...`, which a newline would break.
package enum TextRules {
    package static func containsNUL(_ text: String) -> Bool {
        text.utf8.contains(0)
    }

    /// True when a key or string anywhere inside `value` holds a NUL.
    package static func containsNUL(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): self.containsNUL(text)
        case .array(let values): values.contains { self.containsNUL($0) }
        case .object(let fields): fields.contains { self.containsNUL($0.key) || self.containsNUL($0.value) }
        case .null, .bool, .int, .double: false
        }
    }
}
