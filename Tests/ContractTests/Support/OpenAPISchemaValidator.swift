import Foundation

/// Checks JSON values against the JSON Schema 2020-12 subset that docs/openapi.yaml uses, naming the JSON path of
/// every mismatch (`$.items[0].title: …`).
///
/// Keywords outside the subset are reported by `keywordProblems` rather than ignored, so the document cannot come
/// to rely on a check this validator does not make.
struct OpenAPISchemaValidator: Sendable {
    /// The keywords that constrain a value.
    static let assertions: Set<String> = [
        "$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "format", "allOf", "anyOf", "oneOf",
    ]
    /// Keywords that only describe.
    static let annotations: Set<String> = ["description", "default", "title", "examples", "deprecated"]

    /// The whole document, against which `$ref`s resolve.
    let root: OpenAPIJSON

    /// Every way `value` fails `schema`; empty when it conforms.
    func errors(_ value: OpenAPIJSON, _ schema: OpenAPIJSON, at path: String = "$") -> [String] {
        if case .bool(let accepts) = schema { return accepts ? [] : ["\(path): no value is allowed here"] }
        guard let keywords = schema.object else { return ["\(path): the schema is not an object: \(schema)"] }
        var errors: [String] = []
        if let reference = keywords["$ref"]?.string {
            guard let target = self.resolve(reference) else { return ["\(path): unresolvable $ref \(reference)"] }
            errors += self.errors(value, target, at: path)
        }
        errors += self.typeErrors(value, keywords, at: path)
        if let allowed = keywords["enum"]?.array, !allowed.contains(value) {
            errors.append("\(path): \(value) is not one of \(OpenAPIJSON.array(allowed))")
        }
        if let constant = keywords["const"], constant != value {
            errors.append("\(path): \(value) is not the constant \(constant)")
        }
        switch value {
        case .string(let text): errors += self.stringErrors(text, keywords, at: path)
        case .int, .double: errors += self.numberErrors(value.number!, keywords, at: path)
        case .array(let elements): errors += self.arrayErrors(elements, keywords, at: path)
        case .object(let object): errors += self.objectErrors(object, keywords, at: path)
        case .null, .bool: break
        }
        errors += self.combinationErrors(value, keywords, at: path)
        return errors
    }

