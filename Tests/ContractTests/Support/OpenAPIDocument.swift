import Foundation
import Yams

/// docs/openapi.yaml, read with Yams, with the lookups the conformance test needs.
struct OpenAPIDocument: Sendable {
    /// One operation of the document: an HTTP method on a path template.
    struct Operation: Hashable, Comparable, Sendable, CustomStringConvertible {
        /// Upper case, as on the wire.
        let method: String
        let path: String

        var description: String { "\(self.method) \(self.path)" }

        static func < (lhs: Operation, rhs: Operation) -> Bool { (lhs.path, lhs.method) < (rhs.path, rhs.method) }
    }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// The methods OpenAPI allows as keys of a path item.
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The package root, found from this file's place in Tests/ContractTests/Support.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fileURL = packageRoot.appendingPathComponent("docs/openapi.yaml")

    let root: OpenAPIJSON
    let validator: OpenAPISchemaValidator

    init(contentsOf url: URL = OpenAPIDocument.fileURL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let yaml = try Yams.load(yaml: text) else { throw Invalid(description: "\(url.path) is empty") }
        self.root = try OpenAPIJSON(yaml: yaml)
        self.validator = OpenAPISchemaValidator(root: self.root)
    }

    /// Every operation with the tags (services) that serve it.
    var operations: [Operation: [String]] {
        var operations: [Operation: [String]] = [:]
        for (path, item) in self.root["paths"]?.object ?? [:] {
            for method in Self.methods {
                guard let operation = item[method] else { continue }
                operations[Operation(method: method.uppercased(), path: path)] = operation["tags"]?.array?.compactMap(\.string) ?? []
            }
        }
        return operations
    }

    /// Follows `$ref` until the node is not a reference (for responses, parameters and request bodies).
    func resolved(_ node: OpenAPIJSON) -> OpenAPIJSON {
        var node = node
        var hops = 0
        while let reference = node["$ref"]?.string, let target = self.validator.resolve(reference), hops < 16 {
            node = target
            hops += 1
        }
        return node
    }

    func pathItem(_ path: String) -> OpenAPIJSON? { self.root["paths"]?[path] }

    func operation(_ operation: Operation) -> OpenAPIJSON? { self.pathItem(operation.path)?[operation.method.lowercased()] }

    /// The documented responses of an operation, by status, references resolved.
    func responses(_ operation: Operation) -> [String: OpenAPIJSON] {
        (self.operation(operation)?["responses"]?.object ?? [:]).mapValues(self.resolved)
    }

    /// Path-level and operation-level parameters, references resolved.
    func parameters(_ operation: Operation) -> [OpenAPIJSON] {
        let shared = self.pathItem(operation.path)?["parameters"]?.array ?? []
        let own = self.operation(operation)?["parameters"]?.array ?? []
        return (shared + own).map(self.resolved)
    }

    /// The JSON schema of an operation's request body, if it has one.
    func requestSchema(_ operation: Operation) -> OpenAPIJSON? {
        guard let body = self.operation(operation)?["requestBody"] else { return nil }
        return self.resolved(body)["content"]?["application/json"]?["schema"]
    }

    /// What a path answers to methods it does not serve (`x-other-methods-responses`).
    func otherMethodsResponses(_ path: String) -> [String: OpenAPIJSON] {
        (self.pathItem(path)?["x-other-methods-responses"]?.object ?? [:]).mapValues(self.resolved)
    }

    /// What either service answers to a path it does not serve (`x-unknown-route-responses`).
    var unknownRouteResponses: [String: OpenAPIJSON] {
        (self.root["x-unknown-route-responses"]?.object ?? [:]).mapValues(self.resolved)
    }

    /// Every schema the document holds: the named ones and those of parameters, headers, bodies and responses.
    var allSchemas: [(path: String, schema: OpenAPIJSON)] {
        var found: [(String, OpenAPIJSON)] = []
        self.walk { key, value, parent in
            guard key == "schema" || parent == "$.components.schemas" else { return true }
            found.append(("\(parent).\(key)", value))
            return false
        }
        return found
    }

    /// Every `$ref` in the document and where it is.
    var allReferences: [(path: String, reference: String)] {
        var found: [(String, String)] = []
        self.walk { key, value, parent in
            guard key == "$ref", let reference = value.string else { return true }
            found.append((parent, reference))
            return false
        }
        return found
    }

    /// Visits every member of every object, depth first, with the JSON path of the object holding it; `visit`
    /// answers whether to descend into the member's value.
    private func walk(_ visit: (_ key: String, _ value: OpenAPIJSON, _ parent: String) -> Bool) {
        func walk(_ node: OpenAPIJSON, _ path: String) {
            switch node {
            case .object(let object):
                for (key, value) in object where visit(key, value, path) { walk(value, "\(path).\(key)") }
            case .array(let values):
                for (index, value) in values.enumerated() { walk(value, "\(path)[\(index)]") }
            default:
                break
            }
        }
        walk(self.root, "$")
    }
}