    /// Follows a local reference such as `#/components/schemas/WorkItem`.
    func resolve(_ reference: String) -> OpenAPIJSON? {
        guard reference.hasPrefix("#") else { return nil }
        var node = self.root
        for token in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node[key] else { return nil }
            node = next
        }
        return node
    }

    /// Keywords in `schema` (and its subschemas) that this validator does not implement, and formats it does not check.
    func keywordProblems(_ schema: OpenAPIJSON, at path: String) -> [String] {
        guard let keywords = schema.object else { return schema.typeName == "boolean" ? [] : ["\(path): not a schema"] }
        var problems = keywords.keys.filter { !Self.assertions.contains($0) && !Self.annotations.contains($0) }.sorted().map {
            "\(path): keyword '\($0)' is not checked by the conformance test's validator"
        }
        if let format = keywords["format"], format != .string("date-time") { problems.append("\(path): format \(format) is not checked") }
        if let reference = keywords["$ref"]?.string, self.resolve(reference) == nil { problems.append("\(path): unresolvable $ref \(reference)") }
        for (name, subschema) in keywords["properties"]?.object ?? [:] {
            problems += self.keywordProblems(subschema, at: "\(path).properties.\(name)")
        }
        if let additional = keywords["additionalProperties"], additional.object != nil {
            problems += self.keywordProblems(additional, at: "\(path).additionalProperties")
        }
        if let items = keywords["items"] { problems += self.keywordProblems(items, at: "\(path).items") }
        for combination in ["allOf", "anyOf", "oneOf"] {
            for (index, subschema) in (keywords[combination]?.array ?? []).enumerated() {
                problems += self.keywordProblems(subschema, at: "\(path).\(combination)[\(index)]")
            }
        }
        return problems
    }

    private func typeErrors(_ value: OpenAPIJSON, _ keywords: [String: OpenAPIJSON], at path: String) -> [String] {
        guard let type = keywords["type"] else { return [] }
        let allowed = type.array?.compactMap(\.string) ?? type.string.map { [$0] } ?? []
        let actual = value.typeName
        let fits = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
        return fits ? [] : ["\(path): expected type \(allowed.joined(separator: " or ")), got \(actual) \(value)"]
    }

    private func stringErrors(_ text: String, _ keywords: [String: OpenAPIJSON], at path: String) -> [String] {
        var errors: [String] = []
        // JSON Schema counts code points.
        let length = text.unicodeScalars.count
        if let minimum = keywords["minLength"]?.number, Double(length) < minimum {
            errors.append("\(path): \(length) characters, fewer than minLength \(Int(minimum))")
        }
        if let maximum = keywords["maxLength"]?.number, Double(length) > maximum {
            errors.append("\(path): \(length) characters, more than maxLength \(Int(maximum))")
        }
        if let pattern = keywords["pattern"]?.string {
            if let regex = try? NSRegularExpression(pattern: pattern) {
                if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                    errors.append("\(path): \(OpenAPIJSON.string(text)) does not match pattern \(pattern)")
                }
            } else {
                errors.append("\(path): pattern \(pattern) does not compile")
            }
        }
        if keywords["format"]?.string == "date-time", !Self.isTimestamp(text) {
            errors.append("\(path): \(OpenAPIJSON.string(text)) is not an ISO-8601 UTC timestamp ending in Z")
        }
        return errors
    }

    private func numberErrors(_ number: Double, _ keywords: [String: OpenAPIJSON], at path: String) -> [String] {
        var errors: [String] = []
        let shown = Self.format(number)
        if let minimum = keywords["minimum"]?.number, number < minimum { errors.append("\(path): \(shown) is below minimum \(Self.format(minimum))") }
        if let maximum = keywords["maximum"]?.number, number > maximum { errors.append("\(path): \(shown) is above maximum \(Self.format(maximum))") }
        if let bound = keywords["exclusiveMinimum"]?.number, number <= bound {
            errors.append("\(path): \(shown) is not above exclusiveMinimum \(Self.format(bound))")
        }
        return errors
    }

    private func arrayErrors(_ elements: [OpenAPIJSON], _ keywords: [String: OpenAPIJSON], at path: String) -> [String] {
        var errors: [String] = []
        if let minimum = keywords["minItems"]?.number, Double(elements.count) < minimum {
            errors.append("\(path): \(elements.count) items, fewer than minItems \(Int(minimum))")
        }
        if let maximum = keywords["maxItems"]?.number, Double(elements.count) > maximum {
            errors.append("\(path): \(elements.count) items, more than maxItems \(Int(maximum))")
        }
        if let items = keywords["items"] {
            for (index, element) in elements.enumerated() { errors += self.errors(element, items, at: "\(path)[\(index)]") }
        }
        return errors
    }

    private func objectErrors(_ object: [String: OpenAPIJSON], _ keywords: [String: OpenAPIJSON], at path: String) -> [String] {
        var errors: [String] = []
        let properties = keywords["properties"]?.object ?? [:]
        for name in keywords["required"]?.array?.compactMap(\.string) ?? [] where object[name] == nil {
            errors.append("\(Self.member(path, name)): required property is missing")
        }
        for name in object.keys.sorted() {
            let member = Self.member(path, name)
            if let subschema = properties[name] {
                errors += self.errors(object[name]!, subschema, at: member)
            } else if let additional = keywords["additionalProperties"] {
                if additional == .bool(false) {
                    errors.append("\(member): property is not in the schema (additionalProperties: false)")
                } else {
                    errors += self.errors(object[name]!, additional, at: member)
                }
            }
        }
        return errors
    }

    private func combinationErrors(_ value: OpenAPIJSON, _ keywords: [String: OpenAPIJSON], at path: String) -> [String] {
        var errors: [String] = []
        for subschema in keywords["allOf"]?.array ?? [] { errors += self.errors(value, subschema, at: path) }
        if let choices = keywords["anyOf"]?.array {
            let outcomes = choices.map { self.errors(value, $0, at: path) }
            if !outcomes.contains(where: \.isEmpty) {
                errors.append("\(path): matches none of anyOf: " + outcomes.map { $0.joined(separator: "; ") }.joined(separator: " | "))
            }
        }
        if let choices = keywords["oneOf"]?.array {
            let outcomes = choices.map { self.errors(value, $0, at: path) }
            let matches = outcomes.filter(\.isEmpty).count
            if matches == 0 {
                errors.append("\(path): matches none of oneOf: " + outcomes.map { $0.joined(separator: "; ") }.joined(separator: " | "))
            } else if matches > 1 {
                errors.append("\(path): matches \(matches) branches of oneOf, not exactly one")
            }
        }
        return errors
    }

    /// `2026-11-21T15:21:42.123Z`, fraction optional, UTC only.
    static func isTimestamp(_ text: String) -> Bool {
        text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"#, options: .regularExpression) != nil
    }

    /// `100`, not `100.0`, for integral numbers.
    private static func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    private static func member(_ path: String, _ name: String) -> String {
        let plain = name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil
        return plain ? "\(path).\(name)" : "\(path)[\(OpenAPIJSON.string(name))]"
    }
}
